import Foundation
import Testing

/// `returnsync demo`, the README's first command, tells its whole story with the real binary:
/// a hub, three stores and the online shop; one store offline; the over-return found at merge.
@Suite("the demo")
struct DemoTests {
    @Test("the chain demo runs to the end: converged, the over-return flagged, every node equal to the hub, verified")
    func chain() async throws {
        let result = try await returnsync("demo")
        #expect(result.status == 0, "\(result)")
        for line in [
            "B (offline) takes back a kettle on store A's receipt R-A-1",
            "the hub refuses, nothing recorded: escrow.insufficient",
            "return.overReturn on sale:R-A-2",
            "every node's sales and returns equal the hub's: yes",
            "hub verify: OK",
        ] {
            #expect(result.stdout.contains(line), "missing: \(line)\n\(result.stdout)")
        }
    }

    @Test("the one-store demo runs to the end and its node verifies")
    func oneStore() async throws {
        let result = try await returnsync("demo", "--one-store")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("mismatches:      0"), "\(result.stdout)")
    }
}
