import Foundation
import GRDB
import HubStore
import HubStoreSQLite
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// A hub database made before a replica migration that is registered ahead of the hub's own ones
/// (here `v5.meta-without-rowid`) gets it when opened, and keeps its rows and its sync state.
@Suite struct SQLiteHubMigrationTests {
    @Test("a hub from before schema v5 gets meta keyed by text on opening, with its rows and what was pushed")
    func metaMigratesUnderHubMigrations() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hub-v5-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("hub.sqlite").path

        let hub = try SQLiteHubStore.create(atPath: path, currency: Currency("EUR"))
        try await hub.enroll([("S-A-1", "S-A")])
        var author = Author("S-A-1", store: "S-A")
        _ = try await hub.push(ChangeSet([author.sale()]), from: "S-A-1", now: Fixtures.t0)
        let epoch = try await hub.epoch()
        let metaSQL = "SELECT key, value FROM meta ORDER BY key"
        let metaBefore = try await hub.database.writer.read { try Row.fetchAll($0, sql: metaSQL) }
        try hub.database.writer.close()

        // Back to the file as the previous version left it: `meta` a rowid table, v5 not applied,
        // every hub migration applied.
        let old = try DatabaseQueue(path: path)
        try await old.write { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta_old (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
                    INSERT INTO meta_old SELECT key, value FROM meta;
                    DROP TABLE meta;
                    ALTER TABLE meta_old RENAME TO meta;
                    DELETE FROM grdb_migrations WHERE identifier = 'v5.meta-without-rowid';
                    """)
        }
        #expect(
            try await old.read { try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'meta'") }?
                .contains("WITHOUT ROWID") == false)
        try old.close()

        let reopened = try SQLiteHubStore.open(atPath: path)
        let meta = try await reopened.database.writer.read {
            try String.fetchOne($0, sql: "SELECT sql FROM sqlite_master WHERE name = 'meta'")
        }
        #expect(meta?.contains("WITHOUT ROWID") == true)
        #expect(try await reopened.database.writer.read { try Row.fetchAll($0, sql: metaSQL) } == metaBefore)
        #expect(try await reopened.epoch() == epoch)
        #expect(try await reopened.status(of: "S-A-1")?.acked == 1, "what was pushed survives the migration")
        _ = try await reopened.push(ChangeSet([author.sale()]), from: "S-A-1", now: Fixtures.t0)
        #expect(try await reopened.status(of: "S-A-1")?.acked == 2)
        try reopened.database.writer.close()
    }
}
