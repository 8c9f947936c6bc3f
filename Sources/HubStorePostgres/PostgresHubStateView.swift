import HubStore
import PostgresNIO
import Replication
import ReturnsDomain

/// The hub's projections in PostgreSQL; each call reads one REPEATABLE READ snapshot.
struct PostgresHubStateView: HubStateView {
    let store: PostgresHubStore

    func read<T: Sendable>(_ body: (PostgresReader) async throws -> T) async throws -> T {
        let logger = store.logger
        return try await store.snapshot { connection in
            try await body(PostgresReader(connection: connection, logger: logger))
        }
    }

    func stock(sku: SKU?, store: StoreID?) async throws -> [StockLevel] {
        try await read { try await $0.stock(sku: sku, store: store) }
    }

    func exceptions() async throws -> [ReplicationException] {
        try await read { try await $0.exceptions() }
    }

    func record(_ key: RecordKey) async throws -> RecordState? {
        try await read { try await $0.record(key) }
    }

    func products() async throws -> [Product] {
        try await read { try await $0.records(of: .product).compactMap(\.product).sorted { $0.sku < $1.sku } }
    }

    func stores() async throws -> [Store] {
        try await read {
            try await $0.records(of: .store).compactMap { if case .store(let s) = $0.body { s } else { nil } }
                .sorted { $0.id < $1.id }
        }
    }

    func exceptionNotes() async throws -> [ExceptionNote] {
        try await read {
            try await $0.records(of: .resolution).compactMap { state -> ExceptionNote? in
                guard case .resolution(let note) = state.body else { return nil }
                return note
            }.sorted { $0.exception < $1.exception }
        }
    }

    func policyRules() async throws -> [PolicyRule] {
        try await read {
            try await $0.records(of: .policyRule).flatMap { state -> [PolicyRule] in
                guard case .policyRules(let versions) = state.body else { return [] }
                return versions
            }.sorted { ($0.scope, $0.version) < ($1.scope, $1.version) }
        }
    }

    func policy(of store: StoreID, for sale: Sale?, categories: Set<String>, at: Instant) async throws
        -> EffectivePolicy
    {
        let currency = self.store.currency
        return try await read {
            try await $0.policy(of: store, for: sale, categories: categories, at: at, chainCurrency: currency)
        }
    }

    func sale(_ id: SaleID) async throws -> Sale? {
        try await read { try await $0.sale(id) }
    }

    func returnableQuantities(of sale: SaleID) async throws -> [Int: Int] {
        try await read { reader in
            var out: [Int: Int] = [:]
            for try await (line, sold, returned) in try await reader.connection.query(
                "SELECT line, sold, returned FROM sale_lines WHERE sale = \(sale.rawValue) AND sold > 0",
                logger: reader.logger
            ).decode((Int64, Int64, Int64).self) {
                out[Int(line)] = Int(max(0, sold - returned))
            }
            return out
        }
    }

    func returnOrder(_ id: ReturnID) async throws -> ReturnOrderState? {
        try await read { try await $0.returnState(id) }
    }

    func returns(store: StoreID?, status: ReturnStatus?, limit: Int, after cursor: ReturnCursor?) async throws
        -> [ReturnOrderState]
    {
        try await read { reader in
            let ids = try await reader.strings(
                """
                SELECT id FROM returns
                WHERE (\(store?.rawValue)::text IS NULL OR store = \(store?.rawValue))
                  AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                  AND (\(cursor?.requestedAt)::bigint IS NULL OR requested_at < \(cursor?.requestedAt)
                       OR (requested_at = \(cursor?.requestedAt) AND id < \(cursor?.id)))
                ORDER BY requested_at DESC, id DESC LIMIT \(Int64(max(0, limit)))
                """)
            return try await reader.returnStates(ids)
        }
    }

    func returnCount(store: StoreID?, status: ReturnStatus?) async throws -> Int {
        try await read { reader in
            for try await (count, ) in try await reader.connection.query(
                """
                SELECT count(*) FROM returns
                WHERE (\(store?.rawValue)::text IS NULL OR store = \(store?.rawValue))
                  AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
                """, logger: reader.logger
            ).decode((Int64,).self) {
                return Int(count)
            }
            return 0
        }
    }

    func customerHistory(_ customer: CustomerID) async throws -> HubCustomerHistory {
        try await read { reader in
            let ids = try await reader.strings(
                "SELECT id FROM returns WHERE customer = \(customer.rawValue) ORDER BY requested_at DESC, id DESC")
            var credit: [Money] = []
            for try await (currency, balance) in try await reader.connection.query(
                """
                SELECT currency, balance FROM store_credit WHERE customer = \(customer.rawValue) AND balance <> 0
                ORDER BY currency
                """, logger: reader.logger
            ).decode((String, Int64).self) {
                credit.append(Money(balance, Currency(currency)))
            }
            return HubCustomerHistory(
                customer: customer, details: try await reader.customer(customer),
                returns: try await reader.returnStates(ids), storeCredit: credit)
        }
    }

    func ledger() async throws -> [LedgerKey: Int64] {
        try await read { try await $0.ledger() }
    }

    func journal(store: StoreID?) async throws -> [JournalEntry] {
        try await read { reader in
            let keys = try await reader.strings(
                "SELECT DISTINCT record FROM journal WHERE \(store?.rawValue)::text IS NULL OR store = \(store?.rawValue)"
            ).compactMap(RecordKey.init).sorted()
            return try await reader.records(keys).flatMap { state in
                state.contributions.journal.filter { store == nil || $0.store == store }
            }
        }
    }

    func eventCount() async throws -> Int {
        try await read { try await $0.eventCount() }
    }

    func analyticsInput() async throws -> AnalyticsInput {
        try await read { try await $0.analyticsInput() }
    }
}
