import GRDB
import HubStore
import ReplicaStore
import Replication
import ReturnsDomain

/// The hub's projections, read through the replica's tables; each call is one read snapshot.
struct SQLiteHubStateView: HubStateView {
    let database: ReplicaDatabase

    func read<T: Sendable>(_ body: @Sendable @escaping (Database, ReplicaReader) throws -> T) async throws -> T {
        let identity = database.identity
        return try await database.writer.read { db in try body(db, ReplicaReader(db: db, identity: identity)) }
    }

    func stock(sku: SKU?, store: StoreID?) async throws -> [StockLevel] {
        // One statement per filter, so that SQLite plans each with its index: one SKU across the
        // company reads `hub_stock_by_sku` alone (sku, store, location, quantity: the answer in
        // order, without touching the table), one store reads its primary-key range.
        // (`?1 IS NULL OR sku = ?1` would scan the whole table.)
        let columns = "SELECT store, location, sku, quantity FROM stock"
        let order = "ORDER BY store, location, sku"
        let (sql, arguments): (String, StatementArguments) =
            switch (sku, store) {
            case (nil, nil): ("\(columns) WHERE quantity != 0 \(order)", [])
            case (let sku?, nil): ("\(columns) WHERE sku = ? AND quantity != 0 \(order)", [sku.rawValue])
            case (nil, let store?): ("\(columns) WHERE store = ? AND quantity != 0 \(order)", [store.rawValue])
            case (let sku?, let store?):
                ("\(columns) WHERE store = ? AND sku = ? AND quantity != 0 \(order)", [store.rawValue, sku.rawValue])
            }
        return try await read { db, _ in
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            var out: [StockLevel] = []
            while let row = try rows.next() {
                guard let location = StockLocation(rawValue: row[1]) else {
                    throw HubError(
                        code: HubError.Code.corrupt, message: "stock row with an unknown location \(row[1] as String)")
                }
                out.append(
                    StockLevel(
                        store: StoreID(row[0] as String), location: location, sku: SKU(row[2] as String),
                        quantity: row[3]))
            }
            return out
        }
    }

    func exceptions() async throws -> [ReplicationException] {
        try await read { db, reader in try HubExceptions(db: db, reader: reader).all() }
    }

    func record(_ key: RecordKey) async throws -> RecordState? {
        try await read { _, reader in try reader.record(key) }
    }

    func analyticsInput() async throws -> AnalyticsInput {
        try await read { _, reader in try reader.analyticsInput() }
    }

    func products() async throws -> [Product] {
        try await read { _, reader in try reader.products().sorted { $0.sku < $1.sku } }
    }

    func stores() async throws -> [Store] {
        try await read { _, reader in
            try reader.records(of: .store).compactMap { if case .store(let s) = $0.body { s } else { nil } }
                .sorted { $0.id < $1.id }
        }
    }

    func exceptionNotes() async throws -> [ExceptionNote] {
        try await read { _, reader in try reader.exceptionNotes() }
    }

    func policyRules() async throws -> [PolicyRule] {
        try await read { _, reader in try reader.policyRules() }
    }

    func policy(of store: StoreID, for sale: Sale?, categories: Set<String>, at: Instant) async throws
        -> EffectivePolicy
    {
        try await read { _, reader in try reader.policy(of: store, for: sale, categories: categories, at: at) }
    }

    func sale(_ id: SaleID) async throws -> Sale? {
        try await read { _, reader in try reader.sale(id) }
    }

    func returnableQuantities(of sale: SaleID) async throws -> [Int: Int] {
        try await read { db, _ in
            var out: [Int: Int] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT line, sold, returned FROM sale_lines WHERE sale = ? AND sold > 0",
                arguments: [sale.rawValue])
            {
                out[row["line"]] = max(0, (row["sold"] as Int) - (row["returned"] as Int))
            }
            return out
        }
    }

    func returnOrder(_ id: ReturnID) async throws -> ReturnOrderState? {
        try await read { _, reader in try reader.returnState(id) }
    }

    func returns(store: StoreID?, status: ReturnStatus?, limit: Int, after cursor: ReturnCursor?) async throws
        -> [ReturnOrderState]
    {
        try await read { db, reader in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM returns WHERE (?1 IS NULL OR store = ?1) AND (?2 IS NULL OR status = ?2)
                      AND (?4 IS NULL OR requested_at < ?4 OR (requested_at = ?4 AND id < ?5))
                    ORDER BY requested_at DESC, id DESC LIMIT ?3
                    """,
                arguments: [store?.rawValue, status?.rawValue, max(0, limit), cursor?.requestedAt, cursor?.id]
            ).compactMap { try reader.returnState(ReturnID($0)) }
        }
    }

    func returnCount(store: StoreID?, status: ReturnStatus?) async throws -> Int {
        try await read { db, _ in
            try Int.fetchOne(
                db,
                sql: "SELECT count(*) FROM returns WHERE (?1 IS NULL OR store = ?1) AND (?2 IS NULL OR status = ?2)",
                arguments: [store?.rawValue, status?.rawValue]) ?? 0
        }
    }

    func customerHistory(_ customer: CustomerID) async throws -> HubCustomerHistory {
        try await read { db, reader in
            let ids = try String.fetchAll(
                db, sql: "SELECT id FROM returns WHERE customer = ? ORDER BY requested_at DESC, id DESC",
                arguments: [customer.rawValue])
            let credit = try Row.fetchAll(
                db,
                sql: "SELECT currency, balance FROM store_credit WHERE customer = ? AND balance != 0 ORDER BY currency",
                arguments: [customer.rawValue]
            ).map { Money($0["balance"], Currency($0["currency"] as String)) }
            return HubCustomerHistory(
                customer: customer, details: try reader.customer(customer),
                returns: try ids.compactMap { try reader.returnState(ReturnID($0)) }, storeCredit: credit)
        }
    }

    func ledger() async throws -> [LedgerKey: Int64] {
        try await read { _, reader in try reader.ledger() }
    }

    func journal(store: StoreID?) async throws -> [JournalEntry] {
        try await read { db, reader in
            let keys = try String.fetchAll(
                db, sql: "SELECT DISTINCT record FROM journal WHERE ?1 IS NULL OR store = ?1",
                arguments: [store?.rawValue]
            ).compactMap(RecordKey.init).sorted()
            return try keys.flatMap { key in
                (try reader.record(key)?.contributions.journal ?? []).filter { store == nil || $0.store == store }
            }
        }
    }

    func eventCount() async throws -> Int {
        try await read { _, reader in try reader.eventCount() }
    }
}
