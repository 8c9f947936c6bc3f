import Foundation
import GRDB
import GRDBSQLite

/// Prepared statements found by where their SQL text lives in the program rather than by the
/// text itself.
///
/// `Database.cachedStatement(sql:)` hashes the whole SQL text on every call, and `RowWriter`'s
/// texts (a column list and an `ON CONFLICT` clause, hundreds of bytes) were hashed once more to
/// build them, for each of the dozen statements a return runs. Finding them by address instead
/// took a return's CPU from about 142 to 141 µs on tmpfs (three pairs; docs/performance.md,
/// node, eighth round). The SQL of the hot statements is a literal
/// (`StaticString`), whose address is fixed for the life of the process, so the address and the
/// connection identify the statement.
///
/// A slot holds the statement weakly: GRDB's cache owns it, and a connection closes only once
/// its cache lets go of its statements, so a slot never keeps a closed connection's statement
/// alive. A statement found is checked to belong to the connection asking (an identifier of a
/// connection freed earlier can be reused by a new one).
final class StatementSlots: @unchecked Sendable {
    static let shared = StatementSlots()

    private struct Key: Hashable {
        var connection: ObjectIdentifier
        var head: UnsafeRawPointer
        var tail: UnsafeRawPointer?
        var rows: Int
    }

    private final class Slot {
        weak var statement: Statement?
        init(_ statement: Statement) { self.statement = statement }
    }

    private let lock = NSLock()
    private var slots: [Key: Slot] = [:]

    /// The statement of `head` (and `tail`, and a row count, for `RowWriter`'s multi-row texts) on
    /// `db`; `text` makes the SQL when the slot is empty.
    func statement(_ db: Database, _ head: StaticString, _ tail: StaticString? = nil, rows: Int = 0, text: () -> String) throws -> Statement {
        let key = Key(
            connection: ObjectIdentifier(db), head: UnsafeRawPointer(head.utf8Start), tail: tail.map { UnsafeRawPointer($0.utf8Start) },
            rows: rows)
        lock.lock()
        let found = slots[key]?.statement
        lock.unlock()
        if let found, let connection = db.sqliteConnection, sqlite3_db_handle(found.sqliteStatement) == connection {
            return found
        }
        let statement = try db.cachedStatement(sql: text())
        lock.lock()
        defer { lock.unlock() }
        // Slots of closed connections are empty: drop them now and then.
        if slots.count >= 4_096 { slots = slots.filter { $0.value.statement != nil } }
        slots[key] = Slot(statement)
        return statement
    }
}
