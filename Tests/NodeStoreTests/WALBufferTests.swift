import Foundation
import GRDB
import GRDBSQLite
@testable import NodeStore
import Testing

/// The VFS that gathers a commit's WAL writes into one (SQLiteWALBuffer): what a connection
/// commits through it is in the file for every other connection and for plain SQLite.
@Suite struct WALBufferTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("walbuffer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A pool opened the way a node's is, with `synchronous` as given and one table.
    static func pool(_ path: String, synchronous: String) throws -> DatabasePool {
        let pool = try DatabasePool(path: try NodeDatabase.connectionPath(path))
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = \(synchronous)")
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        }
        return pool
    }

    @Test("a node's connections go through the WAL buffer, whatever characters its path has")
    func nodeUsesTheVFS() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("a ?#% b.sqlite").path
        let uri = try NodeDatabase.connectionPath(file)
        #expect(uri.hasPrefix("file:///"))
        #expect(uri.hasSuffix("/a %3F%23%25 b.sqlite?vfs=returnsync-walbuffer"))
        let pool = try Self.pool(file, synchronous: "FULL")
        let vfs = try pool.writeWithoutTransaction { db -> String in
            var pointer: UnsafeMutablePointer<sqlite3_vfs>?
            _ = sqlite3_file_control(db.sqliteConnection, "main", SQLITE_FCNTL_VFS_POINTER, &pointer)
            return pointer.map { String(cString: $0.pointee.zName) } ?? ""
        }
        #expect(vfs == "returnsync-walbuffer")
        #expect(FileManager.default.fileExists(atPath: file))
    }

    /// Without a sync at commit (synchronous = OFF) nothing but the buffer's own rule (write at the
    /// commit frame) puts the frames in the file before other connections may read them.
    @Test("a commit is readable at once by another connection, even with synchronous = OFF")
    func commitVisibleWithoutSync() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try Self.pool(dir.appendingPathComponent("db.sqlite").path, synchronous: "OFF")
        for i in 1...200 {
            let body = Data(repeating: UInt8(i % 251), count: 300 + i * 7)
            try pool.write { db in try db.execute(sql: "INSERT INTO t (id, body) VALUES (?, ?)", arguments: [i, body]) }
            let read = try pool.read { db in try Data.fetchOne(db, sql: "SELECT body FROM t WHERE id = ?", arguments: [i]) }
            #expect(read == body)
        }
    }

    /// A transaction bigger than the buffer (and than SQLite's page cache, so it spills frames
    /// before its commit and reads them back) is written in parts and reads back whole, through
    /// the pool and through plain SQLite once the pool is closed.
    @Test("a transaction larger than the buffer commits whole and plain SQLite reads it")
    func largeTransaction() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("db.sqlite").path
        var expected: [Int: Data] = [:]
        do {
            let pool = try Self.pool(path, synchronous: "FULL")
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = 50") }
            try pool.write { db in
                for i in 1...3_000 {
                    let body = Data((0..<(100 + i % 900)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) })
                    expected[i] = body
                    try db.execute(sql: "INSERT INTO t (id, body) VALUES (?, ?)", arguments: [i, body])
                }
                // Rewrites pages the transaction has already written (and perhaps spilled).
                try db.execute(sql: "UPDATE t SET body = x'00' WHERE id % 10 = 0")
            }
            for i in stride(from: 10, through: 3_000, by: 10) { expected[i] = Data([0]) }
            let count = try pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM t") }
            #expect(count == 3_000)
            try pool.close()
        }
        let plain = try DatabaseQueue(path: path)
        let rows = try plain.read { db in
            try Row.fetchAll(db, sql: "SELECT id, body FROM t").reduce(into: [Int: Data]()) { $0[$1[0]] = $1[1] }
        }
        #expect(rows == expected)
        #expect(try plain.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") } == "ok")
    }
}
