import Foundation
import GRDB
import Replication
import ReturnsDomain
import Testing

@testable import NodeStore
@testable import ReplicaStore

@Suite struct SchemaMigrationTests {
    @Test("a new node database has 1 KB pages, a rowid events table and no outbox table")
    func newDatabaseLayout() throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        let db = f.service.database
        #expect(try db.pageSize() == NodeDatabase.nodePageSize)
        let tables = try db.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'table'")
                .reduce(into: [String: String]()) { $0[$1["name"]] = $1["sql"] }
        }
        #expect(tables["outbox"] == nil)
        let events = try #require(tables["events"])
        #expect(!events.contains("WITHOUT ROWID"))
        #expect(events.contains("UNIQUE (node, seq)"))
        #expect(try #require(tables["meta"]).contains("WITHOUT ROWID"))
    }

    /// A database made by the schema as it was before v4 (events `WITHOUT ROWID`, an outbox table
    /// with the own events the hub had not acknowledged) keeps its events, its projections and
    /// exactly that outbox when opened by this version.
    @Test("migration v4 keeps every event and turns the outbox table into the acknowledged seq")
    func migratesOutboxAndEvents() async throws {
        // Real events and projections, from a node of this version: a sale and two returns.
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        try await f.service.recordSale(f.sale("R-1", quantity: 3), staff: f.staff)
        for _ in 0..<2 {
            _ = try await f.service.createReturn(
                CreateReturnCommand(
                    sale: "R-1",
                    lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]),
                staff: f.staff)
        }
        let source = f.service.database
        let events = try await f.service.read { try $0.eventCount() }

        // The same rows in a file of the v3 schema, whose hub acknowledged the first 4 events.
        let oldPath = f.directory.appendingPathComponent("old.sqlite").path
        let outbox = try Self.makeV3(at: oldPath, from: source, acknowledged: 4)
        #expect(outbox == events - 4)

        let migrated = try NodeDatabase.open(atPath: oldPath)
        // v5 rebuilt `meta` keyed by its text: the same rows (the acknowledged seq is v4's, above).
        let metaSQL = "SELECT key, value FROM meta WHERE key <> 'outbox.acked' ORDER BY key"
        let migratedMeta = try await migrated.writer.read { try Row.fetchAll($0, sql: metaSQL) }
        let sourceMeta = try await source.writer.read { try Row.fetchAll($0, sql: metaSQL) }
        #expect(migratedMeta == sourceMeta)
        #expect(
            try await migrated.writer.read {
                try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'outbox.acked'")
            } == "4")
        let service = NodeService(database: migrated, clock: { Instant.date(2026, 11, 2).millis })
        #expect(try await service.read { try $0.eventCount() } == events)
        #expect(try await service.read { try $0.outboxCount() } == events - 4)
        let pending = try #require(try await service.outboxChangeSet(limit: 100))
        #expect(pending.events.map(\.dot.seq) == Array(5...UInt64(events)))
        // A database keeps the page size it was made with.
        #expect(try migrated.pageSize() == 4096)
        let report = try migrated.verify()
        #expect(report.isOK, "\(report.mismatches)")

        // The outbox still moves as it did: acknowledged, requeued, and a new event joins it.
        try await service.acknowledge(through: 6)
        #expect(try await service.read { try $0.outboxCount() } == events - 6)
        try await service.acknowledge(through: 5)
        #expect(
            try await service.read { try $0.outboxCount() } == events - 6,
            "acknowledging less than before takes nothing back")
        try await service.acknowledge(through: UInt64.max)
        #expect(try await service.read { try $0.outboxCount() } == 0)
        try await service.recordSale(f.sale("R-3"), staff: f.staff)
        #expect(
            try await service.read { try $0.outboxCount() } == 1,
            "an acknowledgement beyond the last seq does not cover later events")
        try await service.requeue(from: 2)
        #expect(try await service.read { try $0.outboxCount() } == events, "seq 2 to the new sale's")
        try await service.recordSale(f.sale("R-2"), staff: f.staff)
        #expect(try await service.read { try $0.outboxCount() } == events + 1)
        #expect(try migrated.verify().isOK)
    }

    /// Makes a database at `path` with the migrations up to v3 and the rows of `source`, with an
    /// outbox table holding the source node's events above `acknowledged`; answers its size.
    static func makeV3(at path: String, from source: NodeDatabase, acknowledged: Int) throws -> Int {
        let old = try DatabasePool(path: path)
        try Schema.migrator.migrate(old, upTo: "v3.records-by-key")
        try old.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [source.path])
            try db.inTransaction {
                let tables = try String.fetchAll(
                    db,
                    sql:
                        "SELECT name FROM source.sqlite_master WHERE type = 'table' AND name NOT LIKE 'grdb_%' AND name NOT LIKE 'sqlite_%' AND name NOT IN ('api_tokens', 'idempotency', 'staff_sessions')"
                )
                for table in tables {
                    let columns = try Row.fetchAll(db, sql: "PRAGMA source.table_info(\(table))").map {
                        $0["name"] as String
                    }.joined(separator: ", ")
                    try db.execute(sql: "INSERT INTO main.\(table) (\(columns)) SELECT \(columns) FROM source.\(table)")
                }
                try db.execute(sql: "DELETE FROM main.meta WHERE key = 'outbox.acked'")
                try db.execute(
                    sql: "INSERT INTO outbox (seq) SELECT seq FROM main.events WHERE node = ? AND seq > ?",
                    arguments: [source.identity.node.rawValue, acknowledged])
                return .commit
            }
            try db.execute(sql: "DETACH DATABASE source")
        }
        return try old.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM outbox") ?? 0 }
    }
}
