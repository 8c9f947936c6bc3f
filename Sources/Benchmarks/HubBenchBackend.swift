import EventCoding
public import Foundation
import GRDB
public import HubStore
import HubStoreSQLite
import NodeStore
public import Replication
public import ReturnsDomain

/// One event as the hub's `events` table stores it: the row a raw insert writes.
public struct RawEventRow: Sendable {
    public var node: String
    public var seq: Int64
    public var record: String
    public var kind: String
    public var hlcWall: Int64
    public var hlcLogical: Int64
    /// The stored JSON, made by the encoder the hub stores events with (`EventCodec`).
    public var body: Data

    public init(_ e: Event) throws {
        node = e.dot.node.rawValue
        seq = Int64(e.dot.seq)
        record = e.record.description
        kind = e.payload.kind
        hlcWall = e.hlc.wall
        hlcLogical = Int64(e.hlc.logical)
        body = try EventCodec.encode(e)
    }
}

/// The storage under a hub at its raw limit: the same event rows inserted in batches, one durable
/// transaction per batch, with nothing else done.
public protocol RawEventSink: Sendable {
    func insert(_ rows: [RawEventRow]) async throws
}

/// A hub backend as the benchmarks see it: how to make a fresh hub and, for the same storage, a
/// raw sink; plus the two backend-specific things the `HubStore` protocol does not offer.
///
/// The SQLite backend is `HubBenchBackend.sqlite(directory:)`. Another backend (PostgreSQL) plugs
/// in by building one of these: `makeHub` returns a new, empty hub (a fresh database or schema per
/// label), `makeRawSink` a sink that inserts into a bare copy of its events table on the same
/// server, `stockTotals` one aggregate query, `fillStock` a bulk insert into its stock table.
public struct HubBenchBackend: Sendable {
    public var name: String
    /// A new, empty hub for one measurement; `label` is unique within a run.
    public var makeHub: @Sendable (_ label: String) async throws -> any HubStore
    /// A bare events table on the same storage as the hubs.
    public var makeRawSink: @Sendable (_ label: String) async throws -> any RawEventSink
    /// Company totals: units per stock location over every store and SKU, in one query.
    public var stockTotals: @Sendable (_ hub: any HubStore) async throws -> StockTotals
    /// Writes stock rows straight into the hub's stock projection (the documented fast path that
    /// fills a 1,000-store × 10k-SKU matrix without 10M events); nil when the backend has none.
    public var fillStock: (@Sendable (_ hub: any HubStore, _ rows: [StockLevel]) async throws -> Void)?
    /// Removes what the run left behind.
    public var cleanup: @Sendable () async throws -> Void

    public init(
        name: String, makeHub: @escaping @Sendable (String) async throws -> any HubStore,
        makeRawSink: @escaping @Sendable (String) async throws -> any RawEventSink,
        stockTotals: @escaping @Sendable (any HubStore) async throws -> StockTotals,
        fillStock: (@Sendable (any HubStore, [StockLevel]) async throws -> Void)?,
        cleanup: @escaping @Sendable () async throws -> Void
    ) {
        self.name = name
        self.makeHub = makeHub
        self.makeRawSink = makeRawSink
        self.stockTotals = stockTotals
        self.fillStock = fillStock
        self.cleanup = cleanup
    }
}

extension HubBenchBackend {
    /// The embedded hub: one SQLite file per hub under a fresh folder in `directory` (WAL,
    /// `synchronous = FULL`, as in production), and the raw sink on the same disk.
    public static func sqlite(directory: URL, currency: Currency = Currency("EUR")) -> HubBenchBackend {
        let root = directory.appendingPathComponent("bench-\(UUID().uuidString)")
        return HubBenchBackend(
            name: "sqlite",
            makeHub: { label in
                try SQLiteHubStore.create(
                    atPath: root.appendingPathComponent("\(label)/hub.sqlite").path, currency: currency)
            },
            makeRawSink: { label in try SQLiteRawSink(path: root.appendingPathComponent("\(label)/raw.sqlite").path) },
            stockTotals: { hub in
                guard let hub = hub as? SQLiteHubStore else { throw BenchError("not a SQLite hub") }
                return try await hub.database.writer.read { db in
                    var out = StockTotals()
                    for row in try Row.fetchAll(
                        db, sql: "SELECT location, SUM(quantity), COUNT(*) FROM stock GROUP BY location")
                    {
                        if let l = StockLocation(rawValue: row[0]) { out.units[l] = row[1] }
                        out.rows += row[2] as Int
                    }
                    return out
                }
            },
            fillStock: { hub, rows in
                guard let hub = hub as? SQLiteHubStore else { throw BenchError("not a SQLite hub") }
                try await hub.database.writer.write { db in
                    let statement = try db.makeStatement(
                        sql: """
                            INSERT INTO stock (store, location, sku, quantity) VALUES (?, ?, ?, ?)
                            ON CONFLICT (store, location, sku) DO UPDATE SET quantity = quantity + excluded.quantity
                            """)
                    for r in rows {
                        statement.setUncheckedArguments([
                            r.store.rawValue, r.location.rawValue, r.sku.rawValue, r.quantity,
                        ])
                        try statement.execute()
                    }
                }
            },
            cleanup: { try? FileManager.default.removeItem(at: root) })
    }
}

/// Units per stock location over every store and SKU, and the stock rows they were summed from.
public struct StockTotals: Hashable, Sendable {
    public var units: [StockLocation: Int] = [:]
    public var rows = 0
    public init(units: [StockLocation: Int] = [:], rows: Int = 0) {
        self.units = units
        self.rows = rows
    }
}

/// The raw limit on SQLite: the hub's `events` table (same columns, key and index), WAL,
/// `synchronous = FULL` and the hub's cache and checkpoint settings, one prepared statement, one
/// IMMEDIATE transaction per batch.
final class SQLiteRawSink: RawEventSink {
    let pool: DatabasePool

    init(path: String) throws {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: config)
        try pool.writeWithoutTransaction { db in
            // The hub's settings (SQLiteHubStore): durable commits, a 64 MiB page cache, a
            // checkpoint every 8,192 WAL pages. The same storage, tuned the same way.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
            try db.execute(sql: SQLiteRawEventTable.create)
        }
    }

    func insert(_ rows: [RawEventRow]) async throws {
        try await pool.writeWithoutTransaction { db in
            try db.inTransaction(.immediate) {
                let statement = try db.cachedStatement(
                    sql:
                        "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
                )
                for r in rows {
                    statement.setUncheckedArguments([r.node, r.seq, r.record, r.kind, r.hlcWall, r.hlcLogical, r.body])
                    try statement.execute()
                }
                return .commit
            }
        }
    }
}

/// A benchmark that cannot go on.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ message: String) { description = message }
}
