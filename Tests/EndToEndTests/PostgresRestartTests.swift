import ChildProcesses
import Foundation
import HubStore
import HubStorePostgres
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The hub's PostgreSQL crashes in the middle of a node's pushes. The suite's shared cluster is
/// not touched: this test starts a private one with scripts/postgres-cluster and crashes that
/// (immediate stop: no checkpoint; the restart replays the WAL).
@Suite("PostgreSQL crash under a hub", .serialized)
struct PostgresRestartTests {
    @Test(
        "a push acknowledged before PostgreSQL crashes is kept; the node re-sends the rest and nothing doubles")
    func crashMidPush() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pgcrash-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // initdb runs as the postgres user when we are root: it must be able to enter the folder.
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
        let cluster = root.appendingPathComponent("cluster").path
        defer { Self.stopCluster(cluster, root: root) }
        try await Self.script("start", cluster)
        let server = try String(contentsOfFile: cluster + "/url", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let url = try await PostgresDatabases.create(serverURL: server, prefix: "crash_")
        try await HubFixture.expectSuccess(["hub", "migrate", "--database", url])
        let out = try await HubFixture.expectSuccess([
            "hub", "enroll", "--database", url, "--node", "W0", "--store", "S-0", "--json",
        ])
        let token = try #require(try JSONDecoder().decode([String: String].self, from: Data(out.stdout.utf8))["token"])
        let hub = try await HubServerProcess.start(
            storage: ["--database", url], port: try freeLoopbackPort(), log: root.appendingPathComponent("hub.log"))
        defer { hub.stop() }

        // A node's outbox of 40 change sets × 25 events, pushed in order; PostgreSQL crashes
        // while the pushes go on. The node does what its sync agent does: a push that fails is
        // sent again (the same change set) until the hub acknowledges it.
        let node = NodeID("W0")
        let sets = 40
        let perSet = 25
        var acknowledged: UInt64 = 0
        var failures = 0
        var crash: Task<Void, any Error>?
        for c in 0..<sets {
            let events = (1...perSet).map {
                MultiHubTests.sale(by: node, store: "S-0", seq: UInt64(c * perSet + $0))
            }
            let body = try JSONEncoder().encode(ChangeSet(node: node, events: events))
            if c == 10 {
                crash = Task.detached { try await Self.script("crash-restart", cluster) }
            }
            while true {
                let answer = try? await HubFixture.post(base: hub.baseURL, SyncRoutes.push, body: body, token: token)
                if let answer, answer.status == 200 {
                    let receipt = try JSONDecoder().decode(PushResponse.self, from: answer.body)
                    #expect(receipt.acked == UInt64((c + 1) * perSet), "\(receipt)")
                    #expect(receipt.acked >= acknowledged, "an acknowledgement went backwards")
                    acknowledged = receipt.acked
                    break
                }
                failures += 1
                try #require(failures < 2_000, "the hub never recovered: \(answer.map { "\($0)" } ?? "no answer")")
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        try await crash?.value
        #expect(acknowledged == UInt64(sets * perSet))

        // Everything acknowledged is held once, and the hub verifies.
        let store = try await PostgresHubStore.connect(url: url)
        defer { store.close() }
        let report = try await store.verify()
        #expect(report.isOK, "hub verify: \(report)")
        #expect(report.events == sets * perSet && report.feed == sets * perSet, "\(report)")
        #expect(try await store.syncStatus().first { $0.node == node }?.acked == UInt64(sets * perSet))
        // The crash really happened during the pushes: the server log shows the recovery.
        let log = try String(contentsOfFile: cluster + "/log", encoding: .utf8)
        #expect(log.contains("database system was interrupted") || log.contains("redo"), "no crash recovery in the log")
    }

    static var clusterScript: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("scripts/postgres-cluster")
    }

    /// Runs scripts/postgres-cluster with `arguments` (the URL of a started cluster is in DIR/url)
    /// through `system`, which waits for exactly that child: the PostgreSQL server the script
    /// leaves running must not keep the caller waiting. Blocks its thread for the few seconds a
    /// start takes.
    static func script(_ arguments: String...) async throws {
        let quoted = ([clusterScript.path] + arguments).map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
        let status = system(quoted.joined(separator: " ") + " >/dev/null 2>&1 </dev/null")
        guard status == 0 else {
            throw HubError(code: "test.cluster", message: "postgres-cluster \(arguments) failed (\(status))")
        }
    }

    /// Stops the private cluster and removes its folder, whatever state the test left it in.
    static func stopCluster(_ cluster: String, root: URL) {
        _ = system("'\(clusterScript.path)' stop '\(cluster)' >/dev/null 2>&1 </dev/null")
        try? FileManager.default.removeItem(at: root)
    }
}
