import AsyncHTTPClient
import ChildProcesses
import Foundation
import GRDB
import HubStore
import HubStoreSQLite
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// One store node of a hub test: its data folder, ids and the token `hub enroll` gave it.
struct HubTestNode: Sendable {
    var id: String
    var store: String
    var data: String
    var token: String
    var nodeID: NodeID { NodeID(rawValue: id) }
}

/// What `node sync --once --json` printed (SyncClient's `SyncReport`), as far as the tests care.
struct HubSyncRound: Decodable, CustomStringConvertible {
    var pushed: Int
    var pushDuplicates: Int
    var acked: UInt64
    var pulled: Int
    var pullDuplicates: Int
    var checkpoint: UInt64
    var epoch: String
    var conflicts: [Dot]
    var resynced: Bool
    var isQuiet: Bool { pushed == 0 && pushDuplicates == 0 && pulled == 0 && pullDuplicates == 0 }
    var description: String {
        "pushed \(pushed) (+\(pushDuplicates) dup), acked \(acked), pulled \(pulled) (+\(pullDuplicates) dup), checkpoint \(checkpoint)"
    }
}

/// An HTTP answer of the hub: status and body, with the problem decoded when there is one.
struct HubHTTPAnswer: CustomStringConvertible {
    var status: UInt
    var body: Data
    var problem: ProblemDetails? { try? JSONDecoder().decode(ProblemDetails.self, from: body) }
    var push: PushResponse? { try? JSONDecoder().decode(PushResponse.self, from: body) }
    var description: String { "HTTP \(status): \(String(decoding: body.prefix(800), as: UTF8.self))" }
}

/// A hub made with the real CLI in a temporary folder, its `hub serve` process, and store nodes
/// enrolled with it and connected to it. `stopAll()` ends every process it started and removes
/// the folder; call it from a `defer` so a failing test leaves nothing behind.
final class HubFixture: @unchecked Sendable {
    let folder: TemporaryFolder
    let port: Int
    private(set) var nodes: [String: HubTestNode] = [:]
    private var servers: [HubServerProcess] = []
    private(set) var server: HubServerProcess?
    private var children: [HubChildProcess] = []

    var hubData: String { folder.file("hub").path }
    var hubPath: String { folder.file("hub").appendingPathComponent("hub.sqlite").path }
    var baseURL: String { "http://127.0.0.1:\(port)" }
    var hubLog: URL { folder.file("hub.log") }

    /// `hub init` in a fresh folder (the server is not started yet).
    init() async throws {
        folder = try TemporaryFolder("e2e-hub")
        port = try freeLoopbackPort()
        try await Self.expectSuccess(["hub", "init", "--data", hubData])
    }

    // MARK: Processes

    func startHub() async throws {
        let started = try await HubServerProcess.start(data: hubData, port: port, log: hubLog)
        servers.append(started)
        server = started
    }

    /// Stops the running `hub serve` (SIGKILL: SQLite keeps every commit, WAL included).
    func stopHub() {
        server?.stop()
        server = nil
    }

    /// A `returnsync` command running in the background; stopped by `stopAll()` if still running.
    func background(_ arguments: [String], log name: String) throws -> HubChildProcess {
        let child = try HubChildProcess(arguments, log: folder.file(name))
        children.append(child)
        return child
    }

    /// Ends every process this fixture started and removes its folder.
    func stopAll() {
        children.forEach { $0.stop() }
        servers.forEach { $0.stop() }
        folder.remove()
    }

    // MARK: Enrolment

    /// `hub enroll --json`; the token.
    func enroll(node: String, store: String?, role: String = "storeNode") async throws -> String {
        var arguments = ["hub", "enroll", "--data", hubData, "--node", node, "--role", role, "--json"]
        if let store { arguments += ["--store", store] }
        let result = try await Self.expectSuccess(arguments)
        let answer = try JSONDecoder().decode([String: String].self, from: Data(result.stdout.utf8))
        return try #require(answer["token"])
    }

    /// `node init` with a fixed node id, `hub enroll`, `node connect`.
    @discardableResult
    func addNode(_ id: String, store: String) async throws -> HubTestNode {
        let data = folder.file("node-\(id)").path
        try await Self.expectSuccess(["node", "init", "--store", store, "--data", data, "--node-id", id])
        let token = try await enroll(node: id, store: store)
        try await Self.expectSuccess(["node", "connect", "--data", data, "--hub", baseURL, "--token", token])
        let node = HubTestNode(id: id, store: store, data: data, token: token)
        nodes[id] = node
        return node
    }

    /// Cuts `node` off from the hub: `node connect` to a loopback port nothing listens on, so every
    /// attempt to reach the hub (escrow claims, sync) is refused the way a dead link is.
    func cutOff(_ node: HubTestNode) async throws {
        let dead = try freeLoopbackPort()
        try await Self.expectSuccess([
            "node", "connect", "--data", node.data, "--hub", "http://127.0.0.1:\(dead)", "--token", node.token,
        ])
    }

    /// Connects `node` to the hub again after `cutOff`.
    func reconnect(_ node: HubTestNode) async throws {
        try await Self.expectSuccess(["node", "connect", "--data", node.data, "--hub", baseURL, "--token", node.token])
    }

    // MARK: Desk work through the CLI

    /// A product at 10.00 and `stock` units received at `node`'s store.
    func seedCatalog(_ node: HubTestNode, sku: String = "MUG-1", stock: Int) async throws {
        try await Self.expectSuccess([
            "product", "add", "--data", node.data, "--staff", "setup", "--sku", sku, "--name", "Mug", "--category",
            "kitchen", "--price", "10.00", "--cost", "4.00", "--vat", "20",
        ])
        try await Self.expectSuccess([
            "stock", "receive", "--data", node.data, "--staff", "setup", "--sku", sku, "--quantity", String(stock),
        ])
    }

    /// `sale record` of receipt `id`: `quantity` units of `sku` paid by card.
    func recordSale(_ node: HubTestNode, id: String, sku: String = "MUG-1", quantity: Int) async throws {
        let file = try folder.write(
            "sale-\(node.id)-\(id).json",
            """
            {"id": "\(id)", "lines": [{"sku": "\(sku)", "quantity": \(quantity)}],
             "tenders": [{"tender": "card", "amount": "\(quantity * 10).00"}]}
            """)
        try await Self.expectSuccess(["sale", "record", "--data", node.data, "--staff", "till", "--file", file])
    }

    /// `return create` of `quantity` units of line `line` of receipt `sale`.
    func createReturn(_ node: HubTestNode, sale: String, line: Int = 1, quantity: Int = 1) async throws {
        try await Self.expectSuccess(returnArguments(node, sale: sale, line: line, quantity: quantity))
    }

    /// `return create` as above, which may fail: the CLI's result.
    func tryReturn(_ node: HubTestNode, sale: String, line: Int = 1, quantity: Int = 1) async throws -> CLIResult {
        try await returnsync(returnArguments(node, sale: sale, line: line, quantity: quantity))
    }

    private func returnArguments(_ node: HubTestNode, sale: String, line: Int, quantity: Int) -> [String] {
        [
            "return", "create", "--data", node.data, "--staff", "desk", "--sale", sale, "--line", String(line),
            "--quantity", String(quantity), "--reason", "changedMind", "--condition", "unopened", "--json",
        ]
    }

    // MARK: Sync through the CLI

    /// `node sync --once --json`, required to succeed.
    @discardableResult
    func sync(_ node: HubTestNode) async throws -> HubSyncRound {
        let result = try await Self.expectSuccess(["node", "sync", "--data", node.data, "--once", "--json"])
        return try JSONDecoder().decode(HubSyncRound.self, from: Data(result.stdout.utf8))
    }

    /// Syncs every node in turn until one whole pass moves nothing (at most `passes` passes).
    func syncUntilQuiet(_ nodes: [HubTestNode], passes: Int = 6) async throws {
        for _ in 0..<passes {
            var quiet = true
            for node in nodes where !(try await sync(node)).isQuiet { quiet = false }
            if quiet { return }
        }
        Issue.record("the nodes did not reach quiescence in \(passes) passes")
    }

    /// `node verify --json`.
    func verifyNode(_ node: HubTestNode) async throws -> VerifyReport {
        let result = try await returnsync(["node", "verify", "--data", node.data, "--json"])
        try #require(result.status == 0, "node verify \(node.id): \(result)")
        return try JSONDecoder().decode(VerifyReport.self, from: Data(result.stdout.utf8))
    }

    // MARK: Reading the databases directly (SQLite WAL: safe next to a running server)

    /// The node's database through NodeService (only while no `node serve` runs on it).
    func service(_ node: HubTestNode) throws -> NodeService {
        NodeService(database: try NodeDatabase.open(in: URL(fileURLWithPath: node.data)))
    }

    func nodeEvents(_ node: HubTestNode) async throws -> [Event] {
        try await service(node).read { try $0.allEvents() }
    }

    func nodeOutbox(_ node: HubTestNode) async throws -> Int {
        try await service(node).read { try $0.outboxCount() }
    }

    func hub() throws -> SQLiteHubStore { try SQLiteHubStore.open(atPath: hubPath) }

    /// Every event the hub holds.
    func hubEvents() async throws -> [Event] {
        try await NodeService(database: try hub().database).read { try $0.allEvents() }
    }

    func hubStatus(of node: String) async throws -> NodeSyncStatus? {
        try await hub().syncStatus().first { $0.node.rawValue == node }
    }

    /// The hub's events that `node` should hold: those FeedRelevance sends it, plus its own.
    func relevantHubEvents(for node: HubTestNode) async throws -> [Event] {
        let hub = try hub()
        let stores = Dictionary(
            try await hub.syncStatus().map { ($0.node, $0.store) }, uniquingKeysWith: { a, _ in a })
        let events = try await hubEvents()
        var repairStores: [RecordKey: StoreID] = [:]
        for e in events { if case .repairOpened(let order) = e.payload { repairStores[e.record] = order.store } }
        let store = StoreID(rawValue: node.store)
        return events.filter { e in
            if e.dot.node == node.nodeID { return true }
            let scope = FeedRelevance.scope(
                of: e, recordStore: repairStores[e.record], authorStore: stores[e.dot.node] ?? nil)
            return FeedRelevance.isRelevant(author: e.dot.node, scope: scope, to: node.nodeID, store: store)
        }
    }

    /// A connection of the test's own to the hub's file that never waits for a lock, for
    /// `hubIsWriting`.
    func hubLockProbe() throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        return try DatabaseQueue(path: hubPath, configuration: configuration)
    }

    /// True while another connection holds the hub database's write lock, i.e. `hub serve` is
    /// inside a push's transaction (`BEGIN IMMEDIATE` … `COMMIT`). Takes the lock for an instant
    /// when it is free; the hub's busy timeout covers that.
    static func hubIsWriting(_ probe: DatabaseQueue) -> Bool {
        do {
            try probe.writeWithoutTransaction { db in
                try db.execute(sql: "BEGIN IMMEDIATE")
                try db.execute(sql: "ROLLBACK")
            }
            return false
        } catch let error as DatabaseError where error.resultCode.primaryResultCode == .SQLITE_BUSY {
            return true
        } catch {
            return false
        }
    }

    // MARK: HTTP

    /// `POST /sync/v1/push` with `token`'s bearer credential.
    func push(_ changeSet: ChangeSet, token: String) async throws -> HubHTTPAnswer {
        try await post(SyncRoutes.push, body: try JSONEncoder().encode(changeSet), token: token)
    }

    func post(_ path: String, body: Data, token: String, headers: [(String, String)] = []) async throws -> HubHTTPAnswer
    {
        try await Self.post(base: baseURL, path, body: body, token: token, headers: headers)
    }

    /// The online channel's `POST /api/v1/channel/returns` of one unit of line 1 of `sale`.
    func channelReturn(sale: String, key: String, token: String) async throws -> HubHTTPAnswer {
        let body = Data(
            #"{"sale": "\#(sale)", "lines": [{"saleLine": 1, "quantity": 1, "reason": "changedMind", "condition": "unopened", "serials": []}]}"#
                .utf8)
        return try await post("/api/v1/channel/returns", body: body, token: token, headers: [("Idempotency-Key", key)])
    }

    func get(_ path: String, token: String) async throws -> HubHTTPAnswer {
        try await Self.get(base: baseURL, path, token: token)
    }

    /// `POST base + path` with a JSON body and `token`'s bearer credential.
    static func post(
        base: String, _ path: String, body: Data, token: String, headers: [(String, String)] = []
    ) async throws -> HubHTTPAnswer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(body)
        return try await execute(request)
    }

    static func get(base: String, _ path: String, token: String) async throws -> HubHTTPAnswer {
        var request = HTTPClientRequest(url: base + path)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        return try await execute(request)
    }

    private static func execute(_ request: HTTPClientRequest) async throws -> HubHTTPAnswer {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 64 << 20)
        return HubHTTPAnswer(status: response.status.code, body: Data(body.readableBytesView))
    }

    // MARK: CLI

    @discardableResult
    static func expectSuccess(_ arguments: [String]) async throws -> CLIResult {
        let result = try await returnsync(arguments)
        try #require(result.status == 0, "returnsync \(arguments.joined(separator: " ")) failed: \(result)")
        return result
    }
}
