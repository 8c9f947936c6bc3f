import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

/// One node with a real SQLite file in its own temp folder, and its API under test.
struct NodeAPIFixture: Sendable {
    static let identity = NodeIdentity(node: NodeID("N1"), store: StoreID("S1"), currency: Currency("EUR"))
    /// The node's fixed clock: 2025-03-10 12:00 UTC.
    static let now = Instant.date(2025, 3, 10).millis + 12 * 3_600_000
    static let eur = Currency("EUR")

    /// The key the tests' requests carry (`send` adds it); the fixture's node has it.
    static let key = "tests-key-0123456789abcdef"

    let directory: URL
    let service: NodeService

    init() async throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("returnsync-nodeserver-\(UUID().uuidString)")
        let database = try NodeDatabase.create(in: directory, identity: Self.identity)
        service = NodeService(database: database, clock: { Self.now })
        try await service.addAPIToken(name: "tests", secretHash: TokenHash.of(Self.key))
    }

    /// Runs `body` against the router, then checks the replica against a rebuild from its events.
    static func run(
        _ setup: TestingSetup = .router,
        _ body: @Sendable (NodeAPIFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let node = try await NodeAPIFixture()
        defer { try? FileManager.default.removeItem(at: node.directory) }
        let app = Application(router: buildNodeRouter(service: node.service))
        try await app.test(setup) { client in try await body(node, client) }
        let report = try node.service.database.verify()
        #expect(report.isOK, "verify: \(report.integrity) \(report.mismatches)")
    }

    /// (events, outbox) as the replica holds them now.
    func counts() async throws -> [Int] {
        try await service.read { [try $0.eventCount(), try $0.outboxCount()] }
    }

    /// Runs `body` (which should be refused) and expects the event log and outbox unchanged.
    func expectNothingWritten(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
    ) async throws {
        let before = try await counts()
        try await body()
        let after = try await counts()
        #expect(before == after, "a refused request wrote events or outbox entries", sourceLocation: sourceLocation)
    }
}

// MARK: - Requests

let api = "/api/v1"

extension TestClientProtocol {
    /// Sends `value` as JSON.
    func send(
        _ method: HTTPRequest.Method, _ path: String, json value: some Encodable, staff: String? = "alice"
    ) async throws -> TestResponse {
        try await send(
            method, path, raw: String(decoding: try JSONEncoder().encode(value), as: UTF8.self), staff: staff)
    }

    /// Sends a raw body (or none).
    func send(_ method: HTTPRequest.Method, _ path: String, raw: String? = nil, staff: String? = "alice") async throws
        -> TestResponse
    {
        var headers: HTTPFields = [:]
        if raw != nil { headers[.contentType] = "application/json" }
        if let staff { headers[.init("X-Staff")!] = staff }
        headers[.authorization] = "Bearer \(NodeAPIFixture.key)"
        return try await execute(
            uri: path.hasPrefix("/") ? path : "\(api)/\(path)", method: method, headers: headers,
            body: raw.map { ByteBuffer(string: $0) })
    }

    func get(_ path: String) async throws -> TestResponse { try await send(.get, path) }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch {
            Issue.record(
                "cannot decode \(T.self) from \(status.code) \(text): \(error)", sourceLocation: sourceLocation)
            throw error
        }
    }

    var text: String { String(buffer: body) }
    var contentType: String? { headers[.contentType] }
}

/// The problem+json body the API promises.
struct ProblemBody: Codable, Equatable {
    var type: String
    var title: String
    var status: Int
    var detail: String
    var code: String
}

/// Expects an RFC 9457 problem with `status` and `code`.
func expectProblem(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    #expect(response.contentType == "application/problem+json", sourceLocation: sourceLocation)
    guard let problem = try? JSONDecoder().decode(ProblemBody.self, from: Data(response.body.readableBytesView)) else {
        Issue.record("not a problem body: \(response.text)", sourceLocation: sourceLocation)
        return
    }
    #expect(problem.code == code, "\(problem.detail)", sourceLocation: sourceLocation)
    #expect(problem.status == Int(status.code), sourceLocation: sourceLocation)
    #expect(problem.type == "urn:returnsync:problem:\(code)", sourceLocation: sourceLocation)
    #expect(!problem.title.isEmpty && !problem.detail.isEmpty, sourceLocation: sourceLocation)
}

func expectStatus(
    _ response: TestResponse, _ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
}
