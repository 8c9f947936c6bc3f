import EventCoding
package import Foundation
package import GRDB
import GRDBSQLite
import Replication
import ReturnsDomain

/// Keeps the projection tables equal to the fold of the events: re-folds the touched records,
/// takes their old contributions out of the sums and puts the new ones in (`ProjectionDelta`),
/// and rewrites what changed of each record's own rows.
struct Projector {
    let db: Database

    func events(of record: RecordKey) throws -> [Event] { try eventsWithBodies(of: record).events }

    /// The record's events in (node, seq) order, with the bytes they are stored as.
    func eventsWithBodies(of record: RecordKey) throws -> (events: [Event], bodies: [Data]) {
        let key = record.description
        let bodies = try storedBodies(of: key)
        return (try DecodedEventCache.shared.events(of: key, bodies: bodies), bodies)
    }

    /// The record's fold over its stored events, nil when it has none (cached with the decoded
    /// events: a sale or product read for every return is folded once, not each time).
    func state(of record: RecordKey) throws -> RecordState? {
        let bodies = try storedBodies(of: record.description)
        return bodies.isEmpty ? nil : try DecodedEventCache.shared.state(of: record, bodies: bodies)
    }

    /// The stored bytes of the record's events, in (node, seq) order.
    func storedBodies(of key: String) throws -> [Data] {
        let query = try RawQuery(db, "SELECT body FROM events WHERE record = ? ORDER BY node, seq /* raw */")
        try query.bind(1, key)
        var bodies: [Data] = []
        while try query.next() { bodies.append(query.blob(0)) }
        return bodies
    }

    /// Moves the tables from one record's `old` state to its `new` one.
    func apply(old: RecordState, new: RecordState) throws {
        var delta = ProjectionDelta()
        try delta.add(old: old, new: new)
        try apply(delta)
    }

    /// Writes a delta: each sum once per key, in key order, then each record's rows as far as
    /// they changed; rows go in with multi-row statements (`RowWriter`).
    func apply(_ delta: ProjectionDelta) throws {
        var stock = RowWriter(
            db, "INSERT INTO stock (store, location, sku, quantity) VALUES ",
            " ON CONFLICT (store, location, sku) DO UPDATE SET quantity = quantity + excluded.quantity", columns: 4)
        for (k, d) in delta.sortedStock {
            stock.put(k.store.rawValue)
            stock.put(k.location.rawValue)
            stock.put(k.sku.rawValue)
            stock.put(d)
        }
        try stock.finish()
        var lines = RowWriter(
            db, "INSERT INTO sale_lines (sale, line, sold, returned) VALUES ",
            " ON CONFLICT (sale, line) DO UPDATE SET sold = sold + excluded.sold, returned = returned + excluded.returned",
            columns: 4)
        for (k, d) in delta.sortedSaleLines {
            lines.put(k.sale.rawValue)
            lines.put(k.line)
            lines.put(d.sold)
            lines.put(d.returned)
        }
        try lines.finish()
        var serials = RowWriter(
            db, "INSERT INTO serials (sale, serial, sold, returned) VALUES ",
            " ON CONFLICT (sale, serial) DO UPDATE SET sold = sold + excluded.sold, returned = returned + excluded.returned",
            columns: 4)
        for (k, d) in delta.sortedSerials {
            serials.put(k.sale.rawValue)
            serials.put(k.serial)
            serials.put(d.sold)
            serials.put(d.returned)
        }
        try serials.finish()
        var credit = RowWriter(
            db, "INSERT INTO store_credit (customer, currency, balance) VALUES ",
            " ON CONFLICT (customer, currency) DO UPDATE SET balance = balance + excluded.balance", columns: 3)
        for (k, d) in delta.sortedStoreCredit {
            credit.put(k.customer.rawValue)
            credit.put(k.currency.rawValue)
            credit.put(d)
        }
        try credit.finish()
        var ledger = RowWriter(
            db, "INSERT INTO ledger (account, currency, balance) VALUES ",
            " ON CONFLICT (account, currency) DO UPDATE SET balance = balance + excluded.balance", columns: 3)
        for (k, d) in delta.sortedLedger {
            ledger.put(k.account.rawValue)
            ledger.put(k.currency.rawValue)
            ledger.put(d)
        }
        try ledger.finish()
        guard !delta.records.isEmpty else { return }
        var writers = RecordWriters(db: db)
        for change in delta.records { try store(change, &writers) }
        try writers.finish()
    }

    // MARK: - One record at a time (BulkApply's building blocks)

    func saleLine(_ k: SaleLineKey, sold: Int, returned: Int) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO sale_lines (sale, line, sold, returned) VALUES (?, ?, ?, ?) ON CONFLICT (sale, line) DO UPDATE SET sold = sold + excluded.sold, returned = returned + excluded.returned"
        )
        .execute(arguments: [k.sale.rawValue, k.line, sold, returned])
    }

    func serial(_ k: SaleSerialKey, sold: Int, returned: Int) throws {
        try db.cachedStatement(
            sql:
                "INSERT INTO serials (sale, serial, sold, returned) VALUES (?, ?, ?, ?) ON CONFLICT (sale, serial) DO UPDATE SET sold = sold + excluded.sold, returned = returned + excluded.returned"
        )
        .execute(arguments: [k.sale.rawValue, k.serial, sold, returned])
    }

    /// Rewrites all of the record's own rows (its row, exceptions, journal, index row), whatever
    /// the tables held for it before.
    func store(_ r: RecordState) throws {
        var writers = RecordWriters(db: db)
        let change = ProjectionDelta.RecordChange(
            key: r.key, new: r, existed: true, exceptionsChanged: true, journalDeleteFrom: 0,
            journalInsert: ProjectionDelta.journalRows(r.contributions.journal), indexChanged: true)
        try store(change, &writers)
        try writers.finish()
    }

    /// The multi-row inserts of the records' own rows. Deletes run at once, inserts at `finish()`,
    /// so a record's old rows are gone before its new ones go in.
    private struct RecordWriters {
        let db: Database
        var records: RowWriter
        var exceptions: RowWriter
        var journal: RowWriter
        var returns: RowWriter
        var sales: RowWriter
        var customers: RowWriter

        init(db: Database) {
            self.db = db
            records = RowWriter(
                db, "INSERT INTO records (key, kind, vector, pending) VALUES ",
                " ON CONFLICT (key) DO UPDATE SET vector = excluded.vector, pending = excluded.pending", columns: 4)
            exceptions = RowWriter(
                db, "INSERT INTO record_exceptions (id, record, code, severity, message) VALUES ", "", columns: 5)
            journal = RowWriter(
                db,
                "INSERT INTO journal (record, position, reference, store, date, memo, account, amount, currency) VALUES ",
                "", columns: 9)
            returns = RowWriter(
                db,
                "INSERT INTO returns (id, store, sale, customer, status, type, gross, currency, requested_at) VALUES ",
                " ON CONFLICT (id) DO UPDATE SET status = excluded.status, store = excluded.store, sale = excluded.sale, customer = excluded.customer, type = excluded.type, gross = excluded.gross, currency = excluded.currency, requested_at = excluded.requested_at",
                columns: 9)
            sales = RowWriter(
                db, "INSERT INTO sales (id, store, customer, sold_at, total, currency) VALUES ",
                " ON CONFLICT (id) DO UPDATE SET store = excluded.store, customer = excluded.customer, sold_at = excluded.sold_at, total = excluded.total, currency = excluded.currency",
                columns: 6)
            customers = RowWriter(
                db, "INSERT INTO customers (id, name, phone, email) VALUES ",
                " ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email",
                columns: 4)
        }

        mutating func finish() throws {
            try records.finish()
            try exceptions.finish()
            try journal.finish()
            try returns.finish()
            try sales.finish()
            try customers.finish()
        }
    }

    /// The record's row, its exceptions, its journal lines and the lookup indexes, as far as they
    /// changed.
    private func store(_ c: ProjectionDelta.RecordChange, _ w: inout RecordWriters) throws {
        let r = c.new
        let key = c.key.description
        w.records.put(key)
        w.records.put(c.key.kind.rawValue)
        w.records.put(EventCodec.vectorText(r.vector))
        w.records.put(r.pending.count)
        if c.exceptionsChanged {
            try db.cachedStatement(sql: "DELETE FROM record_exceptions WHERE record = ?").execute(arguments: [key])
            for e in r.exceptions {
                w.exceptions.put(e.id)
                w.exceptions.put(key)
                w.exceptions.put(e.code)
                w.exceptions.put(e.severity.rawValue)
                w.exceptions.put(e.message)
            }
        }
        if let from = c.journalDeleteFrom {
            try db.cachedStatement(sql: "DELETE FROM journal WHERE record = ? AND position >= ?").execute(arguments: [
                key, from,
            ])
        }
        for row in c.journalInsert {
            w.journal.put(key)
            w.journal.put(row.position)
            w.journal.put(row.reference)
            w.journal.put(row.store.rawValue)
            w.journal.put(row.date.millis)
            w.journal.put(row.memo)
            w.journal.put(row.line.account.rawValue)
            w.journal.put(row.line.amount.minor)
            w.journal.put(row.line.amount.currency.rawValue)
        }
        guard c.indexChanged else { return }
        switch r.body {
        case .returnOrder(let o):
            guard let q = o.request else { break }
            w.returns.put(q.id.rawValue)
            w.returns.put(q.store.rawValue)
            w.returns.put(q.sale?.rawValue)
            w.returns.put(q.customer?.rawValue)
            w.returns.put(o.status.rawValue)
            w.returns.put(q.type.rawValue)
            w.returns.put(q.gross.minor)
            w.returns.put(q.currency.rawValue)
            w.returns.put(q.requestedAt.millis)
        case .sale(let sale):
            w.sales.put(sale.id.rawValue)
            w.sales.put(sale.store.rawValue)
            w.sales.put(sale.customer?.rawValue)
            w.sales.put(sale.soldAt.millis)
            w.sales.put(sale.total.minor)
            w.sales.put(sale.currency.rawValue)
        case .customer(let customer):
            w.customers.put(customer.id.rawValue)
            w.customers.put(customer.name)
            w.customers.put(customer.phone)
            w.customers.put(customer.email)
        default:
            break
        }
    }
}

/// Inserts rows with multi-row statements, `INSERT … VALUES (?, …), (?, …) …` of up to 64 rows
/// each (one statement per row count, prepared once and cached by GRDB), rather than a statement
/// per row: the per-statement work (reset, step, GRDB's bookkeeping) is paid once per 64 rows.
/// The statement texts are literals (`StaticString`), so no value is ever written into the SQL.
///
/// Values are bound and the statement stepped through SQLite's C API on the statement GRDB
/// prepared and caches (`sqliteStatement`, GRDB's documented escape hatch): a value costs one
/// `sqlite3_bind_*` call instead of a trip through `StatementArguments` (which was a third of a hub
/// merge's CPU), and a statement one `sqlite3_step` instead of GRDB's execution bookkeeping, which
/// is about transaction boundaries and observers: an insert inside the caller's transaction moves
/// neither, and no observer is registered. Errors are `DatabaseError`s with SQLite's extended code,
/// as GRDB's would be. Rows given with the same key in one writer are applied in order, as single
/// inserts would be.
package struct RowWriter {
    package static let rowsPerStatement = 64

    /// A value to bind; text and blob bytes live in `bytes`, from `start`, `count` long.
    enum Value {
        case text(start: Int, count: Int)
        case int(Int64)
        case blob(start: Int, count: Int)
        case null
    }

    let db: Database
    let head: StaticString
    let tail: StaticString
    let columns: Int
    private var values: [Value] = []
    /// Every text's UTF-8 and every blob, one after another: bound in place (`SQLITE_STATIC`)
    /// while the statement runs, where binding each value as `SQLITE_TRANSIENT` had SQLite
    /// allocate, copy and free it again (about 5 µs of a return's CPU in a profile).
    private var bytes: [UInt8] = []

    /// Rows of `columns` values for `head` (`INSERT INTO t (a, b) VALUES `), each statement ending
    /// with `tail` (an `ON CONFLICT` clause, or empty).
    package init(_ db: Database, _ head: StaticString, _ tail: StaticString, columns: Int) {
        self.db = db
        self.head = head
        self.tail = tail
        self.columns = columns
    }

    package var isEmpty: Bool { values.isEmpty }

    package mutating func put(_ v: String) {
        let start = bytes.count
        var v = v
        v.withUTF8 { bytes.append(contentsOf: $0) }
        values.append(.text(start: start, count: bytes.count - start))
    }
    package mutating func put(_ v: String?) {
        if let v { put(v) } else { values.append(.null) }
    }
    package mutating func put(_ v: Int64) { values.append(.int(v)) }
    package mutating func put(_ v: Int) { values.append(.int(Int64(v))) }
    package mutating func put(_ v: Data) {
        let start = bytes.count
        bytes.append(contentsOf: v)
        values.append(.blob(start: start, count: v.count))
    }

    /// Writes the rows added so far.
    package mutating func finish() throws {
        precondition(values.count % columns == 0, "a row of the wrong width")
        let rows = values.count / columns
        var done = 0
        while done < rows {
            let n = min(Self.rowsPerStatement, rows - done)
            let statement = try db.cachedStatement(
                sql: RowWriterSQL.shared.text("\(head)", "\(tail)", columns: columns, rows: n))
            let handle = statement.sqliteStatement
            let first = done * columns
            // The bytes stay where they are until the statement is reset, after its step.
            try bytes.withUnsafeBufferPointer { buffer in
                sqlite3_reset(handle)
                for i in 0..<(n * columns) {
                    let index = Int32(i + 1)
                    let code: Int32
                    switch values[first + i] {
                    case .text(let start, let count):
                        if count == 0 {
                            code = sqlite3_bind_text(handle, index, "", 0, nil)
                        } else {
                            code = (buffer.baseAddress! + start).withMemoryRebound(to: CChar.self, capacity: count) {
                                sqlite3_bind_text(handle, index, $0, Int32(count), nil)
                            }
                        }
                    case .int(let v): code = sqlite3_bind_int64(handle, index, v)
                    case .blob(let start, let count):
                        code =
                            count == 0
                            ? sqlite3_bind_zeroblob(handle, index, 0)
                            : sqlite3_bind_blob(handle, index, buffer.baseAddress! + start, Int32(count), nil)
                    case .null: code = sqlite3_bind_null(handle, index)
                    }
                    guard code == SQLITE_OK else {
                        throw DatabaseError(
                            resultCode: ResultCode(rawValue: code), message: "cannot bind argument \(index)",
                            sql: statement.sql)
                    }
                }
                let code = sqlite3_step(handle)
                if code != SQLITE_DONE && code != SQLITE_ROW {
                    let connection = sqlite3_db_handle(handle)
                    let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
                    let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
                    sqlite3_reset(handle)
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: extended), message: message, sql: statement.sql)
                }
                sqlite3_reset(handle)
            }
            done += n
        }
        values.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

}

/// `RowWriter`'s statement texts, each made once.
private final class RowWriterSQL: @unchecked Sendable {
    static let shared = RowWriterSQL()
    private struct Key: Hashable {
        var head: String
        var tail: String
        var columns: Int
        var rows: Int
    }
    private let lock = NSLock()
    private var texts: [Key: String] = [:]

    /// The statement's text. It ends with a comment of its own so that GRDB's statement cache
    /// never hands the same prepared statement to code that binds through `StatementArguments`.
    func text(_ head: String, _ tail: String, columns: Int, rows: Int) -> String {
        let key = Key(head: head, tail: tail, columns: columns, rows: rows)
        lock.lock()
        defer { lock.unlock() }
        if let text = texts[key] { return text }
        let one = "(" + String(repeating: "?, ", count: columns - 1) + "?)"
        let text = head + String(repeating: one + ", ", count: rows - 1) + one + tail + " /* RowWriter */"
        texts[key] = text
        return text
    }
}
