import Foundation
import GRDB
import Replication
import ReturnsDomain
import Testing

@testable import ReplicaStore

/// `RowWriter` and `RawQuery` on GRDB's cached statements: each connection runs its own, and
/// none keeps a connection's statements alive past its close.
@Suite struct CachedStatementTests {
    static func database(_ name: String) throws -> (ReplicaDatabase, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cached-\(name)-\(UUID().uuidString)")
        let db = try ReplicaDatabase.create(
            atPath: dir.appendingPathComponent("replica.sqlite").path,
            identity: NodeIdentity(node: NodeID("S-\(name)"), store: "S", currency: Currency("EUR")))
        return (db, dir)
    }

    /// One call site, so one literal, run on every connection.
    static func write(_ db: Database, _ key: String, _ value: String) throws {
        var row = RowWriter(
            db, "INSERT INTO meta (key, value) VALUES ", " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            columns: 2)
        row.put(key)
        row.put(value)
        try row.finish()
    }

    static func read(_ db: Database, _ key: String) throws -> String? {
        let query = try RawQuery(db, "SELECT value FROM meta WHERE key = ? /* raw, CachedStatementTests */")
        try query.bind(1, key)
        guard try query.next() else { return nil }
        defer { query.done() }
        return query.text(0)
    }

    @Test("the same literal on two databases reaches each one's own connection")
    func perConnection() throws {
        let (a, dirA) = try Self.database("a")
        let (b, dirB) = try Self.database("b")
        defer {
            try? FileManager.default.removeItem(at: dirA)
            try? FileManager.default.removeItem(at: dirB)
        }
        for i in 0..<3 {
            try a.transactionSync { try Self.write($0, "test.k", "a\(i)") }
            try b.transactionSync { try Self.write($0, "test.k", "b\(i)") }
            #expect(try a.transactionSync { try Self.read($0, "test.k") } == "a\(i)")
            #expect(try b.transactionSync { try Self.read($0, "test.k") } == "b\(i)")
        }
    }

    @Test("a database that used cached statements closes cleanly, and one opened after it works")
    func closesCleanly() throws {
        let (a, dirA) = try Self.database("closing")
        defer { try? FileManager.default.removeItem(at: dirA) }
        try a.transactionSync { try Self.write($0, "test.k", "before") }
        #expect(try a.transactionSync { try Self.read($0, "test.k") } == "before")
        // GRDB's close fails with SQLITE_BUSY if any statement of the connection is still alive.
        try a.writer.close()

        let reopened = try ReplicaDatabase.open(atPath: dirA.appendingPathComponent("replica.sqlite").path)
        #expect(try reopened.transactionSync { try Self.read($0, "test.k") } == "before")
        try reopened.transactionSync { try Self.write($0, "test.k", "after") }
        #expect(try reopened.transactionSync { try Self.read($0, "test.k") } == "after")
        try reopened.writer.close()
    }
}
