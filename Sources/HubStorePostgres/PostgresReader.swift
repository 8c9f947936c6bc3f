import EventCoding
import Foundation
import HubStore
import Logging
import NIOCore
import PostgresNIO
import Replication
import ReturnsDomain

/// Reads of the hub's PostgreSQL tables on one connection (inside the caller's transaction):
/// a record's state is the fold of its few events, sums come from the projection tables.
struct PostgresReader {
    let connection: PostgresConnection
    let logger: Logger

    /// The events of `keys`, by record, in dot order.
    func events(of keys: [RecordKey]) async throws -> [RecordKey: [Event]] {
        guard !keys.isEmpty else { return [:] }
        var out: [RecordKey: [Event]] = [:]
        for try await (record, body) in try await connection.query(
            "SELECT record, body FROM hub_events WHERE record = ANY(\(keys.map(\.description))) ORDER BY record, node, seq",
            logger: logger
        ).decode((String, ByteBuffer).self) {
            guard let key = RecordKey(record) else { continue }
            out[key, default: []].append(try EventCodec.decodeEvent(Data(buffer: body)))
        }
        return out
    }

    func record(_ key: RecordKey) async throws -> RecordState? {
        guard let events = try await events(of: [key])[key], !events.isEmpty else { return nil }
        return RecordFold.fold(key: key, events: events)
    }

    /// The records of `keys` that have events, folded, in `keys` order.
    func records(_ keys: [RecordKey]) async throws -> [RecordState] {
        let events = try await events(of: keys)
        return keys.compactMap { key in events[key].map { RecordFold.fold(key: key, events: $0) } }
    }

    /// Every record of one kind, folded, in key order.
    func records(of kind: RecordKind) async throws -> [RecordState] {
        var grouped: [(RecordKey, [Event])] = []
        for try await (record, body) in try await connection.query(
            "SELECT record, body FROM hub_events WHERE record_kind = \(kind.rawValue) ORDER BY record, node, seq",
            logger: logger
        ).decode((String, ByteBuffer).self) {
            guard let key = RecordKey(record) else { continue }
            let event = try EventCodec.decodeEvent(Data(buffer: body))
            if grouped.last?.0 == key {
                grouped[grouped.count - 1].1.append(event)
            } else {
                grouped.append((key, [event]))
            }
        }
        return grouped.map { RecordFold.fold(key: $0.0, events: $0.1) }
    }

    /// The policy in force for a return of `store` (`ReturnIntake.policy`), read in one round
    /// trip: the store (its kind), its whole policy and the chain's, and the rules of every scope
    /// that may apply (each kind of channel's, since the store's kind is read in the same query).
    func policy(of store: StoreID, for sale: Sale?, categories: Set<String>, at: Instant, chainCurrency: Currency)
        async throws -> EffectivePolicy
    {
        let scopes = Set(
            StoreKind.allCases.flatMap { EffectivePolicy.scopes(store: store, kind: $0, categories: categories) })
        let keys =
            [RecordKey(.store, store.rawValue)] + ReturnIntake.policyIDs(for: store).map { RecordKey(.policy, $0) }
            + scopes.map { RecordKey(.policyRule, $0.recordID) }
        let found = Dictionary(uniqueKeysWithValues: try await records(keys).map { ($0.key, $0.body) })
        func whole(_ id: String) -> ReturnPolicy? {
            guard case .policy(_, let p) = found[RecordKey(.policy, id)] else { return nil }
            return p
        }
        var kind: StoreKind?
        if case .store(let s) = found[RecordKey(.store, store.rawValue)] { kind = s.kind }
        let rules = scopes.flatMap { scope -> [PolicyRule] in
            guard case .policyRules(let versions) = found[RecordKey(.policyRule, scope.recordID)] else { return [] }
            return versions
        }
        return ReturnIntake.policy(
            store: whole(store.rawValue), chainDefault: whole(ReturnIntake.chainDefaultPolicyID), rules: rules,
            of: store, kind: kind, categories: categories, sale: sale, chainCurrency: chainCurrency, at: at)
    }

    func sale(_ id: SaleID) async throws -> Sale? { try await record(.sale(id))?.sale }
    func product(_ sku: SKU) async throws -> Product? { try await record(.product(sku))?.product }
    func customer(_ id: CustomerID) async throws -> Customer? { try await record(.customer(id))?.customer }

    func returnState(_ id: ReturnID) async throws -> ReturnOrderState? {
        guard let order = try await record(.returnOrder(id))?.returnOrder, order.request != nil else { return nil }
        return order
    }

    /// Returns by id, in the given order, leaving out any not (fully) held.
    func returnStates(_ ids: [String]) async throws -> [ReturnOrderState] {
        try await records(ids.map { .returnOrder(ReturnID($0)) }).compactMap { state in
            guard let order = state.returnOrder, order.request != nil else { return nil }
            return order
        }
    }

    /// What earlier refunds on `sale` sent back per tender (other returns than `excluding`).
    func refundedPerTender(sale: SaleID?, excluding: ReturnID) async throws -> [Tender: Money] {
        guard let sale else { return [:] }
        let ids = try await strings(
            "SELECT id FROM returns WHERE sale = \(sale.rawValue) AND id <> \(excluding.rawValue) ORDER BY id")
        return RefundPlanner.refunded(by: try await returnStates(ids).flatMap(\.refunds))
    }

    /// A customer's store-credit balance in `currency`.
    func storeCredit(_ customer: CustomerID, currency: Currency) async throws -> Money {
        let rows = try await connection.query(
            """
            SELECT balance FROM store_credit WHERE customer = \(customer.rawValue) AND currency = \(currency.rawValue)
            """, logger: logger
        ).collect()
        return Money(try rows.first?.decode(Int64.self) ?? 0, currency)
    }

    func strings(_ query: PostgresQuery) async throws -> [String] {
        var out: [String] = []
        for try await value in try await connection.query(query, logger: logger).decode(String.self) {
            out.append(value)
        }
        return out
    }

    /// Units returned or pending per sale line, company-wide.
    func returnedQuantities(of sale: SaleID?) async throws -> [Int: Int] {
        guard let sale else { return [:] }
        var out: [Int: Int] = [:]
        for try await (line, returned) in try await connection.query(
            "SELECT line, returned FROM sale_lines WHERE sale = \(sale.rawValue)", logger: logger
        ).decode((Int64, Int64).self) {
            out[Int(line)] = Int(returned)
        }
        return out
    }

    func receiptlessReturns(of customer: CustomerID, since: Int64) async throws -> Int {
        let rows = try await connection.query(
            """
            SELECT COUNT(*) FROM returns WHERE customer = \(customer.rawValue) AND sale IS NULL
              AND requested_at >= \(since) AND status <> 'rejected'
            """, logger: logger
        ).collect()
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    func stock(sku: SKU?, store: StoreID?) async throws -> [StockLevel] {
        var out: [StockLevel] = []
        for try await (storeID, location, skuID, quantity) in try await connection.query(
            """
            SELECT store, location, sku, quantity FROM stock
            WHERE quantity <> 0 AND (\(sku?.rawValue)::text IS NULL OR sku = \(sku?.rawValue))
              AND (\(store?.rawValue)::text IS NULL OR store = \(store?.rawValue))
            ORDER BY store, location, sku
            """, logger: logger
        ).decode((String, String, String, Int64).self) {
            guard let location = StockLocation(rawValue: location) else { continue }
            out.append(
                StockLevel(store: StoreID(storeID), location: location, sku: SKU(skuID), quantity: Int(quantity)))
        }
        return out
    }

    func ledger() async throws -> [LedgerKey: Int64] {
        var out: [LedgerKey: Int64] = [:]
        for try await (account, currency, balance) in try await connection.query(
            "SELECT account, currency, balance FROM ledger WHERE balance <> 0", logger: logger
        ).decode((String, String, Int64).self) {
            guard let account = Account(rawValue: account) else { continue }
            out[LedgerKey(account: account, currency: Currency(currency))] = balance
        }
        return out
    }

    func eventCount() async throws -> Int {
        let rows = try await connection.query("SELECT COUNT(*) FROM hub_events", logger: logger).collect()
        return Int(try rows.first?.decode(Int64.self) ?? 0)
    }

    /// Every event held, decoded, in dot order.
    func allEvents() async throws -> [Event] {
        var out: [Event] = []
        for try await body in try await connection.query(
            "SELECT body FROM hub_events ORDER BY node, seq", logger: logger
        ).decode(ByteBuffer.self) {
            out.append(try EventCodec.decodeEvent(Data(buffer: body)))
        }
        return out
    }

    /// What the returns analytics need, over every record the hub holds (as `NodeReader`).
    func analyticsInput() async throws -> AnalyticsInput {
        var input = AnalyticsInput()
        for r in try await records(of: .product) { if let p = r.product { input.products[p.sku] = p } }
        for r in try await records(of: .store) { if case .store(let s) = r.body { input.stores[s.id] = s } }
        input.sales = try await records(of: .sale).compactMap(\.sale)
        var repairCost: [ReturnID: Int64] = [:]
        for r in try await records(of: .repairOrder) {
            if let repair = r.repair, let order = repair.order, let cost = repair.totalCost {
                repairCost[order.returnID, default: 0] += cost.minor
            }
        }
        input.returns = try await records(of: .returnOrder).compactMap { r in
            guard let o = r.returnOrder, let q = o.request else { return nil }
            let refunded = o.refunds.isEmpty ? nil : Money(o.refunds.reduce(0) { $0 + $1.gross.minor }, q.currency)
            return ReturnFacts(
                request: q, rejected: o.rejected, refundedAmount: refunded, dispositions: o.dispositions,
                repairCost: repairCost[q.id].map { Money($0, q.currency) })
        }
        for row in try await stock(sku: nil, store: nil) { input.stock[row.key] = row.quantity }
        input.reorderPoints = try await records(of: .reorderPoint).compactMap {
            if case .reorderPoint(let r) = $0.body { return r }
            return nil
        }
        return input
    }

    /// The exceptions queue, equal to `ReplicaState.exceptions` of the hub's events (as the
    /// embedded hub's `HubExceptions`): records' own exceptions plus the company-wide checks.
    func exceptions() async throws -> [ReplicationException] {
        var out: [ReplicationException] = []
        let withExceptions = try await strings("SELECT DISTINCT record FROM record_exceptions").compactMap(
            RecordKey.init)
        for state in try await records(withExceptions) { out += state.exceptions }
        for try await (sale, line, sold, returned) in try await connection.query(
            """
            SELECT sl.sale, sl.line, sl.sold, sl.returned FROM sale_lines sl JOIN sales s ON s.id = sl.sale
            WHERE sl.returned > sl.sold
            """, logger: logger
        ).decode((String, Int64, Int64, Int64).self) {
            let key = SaleLineKey(sale: SaleID(sale), line: Int(line))
            out.append(
                ReplicationException(
                    code: "return.overReturn", record: .sale(key.sale), dots: try await overReturnDots(key),
                    message: "line \(key.line): \(returned) returned but \(sold) sold"))
        }
        for try await (sale, serial, returned) in try await connection.query(
            "SELECT sale, serial, returned FROM serials WHERE returned > 1", logger: logger
        ).decode((String, String, Int64).self) {
            out.append(
                ReplicationException(
                    code: "return.serialReturnedTwice", record: .sale(SaleID(sale)), dots: [],
                    message: "serial \(serial) returned \(returned) times"))
        }
        for try await (customer, currency, balance) in try await connection.query(
            "SELECT customer, currency, balance FROM store_credit WHERE balance < 0", logger: logger
        ).decode((String, String, Int64).self) {
            let id = CustomerID(customer)
            out.append(
                ReplicationException(
                    code: "storeCredit.overdrawn", record: .storeCredit(id), dots: [],
                    message: "store credit of \(id) is \(Money(balance, Currency(currency)))"))
        }
        return out.sorted()
    }

    /// The first steps of the returns that hold quantity on the sale line, as the fold names them.
    private func overReturnDots(_ line: SaleLineKey) async throws -> [Dot] {
        let ids = try await strings("SELECT id FROM returns WHERE sale = \(line.sale.rawValue)")
        return try await returnStates(ids).compactMap { r in
            guard r.holdsQuantity, r.request?.lines.contains(where: { $0.saleLine == line.line }) == true else {
                return nil
            }
            return r.steps.first?.dot
        }.sorted()
    }
}
