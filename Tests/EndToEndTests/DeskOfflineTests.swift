import AsyncHTTPClient
import Foundation
import Testing

/// The desk says plainly when head office cannot be reached (issue 19: it showed nothing).
@Suite("the desk offline, in a real browser", .serialized)
struct DeskOfflineTests {
    @Test("cut off from the hub, the desk shows the offline banner with the changes waiting and the risk budget left")
    func offlineBanner() async throws {
        _ = try Browser.url()
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 5)
        try await f.cutOff(a)
        let client = HTTPClient.shared
        let server = try await NodeServerProcess.start(
            data: a.data, log: f.folder.file("A1-serve.log"), client: client,
            environment: ["RETURNSYNC_NODE_SYNC_SECONDS": "1"])
        defer { server.stop() }

        // A refused connection is noticed at the first round.
        let health = try await server.waitForSync(client: client, within: 20) { $0.failedRounds >= 1 }
        #expect((health?.failedRounds ?? 0) >= 1, "no failed round in 20 s: \(server.logText)")

        let profile = try TemporaryFolder("e2e-browser")
        defer { profile.remove() }
        let page = try await DashboardBrowserTests.render("\(server.baseURL)/desk#key=\(server.key)", profile: profile)
        #expect(page.text.contains("Working offline: head office cannot be reached"), "\(page.text)")
        #expect(page.text.contains("change(s) will go to head office"), "\(page.text)")
        #expect(page.text.contains("risk budget"), "\(page.text)")
    }
}
