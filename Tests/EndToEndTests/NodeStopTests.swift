import AsyncHTTPClient
import ChildProcesses
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A node whose hub cannot be reached notices at once and still stops promptly on SIGTERM: the
/// sync round in flight is cancelled with the service group.
@Suite("node serve stops promptly")
struct NodeStopTests {
    @Test("with its hub refusing connections, node serve exits 0 soon after SIGTERM")
    func deadHub() async throws {
        let fixture = try await NodeFixture.seeded(sales: 1, unitsPerSale: 1)
        defer { fixture.folder.remove() }
        // A port nothing listens on: connections are refused.
        let dead = try freeLoopbackPort()
        try await HubFixture.expectSuccess([
            "node", "connect", "--data", fixture.data, "--hub", "http://127.0.0.1:\(dead)", "--token", "unused",
        ])
        let server = try await NodeServerProcess.start(
            data: fixture.data, log: fixture.folder.file("serve.log"), client: HTTPClient.shared)
        defer { server.stop() }
        // Let it try the hub, fail and wait for its next round.
        for _ in 0..<100 where !server.logText.contains("sync failed") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.logText.contains("Connection refused"), "the refusal is noticed at once: \(server.logText)")
        let start = ContinuousClock.now
        server.send(SIGTERM)
        let exit = try await server.waitForExit()
        #expect(exit?.reason == .exit && exit?.status == 0, "\(server.logText)")
        print("node serve stopped \(ContinuousClock.now - start) after SIGTERM with its hub down")
    }
}
