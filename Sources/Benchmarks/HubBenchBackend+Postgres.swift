import Foundation
import HubStore
import HubStorePostgres
public import ReturnsDomain

extension HubBenchBackend {
    /// The PostgreSQL hub on the server `serverURL` points to: every hub and raw table of a run in
    /// a fresh database of its own (`returnsync_bench_…`), so runs never see each other's rows.
    /// The databases are left on the server (drop them with `DROP DATABASE` when done).
    ///
    /// What the `HubStore` protocol does not offer (company totals in one query, the stock matrix
    /// written straight into the table) goes through a connection pool of the benchmark's own to
    /// the hub's database, in plain SQL.
    public static func postgres(serverURL: String, currency: Currency = Currency("EUR")) -> HubBenchBackend {
        let databases = PostgresHubDatabases()
        return HubBenchBackend(
            name: "postgres",
            makeHub: { _ in
                let url = try await PostgresDatabases.create(serverURL: serverURL, prefix: "returnsync_bench_")
                let hub = try await PostgresHubStore.connect(url: url, currency: currency)
                databases.add(url, for: try await hub.epoch())
                return hub
            },
            makeRawSink: { _ in
                let url = try await PostgresDatabases.create(serverURL: serverURL, prefix: "returnsync_bench_raw_")
                return PostgresRawSink(table: try await PostgresRawEventTable(url: url))
            },
            stockTotals: { hub in try await databases.of(hub).stockTotals() },
            fillStock: { hub, rows in try await databases.of(hub).addStockRows(rows) },
            cleanup: { databases.closeAll() })
    }
}

/// The URL of each hub's database, found by the hub's epoch (minted per database), and the
/// benchmark's own pool to it, opened when first needed.
final class PostgresHubDatabases: @unchecked Sendable {
    private let lock = NSLock()
    private var urls: [String: String] = [:]
    private var open: [String: PostgresBenchDatabase] = [:]

    func add(_ url: String, for epoch: String) {
        lock.withLock { urls[epoch] = url }
    }

    func of(_ hub: any HubStore) async throws -> PostgresBenchDatabase {
        guard hub is PostgresHubStore else { throw BenchError("not a PostgreSQL hub") }
        let epoch = try await hub.epoch()
        return try lock.withLock {
            if let database = open[epoch] { return database }
            guard let url = urls[epoch] else { throw BenchError("no database known for that hub") }
            let database = try PostgresBenchDatabase(url: url)
            open[epoch] = database
            return database
        }
    }

    func closeAll() {
        let all = lock.withLock {
            defer { open = [:] }
            return Array(open.values)
        }
        for database in all { database.close() }
    }
}

/// The raw limit on PostgreSQL: the same event rows into a bare events table, one transaction
/// and one multi-row insert per batch.
final class PostgresRawSink: RawEventSink {
    let table: PostgresRawEventTable

    init(table: PostgresRawEventTable) { self.table = table }

    func insert(_ rows: [RawEventRow]) async throws {
        try await table.insert(
            node: rows.map(\.node), seq: rows.map(\.seq), record: rows.map(\.record), kind: rows.map(\.kind),
            wall: rows.map(\.hlcWall), logical: rows.map(\.hlcLogical), body: rows.map(\.body))
    }
}
