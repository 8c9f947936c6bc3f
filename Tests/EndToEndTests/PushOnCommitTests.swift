import AsyncHTTPClient
import Foundation
import Replication
import Testing

/// A node pushes as soon as the desk commits something, not at its next interval (issue 22: push
/// on commit), so head office sees a return in a moment.
@Suite("push on commit")
struct PushOnCommitTests {
    @Test("with a five-minute interval, a customer registered at the desk reaches the hub well before it")
    func pushesOnCommit() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.startHub()
        let client = HTTPClient.shared
        let server = try await NodeServerProcess.start(
            data: a.data, log: f.folder.file("A1-serve.log"), client: client,
            environment: ["RETURNSYNC_NODE_SYNC_SECONDS": "300"])
        defer { server.stop() }

        // The round at start, then the long wait.
        let first = try await server.waitForSync(client: client, within: 30) { $0.online }
        #expect(first?.online == true, "the first round did not succeed: \(server.logText)")

        var request = server.request("/api/v1/customers")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Staff", value: "desk")
        request.body = .bytes(Data(#"{"id": "C-77", "name": "王丽"}"#.utf8))
        let response = try await client.execute(request, timeout: .seconds(10))
        #expect(response.status == .created)

        // Well inside the five minutes: the commit woke the sync.
        let deadline = Date().addingTimeInterval(60)
        var atHub = false
        while !atHub, Date() < deadline {
            atHub = try await f.hubEvents().contains { $0.record == .customer("C-77") }
            if !atHub { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(atHub, "the customer did not reach the hub within a minute: \(server.logText)")
    }
}
