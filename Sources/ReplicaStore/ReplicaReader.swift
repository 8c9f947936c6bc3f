import EventCoding
import Foundation
public import GRDB
public import Replication
public import ReturnsDomain

/// Read access to the projections, inside a read or write transaction: what a node and the
/// embedded hub both read (`NodeStore` adds the node's own reads).
public struct ReplicaReader {
    public let db: Database
    public let identity: NodeIdentity

    public init(db: Database, identity: NodeIdentity) {
        self.db = db
        self.identity = identity
    }

    /// A record's current state: the fold of its events (a handful per record).
    public func record(_ key: RecordKey) throws -> RecordState? {
        try Projector(db: db).state(of: key)
    }

    package func body(_ key: RecordKey) throws -> RecordBody? { try record(key)?.body }

    package func bodies(kind: RecordKind) throws -> [RecordBody] { try records(of: kind).map(\.body) }

    /// Every record of one kind, folded, in key order.
    package func records(of kind: RecordKind) throws -> [RecordState] {
        // A record's key starts with its kind (`return:RT-…`): a range of the primary key (which
        // replaced the `records_by_kind` index, migration v3.records-by-key).
        try String.fetchAll(
            db, sql: "SELECT key FROM records WHERE key >= ? AND key < ? ORDER BY key",
            arguments: [kind.rawValue + ":", kind.rawValue + ";"]
        )
        .compactMap { try RecordKey($0).flatMap { try record($0) } }
    }

    /// What the returns analytics need, over every record this replica holds.
    public func analyticsInput() throws -> AnalyticsInput {
        var input = AnalyticsInput()
        for r in try records(of: .product) { if case .product(let p) = r.body { input.products[p.sku] = p } }
        for r in try records(of: .store) { if case .store(let s) = r.body { input.stores[s.id] = s } }
        input.sales = try records(of: .sale).compactMap(\.sale)
        var repairCost: [ReturnID: Int64] = [:]
        for r in try records(of: .repairOrder) {
            if let repair = r.repair, let order = repair.order, let cost = repair.totalCost {
                repairCost[order.returnID, default: 0] += cost.minor
            }
        }
        input.returns = try records(of: .returnOrder).compactMap { r in
            guard let o = r.returnOrder, let q = o.request else { return nil }
            let refunded = o.refunds.isEmpty ? nil : Money(o.refunds.reduce(0) { $0 + $1.gross.minor }, q.currency)
            return ReturnFacts(
                request: q, rejected: o.rejected, refundedAmount: refunded, dispositions: o.dispositions,
                repairCost: repairCost[q.id].map { Money($0, q.currency) })
        }
        for row in try stock() {
            input.stock[StockKey(store: row.store, location: row.location, sku: row.sku)] = row.quantity
        }
        input.reorderPoints = try reorderPoints()
        return input
    }

    public func product(_ sku: SKU) throws -> Product? {
        if case .product(let p) = try body(.product(sku)) { return p }
        return nil
    }

    public func products() throws -> [Product] {
        try bodies(kind: .product).compactMap {
            if case .product(let p) = $0 { return p }
            return nil
        }
    }

    public func sale(_ id: SaleID) throws -> Sale? {
        if case .sale(let s) = try body(.sale(id)) { return s }
        return nil
    }

    /// Units returned or pending per sale line, company-wide as far as this replica knows.
    public func returnedQuantities(of sale: SaleID?) throws -> [Int: Int] {
        guard let sale else { return [:] }
        var out: [Int: Int] = [:]
        let query = try RawQuery(db, "SELECT line, returned FROM sale_lines WHERE sale = ? /* raw */")
        try query.bind(1, sale.rawValue)
        while try query.next() { out[Int(query.int(0))] = Int(query.int(1)) }
        return out
    }

    package func receiptlessReturns(of customer: CustomerID, since: Int64) throws -> Int {
        try Int.fetchOne(
            db.cachedStatement(
                sql:
                    "SELECT COUNT(*) FROM returns WHERE customer = ? AND sale IS NULL AND requested_at >= ? AND status != 'rejected'"
            ), arguments: [customer.rawValue, since]) ?? 0
    }

    /// The policy in force for a return of `store` (this node's by default) against `sale`, with
    /// goods of `categories`, at `at` (its business date) — `ReturnIntake.policy`: the versioned
    /// rules of the chain, the store's kind of channel, the store and the categories, over the
    /// store's whole policy, else the chain default, else the standard policy.
    public func policy(of store: StoreID? = nil, for sale: Sale? = nil, categories: Set<String> = [], at: Instant)
        throws -> EffectivePolicy
    {
        // This runs for every return: point reads of the stored events, folds from the cache.
        let projector = Projector(db: db)
        func cached(_ key: RecordKey) throws -> RecordBody? {
            let bodies = try projector.storedBodies(of: key.description)
            return bodies.isEmpty ? nil : try DecodedEventCache.shared.state(of: key, bodies: bodies).body
        }
        let store = store ?? identity.store
        let found = try ReturnIntake.policyIDs(for: store).map { id -> ReturnPolicy? in
            guard case .policy(_, let p) = try cached(RecordKey(.policy, id)) else { return nil }
            return p
        }
        var kind: StoreKind?
        if case .store(let s) = try cached(RecordKey(.store, store.rawValue)) { kind = s.kind }
        let rules = try EffectivePolicy.scopes(store: store, kind: kind, categories: categories).flatMap {
            scope -> [PolicyRule] in
            guard case .policyRules(let versions) = try cached(RecordKey(.policyRule, scope.recordID)) else {
                return []
            }
            return versions
        }
        return ReturnIntake.policy(
            store: found[0], chainDefault: found[1], rules: rules, of: store, kind: kind, categories: categories,
            sale: sale, chainCurrency: identity.currency, at: at)
    }

    /// Head office's notes on exceptions (`exception.resolved`), by exception id.
    public func exceptionNotes() throws -> [ExceptionNote] {
        try bodies(kind: .resolution).compactMap { body -> ExceptionNote? in
            guard case .resolution(let note) = body else { return nil }
            return note
        }.sorted { $0.exception < $1.exception }
    }

    /// Every published policy rule, each scope's versions in order.
    public func policyRules() throws -> [PolicyRule] {
        try bodies(kind: .policyRule).flatMap { body -> [PolicyRule] in
            guard case .policyRules(let versions) = body else { return [] }
            return versions
        }.sorted { ($0.scope, $0.version) < ($1.scope, $1.version) }
    }

    /// A customer's store-credit balance in `currency`.
    public func storeCredit(_ customer: CustomerID, currency: Currency) throws -> Money {
        Money(
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT balance FROM store_credit WHERE customer = ? AND currency = ?"),
                arguments: [customer.rawValue, currency.rawValue]) ?? 0, currency)
    }

    /// What earlier refunds on `sale` sent back per tender (other returns than `excluding`).
    public func refundedPerTender(sale: SaleID?, excluding: ReturnID) throws -> [Tender: Money] {
        guard let sale else { return [:] }
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM returns WHERE sale = ? AND id != ? ORDER BY id",
            arguments: [sale.rawValue, excluding.rawValue])
        return RefundPlanner.refunded(by: try ids.compactMap { try returnState(ReturnID($0)) }.flatMap(\.refunds))
    }

    public func returnState(_ id: ReturnID) throws -> ReturnOrderState? {
        if case .returnOrder(let r) = try body(.returnOrder(id)), r.request != nil { return r }
        return nil
    }

    public func customer(_ id: CustomerID) throws -> Customer? {
        if case .customer(let c) = try body(.customer(id)) { return c }
        return nil
    }

    /// Stock rows, optionally for one SKU and/or one store; zero rows left out.
    public func stock(sku: SKU? = nil, store: StoreID? = nil) throws -> [StockRow] {
        try Row.fetchAll(
            db,
            sql:
                "SELECT store, location, sku, quantity FROM stock WHERE quantity != 0 AND (?1 IS NULL OR sku = ?1) AND (?2 IS NULL OR store = ?2) ORDER BY store, location, sku",
            arguments: [sku?.rawValue, store?.rawValue]
        ).map {
            StockRow(
                store: StoreID($0["store"] as String), location: StockLocation(rawValue: $0["location"])!,
                sku: SKU($0["sku"] as String), quantity: $0["quantity"])
        }
    }

    public func reorderPoints() throws -> [ReorderPoint] {
        try bodies(kind: .reorderPoint).compactMap {
            if case .reorderPoint(let r) = $0 { return r }
            return nil
        }
    }

    /// Events of this node not yet acknowledged by the hub.
    public func outboxCount() throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM events WHERE node = ? AND seq > \(Outbox.acknowledged)",
            arguments: [identity.node.rawValue]) ?? 0
    }

    public func eventCount() throws -> Int { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM events") ?? 0 }

    /// Trial balance per account and currency.
    public func ledger() throws -> [LedgerKey: Int64] {
        var out: [LedgerKey: Int64] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT account, currency, balance FROM ledger WHERE balance != 0") {
            out[LedgerKey(account: Account(rawValue: row["account"])!, currency: Currency(row["currency"] as String))] =
                row["balance"]
        }
        return out
    }

    /// One held event by its dot, decoded; nil when this replica does not hold it.
    package func event(_ dot: Dot) throws -> Event? {
        try Data.fetchOne(
            db.cachedStatement(sql: "SELECT body FROM events WHERE node = ? AND seq = ?"),
            arguments: [dot.node.rawValue, Int64(dot.seq)]
        )
        .map { try EventCodec.decodeEvent($0) }
    }

    /// Every event held, decoded.
    public func allEvents() throws -> [Event] {
        try Data.fetchAll(db, sql: "SELECT body FROM events ORDER BY node, seq").map { try EventCodec.decodeEvent($0) }
    }
}

/// One stock figure.
public struct StockRow: Hashable, Sendable, Codable {
    public var store: StoreID
    public var location: StockLocation
    public var sku: SKU
    public var quantity: Int
}
