import Foundation
import HubStore
import Logging
import NIOCore
import PostgresNIO
import ReturnsDomain

/// A connection pool of the benchmarks' own to one PostgreSQL database, for plain SQL beside the
/// hub's public API: a bare events table (the raw limit), the stock matrix written straight into
/// a hub's stock table, and company totals in one aggregate query.
final class PostgresBenchDatabase: Sendable {
    let client: PostgresClient
    let runner: Task<Void, Never>
    let logger: Logger

    /// Connects to the database `url` names (`postgres://user[:password]@host[:port]/database`).
    init(url: String, maxConnections: Int = 2) throws {
        var logger = Logger(label: "returnsync.bench.postgres")
        logger.logLevel = .error
        self.logger = logger
        client = PostgresClient(
            configuration: try Self.configuration(url, maxConnections: maxConnections), backgroundLogger: logger)
        let client = self.client
        runner = Task { await client.run() }
    }

    deinit { runner.cancel() }

    func close() { runner.cancel() }

    /// `query` in one committed transaction.
    func transaction(_ query: PostgresQuery) async throws {
        let logger = self.logger
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query(query, logger: logger)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    /// Units per stock location over every store and SKU of a hub's `stock` table, and the number
    /// of stock rows summed: company totals in one aggregate query.
    func stockTotals() async throws -> StockTotals {
        let logger = self.logger
        return try await client.withConnection { connection in
            var totals = StockTotals()
            for try await (location, sum, count) in try await connection.query(
                "SELECT location, SUM(quantity)::bigint, COUNT(*) FROM stock GROUP BY location", logger: logger
            ).decode((String, Int64, Int64).self) {
                if let l = StockLocation(rawValue: location) { totals.units[l] = Int(sum) }
                totals.rows += Int(count)
            }
            return totals
        }
    }

    /// Adds stock rows straight into a hub's `stock` table, in batches of 50,000.
    func addStockRows(_ rows: [StockLevel]) async throws {
        for start in stride(from: 0, to: rows.count, by: 50_000) {
            let batch = rows[start..<min(rows.count, start + 50_000)]
            try await transaction(
                """
                INSERT INTO stock (store, location, sku, quantity)
                SELECT * FROM unnest(\(batch.map(\.store.rawValue)), \(batch.map(\.location.rawValue)), \(batch.map(\.sku.rawValue)),
                    \(batch.map { Int64($0.quantity) }))
                ON CONFLICT (store, location, sku) DO UPDATE SET quantity = stock.quantity + excluded.quantity
                """)
        }
    }

    /// Reads a `postgres://` URL into the client's configuration, as the hub does.
    static func configuration(_ text: String, maxConnections: Int) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else {
            throw BenchError(
                "a PostgreSQL database is named postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, not \(text)")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let tls: PostgresClient.Configuration.TLS
        switch url.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "prefer" {
        case "disable": tls = .disable
        case "require": tls = .require(.makeClientConfiguration())
        default: tls = .prefer(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = max(1, maxConnections)
        return configuration
    }
}

/// The raw limit of PostgreSQL under the hub: a bare copy of the hub's events table (same
/// columns, key and index, without the feed columns' logic) filled with the same rows, one
/// transaction and one multi-row `INSERT … SELECT unnest(…)` per batch.
final class PostgresRawEventTable: Sendable {
    let database: PostgresBenchDatabase

    /// Creates the table in the (fresh) database `url` names.
    init(url: String) async throws {
        database = try PostgresBenchDatabase(url: url)
        let logger = database.logger
        try await database.client.withConnection { connection in
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

    /// Inserts the rows (columns as the hub stores them) in one committed transaction.
    func insert(
        node: [String], seq: [Int64], record: [String], kind: [String], wall: [Int64], logical: [Int64], body: [Data]
    ) async throws {
        let buffers = body.map { ByteBuffer(bytes: $0) }
        try await database.transaction(
            """
            INSERT INTO raw_events (node, seq, record, kind, hlc_wall, hlc_logical, body)
            SELECT * FROM unnest(\(node), \(seq), \(record), \(kind), \(wall), \(logical), \(buffers))
            """)
    }
}
