import Foundation
import HubStore
import HubStorePostgres
public import ReturnsDomain

extension HubBenchBackend {
    /// The PostgreSQL hub on the server `serverURL` points to: every hub and raw table of a run in
    /// a fresh database of its own (`returnsync_bench_…`), so runs never see each other's rows.
    /// The databases are left on the server (drop them with `DROP DATABASE` when done).
    public static func postgres(serverURL: String, currency: Currency = Currency("EUR")) -> HubBenchBackend {
        HubBenchBackend(
            name: "postgres",
            makeHub: { _ in
                let url = try await PostgresDatabases.create(serverURL: serverURL, prefix: "returnsync_bench_")
                return try await PostgresHubStore.connect(url: url, currency: currency)
            },
            makeRawSink: { _ in
                let url = try await PostgresDatabases.create(serverURL: serverURL, prefix: "returnsync_bench_raw_")
                return PostgresRawSink(table: try await PostgresRawEventTable(url: url))
            },
            stockTotals: { hub in
                guard let hub = hub as? PostgresHubStore else { throw BenchError("not a PostgreSQL hub") }
                let totals = try await hub.stockTotals()
                return StockTotals(units: totals.units, rows: totals.rows)
            },
            fillStock: { hub, rows in
                guard let hub = hub as? PostgresHubStore else { throw BenchError("not a PostgreSQL hub") }
                try await hub.addStockRows(
                    rows.map { ($0.store.rawValue, $0.location.rawValue, $0.sku.rawValue, $0.quantity) })
            },
            cleanup: {})
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
