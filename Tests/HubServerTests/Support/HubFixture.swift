import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// A real hub on one backend (`HubBackend`, a fresh database each time), its router under test,
/// and the tokens of the parties enrolled with it (the hub keeps only their SHA-256, as in
/// production). Tests see the hub only as `any HubStore`.
struct HubFixture: Sendable {
    static let eur = Currency("EUR")
    /// The clock of the store nodes: 2025-03-10 12:00 UTC (in the past, so no HLC is clamped).
    static let now = Instant.date(2025, 3, 10).millis + 12 * 3_600_000

    let backend: HubBackend
    let handle: HubHandle
    var store: any HubStore { handle.store }

    init(_ backend: HubBackend) async throws {
        self.backend = backend
        handle = try await backend.makeHub(currency: Self.eur)
    }

    /// Enrols `node` with a fresh random token and returns the token (the hub stores its hash).
    func enroll(_ node: NodeID, store: StoreID?, role: HubRole = .storeNode) async throws -> String {
        let token = TokenHash.newToken()
        try await self.store.enroll(
            node: node, store: store, role: role, secretHash: TokenHash.of(token), now: Self.now)
        return token
    }

    /// Runs `body` against `buildHubRouter` over a fresh hub on `backend`, then closes and removes it.
    static func run(
        _ backend: HubBackend, _ body: @Sendable (HubFixture, any TestClientProtocol) async throws -> Void
    ) async throws {
        let hub = try await HubFixture(backend)
        defer { hub.handle.remove() }
        let app = Application(router: buildHubRouter(store: hub.store, clock: { HubFixture.now }))
        try await app.test(.router) { client in try await body(hub, client) }
    }
}

/// A real store node: a NodeStore replica in a temporary folder whose `NodeService` authors the
/// events the tests push, and takes in what they pull.
final class StoreNode: Sendable {
    let service: NodeService
    let folder: TemporaryFolder

    var id: NodeID { service.identity.node }
    var store: StoreID { service.identity.store }

    init(_ node: NodeID, store: StoreID, clock: @escaping @Sendable () -> Int64 = { HubFixture.now }) throws {
        folder = TemporaryFolder("node-\(node)")
        let database = try NodeDatabase.create(
            in: folder.url, identity: NodeIdentity(node: node, store: store, currency: HubFixture.eur))
        service = NodeService(database: database, clock: clock)
    }

    deinit { folder.remove() }

    static let kettle = Product(
        sku: "KETTLE", name: "Kettle, \"Deluxe\"", category: "kitchen", unitPrice: Money(100_00, HubFixture.eur),
        unitCost: Money(60_00, HubFixture.eur), vatRate: VATRate(basisPoints: 2000))

    /// Catalog, stock and (unless nil) a customer: the set-up a store does before selling.
    func setUp(customer: CustomerID? = "C1") async throws {
        try await service.defineProduct(Self.kettle, staff: "manager")
        try await service.receiveInventory(sku: "KETTLE", quantity: 10, unitCost: nil, vendor: "ACME", staff: "manager")
        if let customer {
            try await service.registerCustomer(Customer(id: customer, name: "Alice", phone: "+49 170 1"), staff: "desk")
        }
    }

    /// Records a sale of `quantity` kettles made yesterday.
    @discardableResult
    func sell(_ id: SaleID, quantity: Int = 2, customer: CustomerID = "C1") async throws -> Sale {
        let line = SaleLine(
            line: 1, sku: "KETTLE", quantity: quantity, unitPrice: Self.kettle.unitPrice,
            unitCost: Self.kettle.unitCost,
            vatRate: Self.kettle.vatRate)
        let sale = Sale(
            id: id, store: store, customer: customer, soldAt: Instant(millis: HubFixture.now).adding(days: -1),
            currency: HubFixture.eur, lines: [line], tenders: [TenderPayment(tender: .card, amount: line.gross)])
        _ = try await service.recordSale(sale, staff: "till-1")
        return sale
    }

    /// Returns one unit of `sale`'s line 1 all the way to a refund to the original tender, closed.
    @discardableResult
    func returnAndRefund(_ sale: SaleID) async throws -> ReturnID {
        var view = try await service.createReturn(
            CreateReturnCommand(
                sale: sale,
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .openedComplete)]),
            staff: "desk")
        if view.status == .requested { view = try await service.advance(view.id, .approve(note: "ok"), staff: "desk") }
        view = try await service.advance(view.id, .receive(trackingNumber: nil), staff: "desk")
        view = try await service.advance(
            view.id, .inspect(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), staff: "desk")
        view = try await service.advance(
            view.id, .dispose(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
            staff: "desk")
        view = try await service.advance(view.id, .refund(method: .originalTender), staff: "desk")
        view = try await service.advance(view.id, .close, staff: "desk")
        #expect(view.status == .closed)
        return view.id
    }

    /// The node's outbox as the sync agent sends it.
    func changeSet(limit: Int = SyncRoutes.maxChangeSetEvents) async throws -> ChangeSet {
        try #require(try await service.outboxChangeSet(limit: limit), "the outbox of \(id) is empty")
    }
}

// MARK: - Requests and answers

extension TestClientProtocol {
    /// Sends a request with `token` as the bearer credential (none when nil) and a raw body.
    func call(
        _ method: HTTPRequest.Method, _ path: String, token: String?, raw: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if raw != nil { headers[.contentType] = "application/json" }
        return try await execute(uri: path, method: method, headers: headers, body: raw.map { ByteBuffer(string: $0) })
    }

    /// `POST /sync/v1/push` of `changeSet` with `token`.
    func push(_ changeSet: ChangeSet, token: String) async throws -> TestResponse {
        try await call(.post, SyncRoutes.push, token: token, raw: try jsonText(changeSet))
    }

    /// `GET /sync/v1/pull` after `checkpoint` with `token`.
    func pull(after checkpoint: UInt64, limit: Int? = nil, token: String) async throws -> TestResponse {
        let query = "after=\(checkpoint)" + (limit.map { "&limit=\($0)" } ?? "")
        return try await call(.get, "\(SyncRoutes.pull)?\(query)", token: token)
    }
}

/// `value` as the JSON text of a request body.
func jsonText(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
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

/// Expects an RFC 9457 problem with `status` and `code`, and returns it.
@discardableResult
func expectProblem(
    _ response: TestResponse, _ status: HTTPResponse.Status, _ code: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> ProblemDetails? {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
    #expect(response.contentType == "application/problem+json", sourceLocation: sourceLocation)
    guard let problem = try? JSONDecoder().decode(ProblemDetails.self, from: Data(response.body.readableBytesView))
    else {
        Issue.record("not a problem body: \(response.text)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(problem.code == code, "\(problem.detail)", sourceLocation: sourceLocation)
    #expect(problem.status == Int(status.code), sourceLocation: sourceLocation)
    #expect(problem.type == "urn:returnsync:problem:\(code)", sourceLocation: sourceLocation)
    #expect(!problem.title.isEmpty && !problem.detail.isEmpty, sourceLocation: sourceLocation)
    return problem
}

func expectStatus(
    _ response: TestResponse, _ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, "\(response.text)", sourceLocation: sourceLocation)
}
