import Foundation
import GRDB
import GRDBSQLite

/// A query run through SQLite's C API on a statement GRDB prepared and caches: a value is bound,
/// a row stepped and a column read with one C call each. GRDB's cursors, rows and
/// `StatementArguments` cost several times SQLite's own work on the short reads a return makes
/// (its meta row, the sale's and policy's events, the sale's returned quantities: in a profile of
/// `bench node`, SQLite's `sqlite3_step` was under a tenth of such a read's time).
///
/// For reads only, inside a transaction the caller holds (GRDB's bookkeeping around a statement
/// is about transactions and observation, which a read does not touch). Each SQL text must be
/// used by `RawQuery` alone (end it with `/* raw */`): values bound here would otherwise meet
/// arguments GRDB binds to the same cached statement. Iterate to the end, or call `done()`; the
/// statement is reset either way.
struct RawQuery {
    private let handle: OpaquePointer
    /// For error messages only (GRDB's `Statement.sql` makes and trims a new string each time).
    private let sql: String

    /// A query whose text is a literal.
    init(_ db: Database, _ sql: StaticString) throws {
        try self.init(db, text: "\(sql)")
    }

    /// A query whose text is made at run time.
    init(_ db: Database, text sql: String) throws {
        let statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
        self.sql = sql
        sqlite3_reset(handle)
    }

    func bind(_ index: Int32, _ value: String) throws {
        var value = value
        let code = value.withUTF8 { utf8 in
            utf8.withMemoryRebound(to: CChar.self) { chars in
                guard let base = chars.baseAddress else {
                    return sqlite3_bind_text(handle, index, "", 0, sqliteTransient)
                }
                return sqlite3_bind_text(handle, index, base, Int32(chars.count), sqliteTransient)
            }
        }
        try check(code)
    }

    func bind(_ index: Int32, _ value: Int64) throws {
        try check(sqlite3_bind_int64(handle, index, value))
    }

    /// Steps to the next row: false (and the statement reset) when there is none.
    func next() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        sqlite3_reset(handle)
        if code == SQLITE_DONE { return false }
        throw error(code)
    }

    /// Resets the statement before its rows are all read.
    func done() { sqlite3_reset(handle) }

    func int(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func text(_ column: Int32) -> String {
        guard let bytes = sqlite3_column_text(handle, column) else { return "" }
        return String(
            decoding: UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(handle, column))), as: UTF8.self
        )
    }

    func blob(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(handle, column))
        guard count > 0, let bytes = sqlite3_column_blob(handle, column) else { return Data() }
        return Data(bytes: bytes, count: count)
    }

    private func check(_ code: Int32) throws {
        guard code == SQLITE_OK else { throw error(code) }
    }

    private func error(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: sql)
    }
}

/// SQLite copies a value bound with this destructor (C's `SQLITE_TRANSIENT`) before the call returns.
let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
