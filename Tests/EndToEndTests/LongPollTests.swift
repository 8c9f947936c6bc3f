import AsyncHTTPClient
import ChildProcesses
import Foundation
import HubStorePostgres
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A return (here a customer) made at store A reaches store B without waiting for B's interval
/// (issue 22): A pushes on commit and B's long-poll, held at the hub, answers with it. Real
/// processes; the interval is a minute, and the tests allow 30 s.
@Suite("long-poll between real processes", .serialized)
struct LongPollEndToEndTests {
    static let interval = ["RETURNSYNC_NODE_SYNC_SECONDS": "60"]

    /// Registers customer `id` through `server`'s API.
    static func registerCustomer(_ id: String, at server: NodeServerProcess) async throws {
        var request = server.request("/api/v1/customers")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Staff", value: "desk")
        request.body = .bytes(Data(#"{"id": "\#(id)", "name": "王丽"}"#.utf8))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        #expect(response.status == .created)
    }

    /// Waits up to 30 s for the node whose data is `data` (read alongside its server) to hold an
    /// event about `record`.
    static func arrives(_ record: RecordKey, data: String) async throws -> Bool {
        let service = NodeService(database: try NodeDatabase.open(in: URL(fileURLWithPath: data)))
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if try await service.read({ try $0.allEvents() }).contains(where: { $0.record == record }) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// Both nodes' first round done, then `commit` at A, whose record must reach B.
    static func deliver(
        a: NodeServerProcess, b: NodeServerProcess, bData: String,
        commit: @Sendable (NodeServerProcess) async throws -> RecordKey = { server in
            try await registerCustomer("C-77", at: server)
            return .customer("C-77")
        }
    ) async throws -> Bool {
        let client = HTTPClient.shared
        for server in [a, b] {
            let first = try await server.waitForSync(client: client, within: 30) { $0.online }
            #expect(first?.online == true, "the first round did not succeed: \(server.logText)")
        }
        // B's long-poll is held at the hub by now (it starts right after B's first round).
        try await Task.sleep(for: .milliseconds(500))
        return try await arrives(try await commit(a), data: bData)
    }

    @Test("SQLite hub: a return taken at A reaches B well before B's one-minute interval")
    func sqliteHub() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        try await f.seedCatalog(a, stock: 10)
        try await f.recordSale(a, id: "S-1", quantity: 2)
        try await f.startHub()
        let client = HTTPClient.shared
        let serverA = try await NodeServerProcess.start(
            data: a.data, log: f.folder.file("A1.log"), client: client, environment: Self.interval)
        defer { serverA.stop() }
        let serverB = try await NodeServerProcess.start(
            data: b.data, log: f.folder.file("B1.log"), client: client, environment: Self.interval)
        defer { serverB.stop() }
        let arrived = try await Self.deliver(a: serverA, b: serverB, bData: b.data) { server in
            .returnOrder(
                ReturnID(
                    try await CrashSafetyTests.createReturn(client: HTTPClient.shared, server: server, sale: "S-1")))
        }
        #expect(arrived, "the return did not reach B within 30 s: \(serverB.logText)")
    }

    @Test("two hub processes over one PostgreSQL: A pushes to one, B's long-poll held by the other answers")
    func postgresHubs() async throws {
        let url = try await PostgresDatabases.create(serverURL: try postgresServerURL(), prefix: "longpoll_")
        let folder = try TemporaryFolder("e2e-longpoll")
        defer { folder.remove() }
        try await HubFixture.expectSuccess(["hub", "migrate", "--database", url])
        var hubs: [HubServerProcess] = []
        defer { hubs.forEach { $0.stop() } }
        for i in 0..<2 {
            hubs.append(
                try await HubServerProcess.start(
                    storage: ["--database", url], port: try freeLoopbackPort(), log: folder.file("hub-\(i).log")))
        }
        var servers: [NodeServerProcess] = []
        defer { servers.forEach { $0.stop() } }
        var data: [String] = []
        for (i, (id, store)) in [("A1", "S-A"), ("B1", "S-B")].enumerated() {
            let path = folder.file("node-\(id)").path
            try await HubFixture.expectSuccess(["node", "init", "--store", store, "--data", path, "--node-id", id])
            let enrolled = try await HubFixture.expectSuccess([
                "hub", "enroll", "--database", url, "--node", id, "--store", store, "--json",
            ])
            let token = try #require(
                try JSONDecoder().decode([String: String].self, from: Data(enrolled.stdout.utf8))["token"])
            try await HubFixture.expectSuccess([
                "node", "connect", "--data", path, "--hub", hubs[i].baseURL, "--token", token,
            ])
            servers.append(
                try await NodeServerProcess.start(
                    data: path, log: folder.file("\(id).log"), client: HTTPClient.shared, environment: Self.interval))
            data.append(path)
        }
        let arrived = try await Self.deliver(a: servers[0], b: servers[1], bData: data[1])
        #expect(
            arrived,
            "C-77 did not reach B within 30 s: \(servers[1].logText)\nhub 1: \(hubs[1].child.logText)")
    }

    @Test("SIGTERM ends hub serve promptly while it holds a pull")
    func stopsWhileHolding() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let token = try await f.enroll(node: "B1", store: "S-B")
        try await f.startHub()
        let hub = try #require(f.server)
        let head = try JSONDecoder().decode(
            PullResponse.self, from: try await f.get("\(SyncRoutes.pull)?after=0", token: token).body
        ).checkpoint
        let held = Task {
            var request = HTTPClientRequest(url: f.baseURL + "\(SyncRoutes.pull)?after=\(head)&wait=30")
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
            return response.status.code
        }
        try await Task.sleep(for: .milliseconds(500))
        let start = ContinuousClock.now
        hub.send(SIGTERM)
        let exit = try await hub.waitForExit(within: 20)
        let took = ContinuousClock.now - start
        #expect(exit?.reason == .exit && exit?.status == 0, "\(hub.child.logText)")
        // The hold is 30 s; the server must not wait for it (its bound is 2 s; generous here).
        #expect(took < .seconds(10), "hub serve took \(took) to stop while holding a pull")
        #expect(try await held.value == 200, "the held pull is answered (an empty page) before the server stops")
        print("hub serve stopped \(took) after SIGTERM while holding a pull")
    }
}
