import HubStore
import Replication
import ReturnsDomain
import Testing

/// Domain values for hand-built events.
enum Fixtures {
    static let eur = Currency("EUR")
    static let t0: Int64 = Instant.date(2026, 11, 1).millis

    static func product(_ sku: SKU) -> Product {
        Product(
            sku: sku, name: "Item \(sku)", category: "kitchen", unitPrice: Money(5_000, eur),
            unitCost: Money(3_000, eur), vatRate: VATRate(basisPoints: 2000))
    }

    static func sale(_ id: SaleID, store: StoreID, quantity: Int = 1) -> Sale {
        let line = SaleLine(
            line: 1, sku: "SKU-1", quantity: quantity, unitPrice: Money(5_000, eur), unitCost: Money(3_000, eur),
            vatRate: VATRate(basisPoints: 2000))
        return Sale(
            id: id, store: store, customer: "C-1", soldAt: Instant(millis: t0), currency: eur, lines: [line],
            tenders: [TenderPayment(tender: .card, amount: line.gross)])
    }

    /// A made-up secret's stored hash; the server hashes real secrets.
    static func hash(_ node: NodeID) -> String { "hash-of-\(node)" }
}

/// Authors hand-built events for one node: seqs 1, 2, 3 … and a wall clock a second apart.
struct Author {
    let node: NodeID
    let store: StoreID
    private(set) var seq: UInt64 = 0
    private var wall = Fixtures.t0

    init(_ node: NodeID, store: StoreID) {
        self.node = node
        self.store = store
    }

    mutating func event(_ payload: DomainEvent, on record: RecordKey, context: VersionVector = VersionVector()) -> Event
    {
        seq += 1
        wall += 1_000
        return Event(
            dot: Dot(node: node, seq: seq), record: record, context: context, hlc: HLCTimestamp(wall: wall),
            staff: StaffID("staff-\(node)"), payload: payload)
    }

    /// A sale of this store: company-wide.
    mutating func sale(_ number: Int? = nil) -> Event {
        let id = SaleID("R-\(store)-\(number ?? Int(seq + 1))")
        return event(.saleRecorded(Fixtures.sale(id, store: store)), on: .sale(id))
    }

    /// `count` sales in a row.
    mutating func sales(_ count: Int) -> [Event] { (0..<count).map { _ in sale() } }

    mutating func product(_ sku: SKU) -> Event { event(.productDefined(Fixtures.product(sku)), on: .product(sku)) }

    /// Goods received at this store: store-private.
    mutating func receipt(_ sku: SKU = "SKU-1", quantity: Int = 10) -> Event {
        let r = InventoryReceipt(
            store: store, sku: sku, quantity: quantity, unitCost: Money(3_000, Fixtures.eur),
            receivedAt: Instant(millis: Fixtures.t0))
        return event(.inventoryReceived(r), on: RecordKey(.inventoryReceipt, "GR-\(store)-\(seq + 1)"))
    }

    /// A reorder point of this store: store-private.
    mutating func reorderPoint(_ sku: SKU = "SKU-1") -> Event {
        event(
            .reorderPointSet(ReorderPoint(store: store, sku: sku, minimum: 3)),
            on: RecordKey(.reorderPoint, "\(store)/\(sku)"))
    }

    /// A repair order of this store opened and then progressed: store-private; only the first
    /// event names the store.
    mutating func repair(_ id: RepairOrderID) -> [Event] {
        let order = RepairOrder(
            id: id, returnID: ReturnID("RT-\(store)-1"), store: store, sku: "SKU-1", quantity: 1,
            unitCost: Money(3_000, Fixtures.eur), technician: "T", openedAt: Instant(millis: Fixtures.t0))
        let opened = event(.repairOpened(order), on: .repairOrder(id))
        var context = VersionVector()
        context.record(opened.dot)
        let progressed = event(
            .repairProgressed(
                at: Instant(millis: Fixtures.t0 + 1), status: .inProgress, parts: [],
                laborCost: Money(500, Fixtures.eur)),
            on: .repairOrder(id), context: context)
        return [opened, progressed]
    }
}

extension ChangeSet {
    /// The change set of `events` (one author's, consecutive).
    init(_ events: some Collection<Event>) {
        self.init(node: events.first!.dot.node, events: Array(events))
    }
}

/// Expects `body` to throw a `HubError` with `code`, and returns it.
@discardableResult
func expectHubError(_ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void)
    async -> HubError?
{
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as HubError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

extension HubStore {
    /// Enrols store nodes with `Fixtures.hash` secrets.
    func enroll(_ nodes: [(NodeID, StoreID?)], role: HubRole = .storeNode, now: Int64 = Fixtures.t0) async throws {
        for (node, store) in nodes {
            try await enroll(node: node, store: store, role: role, secretHash: Fixtures.hash(node), now: now)
        }
    }

    /// Every page for `node` from `checkpoint` on, with `limit` per page.
    func pullAll(for node: NodeID, after checkpoint: UInt64 = 0, limit: Int = 100, now: Int64 = Fixtures.t0)
        async throws -> (events: [FeedEvent], checkpoint: UInt64)
    {
        var events: [FeedEvent] = []
        var checkpoint = checkpoint
        while true {
            let page = try await pull(for: node, after: checkpoint, limit: limit, now: now)
            events += page.events
            checkpoint = page.checkpoint
            if !page.more { return (events, checkpoint) }
        }
    }

    func eventCount() async throws -> Int { try await state().eventCount() }

    func status(of node: NodeID) async throws -> NodeSyncStatus? { try await syncStatus().first { $0.node == node } }
}
