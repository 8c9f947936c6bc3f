public import Foundation
import Logging
import NIOCore
import PostgresNIO
public import ReturnsDomain

extension PostgresHubStore {
    /// Units per stock location over every store and SKU, and the number of stock rows summed:
    /// company totals in one aggregate query (for `returnsync bench stock-query`).
    public func stockTotals() async throws -> (units: [StockLocation: Int], rows: Int) {
        let logger = self.logger
        return try await client.withConnection { connection in
            var units: [StockLocation: Int] = [:]
            var rows = 0
            for try await (location, sum, count) in try await connection.query(
                "SELECT location, SUM(quantity)::bigint, COUNT(*) FROM stock GROUP BY location", logger: logger
            ).decode((String, Int64, Int64).self) {
                if let l = StockLocation(rawValue: location) { units[l] = Int(sum) }
                rows += Int(count)
            }
            return (units, rows)
        }
    }

    /// Adds stock rows straight into the stock projection, in batches: the benchmarks' documented
    /// fast path to a 1,000-store × 10k-SKU matrix without ten million events.
    public func addStockRows(_ rows: [(store: String, location: String, sku: String, quantity: Int)]) async throws {
        let logger = self.logger
        for start in stride(from: 0, to: rows.count, by: 50_000) {
            let batch = rows[start..<min(rows.count, start + 50_000)]
            try await transaction { connection in
                try await connection.query(
                    """
                    INSERT INTO stock (store, location, sku, quantity)
                    SELECT * FROM unnest(\(batch.map(\.store)), \(batch.map(\.location)), \(batch.map(\.sku)),
                        \(batch.map { Int64($0.quantity) }))
                    ON CONFLICT (store, location, sku) DO UPDATE SET quantity = stock.quantity + excluded.quantity
                    """, logger: logger)
            }
        }
    }
}

/// The raw limit of PostgreSQL under the hub: a bare copy of the hub's events table (same
/// columns, key and index, without the feed columns' logic) filled with the same rows, one
/// transaction and one multi-row `INSERT … SELECT unnest(…)` per batch.
public final class PostgresRawEventTable: Sendable {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger = Logger(label: "returnsync.bench.postgres")

    /// Creates the table in the (fresh) database `url` names.
    public init(url: String) async throws {
        client = PostgresClient(
            configuration: try PostgresURL.configuration(url, maxConnections: 2), backgroundLogger: quiet(logger))
        let client = self.client
        runner = Task { await client.run() }
        let logger = self.logger
        try await client.withConnection { connection in
            try await connection.query(
                """
                CREATE TABLE raw_events (
                    node text NOT NULL, seq bigint NOT NULL, record text NOT NULL, kind text NOT NULL,
                    hlc_wall bigint NOT NULL, hlc_logical bigint NOT NULL, body bytea NOT NULL,
                    PRIMARY KEY (node, seq))
                """, logger: logger)
            try await connection.query("CREATE INDEX raw_events_by_record ON raw_events (record)", logger: logger)
        }
    }

    deinit { runner.cancel() }

    /// Inserts the rows (columns as the hub stores them) in one committed transaction.
    public func insert(
        node: [String], seq: [Int64], record: [String], kind: [String], wall: [Int64], logical: [Int64], body: [Data]
    ) async throws {
        let logger = self.logger
        let buffers = body.map { ByteBuffer(bytes: $0) }
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            try await connection.query(
                """
                INSERT INTO raw_events (node, seq, record, kind, hlc_wall, hlc_logical, body)
                SELECT * FROM unnest(\(node), \(seq), \(record), \(kind), \(wall), \(logical), \(buffers))
                """, logger: logger)
            try await connection.query("COMMIT", logger: logger)
        }
    }
}
