import Foundation
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain

/// A node in a fresh temporary folder, with a controllable clock and a small catalog.
struct NodeFixture {
    static let eur = Currency("EUR")
    let directory: URL
    let service: NodeService
    let staff: StaffID = "desk-1"

    /// Milliseconds; starts at 2026-11-01 and moves on a minute per command.
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var now: Int64 = Instant.date(2026, 11, 1).millis
        func tick() -> Int64 {
            lock.lock()
            defer { lock.unlock() }
            now += 60_000
            return now
        }
        func advance(days: Int) {
            lock.lock()
            now += Int64(days) * Instant.millisPerDay
            lock.unlock()
        }
    }
    let clock = Clock()

    init(store: StoreID = "S-A", node: NodeID = "S-A-test") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "returnsync-node-\(UUID().uuidString)")
        let db = try NodeDatabase.create(
            in: directory, identity: NodeIdentity(node: node, store: store, currency: Self.eur))
        let clock = self.clock
        service = NodeService(database: db, clock: { clock.tick() })
    }

    static func product(
        _ sku: SKU, price: Int64 = 5_000, cost: Int64 = 3_000, category: String = "kitchen", serial: Bool = false
    ) -> Product {
        Product(
            sku: sku, name: "Item \(sku)", category: category, unitPrice: Money(price, eur), unitCost: Money(cost, eur),
            vatRate: VATRate(basisPoints: 2000), serialTracked: serial)
    }

    func seedCatalog() async throws {
        for p in [
            Self.product("SKU-1"), Self.product("SKU-2", price: 12_000, cost: 7_000),
            Self.product("SKU-3", price: 800, cost: 300, category: "hygiene"),
        ] {
            try await service.defineProduct(p, staff: staff)
            try await service.receiveInventory(sku: p.sku, quantity: 20, unitCost: nil, vendor: nil, staff: staff)
        }
    }

    func sale(
        _ id: String, sku: SKU = "SKU-1", quantity: Int = 2, price: Int64 = 5_000, customer: CustomerID? = "C-1",
        tenders: [TenderPayment]? = nil
    ) -> Sale {
        let line = SaleLine(
            line: 1, sku: sku, quantity: quantity, unitPrice: Money(price, Self.eur), unitCost: Money(3_000, Self.eur),
            vatRate: VATRate(basisPoints: 2000))
        return Sale(
            id: SaleID(id), store: service.identity.store, customer: customer, soldAt: Instant(millis: clock.tick()),
            currency: Self.eur, lines: [line], tenders: tenders ?? [TenderPayment(tender: .card, amount: line.gross)])
    }

    func counts() async throws -> (events: Int, outbox: Int) {
        try await service.read { (try $0.eventCount(), try $0.outboxCount()) }
    }

    func cleanUp() { try? FileManager.default.removeItem(at: directory) }
}
