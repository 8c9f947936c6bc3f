import EventCoding
import HubStore
import Logging
import PostgresNIO
import Replication
import ReturnsDomain

/// The projection changes of a batch of records, gathered in memory and written with one
/// set-based statement per table: sums move by the difference between each record's old and new
/// contributions (rows sorted by key, so concurrent pushes lock them in the same order), and the
/// records' own rows are replaced.
struct ProjectionWrites {
    var stock: [StockKey: Int] = [:]
    var sold: [SaleLineKey: Int] = [:]
    var returned: [SaleLineKey: Int] = [:]
    var soldSerials: [SaleSerialKey: Int] = [:]
    var returnedSerials: [SaleSerialKey: Int] = [:]
    var storeCredit: [StoreCreditKey: Int64] = [:]
    var ledger: [LedgerKey: Int64] = [:]
    var states: [RecordState] = []

    mutating func add(old: RecordState, new: RecordState) {
        Self.accumulate(&stock, old.contributions.stock, new.contributions.stock)
        Self.accumulate(&sold, old.contributions.sold, new.contributions.sold)
        Self.accumulate(&returned, old.contributions.returned, new.contributions.returned)
        Self.accumulate(&soldSerials, old.contributions.soldSerials, new.contributions.soldSerials)
        Self.accumulate(&returnedSerials, old.contributions.returnedSerials, new.contributions.returnedSerials)
        Self.accumulate(&storeCredit, old.contributions.storeCredit, new.contributions.storeCredit)
        Self.accumulate(&ledger, old.contributions.ledger, new.contributions.ledger)
        states.append(new)
    }

    static func accumulate<K: Hashable, V: BinaryInteger>(_ sum: inout [K: V], _ old: [K: V], _ new: [K: V]) {
        for (k, v) in new { sum[k, default: 0] += v }
        for (k, v) in old { sum[k, default: 0] -= v }
    }

    /// Writes everything; `keys` are the records' keys (their old rows are replaced).
    func execute(on connection: PostgresConnection, keys: [String], logger: Logger) async throws {
        let stock = self.stock.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !stock.isEmpty {
            try await connection.query(
                """
                INSERT INTO stock (store, location, sku, quantity)
                SELECT * FROM unnest(\(stock.map(\.key.store.rawValue)), \(stock.map(\.key.location.rawValue)),
                    \(stock.map(\.key.sku.rawValue)), \(stock.map { Int64($0.value) }))
                ON CONFLICT (store, location, sku) DO UPDATE SET quantity = stock.quantity + excluded.quantity
                """, logger: logger)
        }
        var lines: [SaleLineKey: (sold: Int, returned: Int)] = [:]
        for (k, v) in sold where v != 0 { lines[k, default: (0, 0)].sold += v }
        for (k, v) in returned where v != 0 { lines[k, default: (0, 0)].returned += v }
        let lineRows = lines.sorted { $0.key < $1.key }
        if !lineRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO sale_lines (sale, line, sold, returned)
                SELECT * FROM unnest(\(lineRows.map(\.key.sale.rawValue)), \(lineRows.map { Int64($0.key.line) }),
                    \(lineRows.map { Int64($0.value.sold) }), \(lineRows.map { Int64($0.value.returned) }))
                ON CONFLICT (sale, line) DO UPDATE SET sold = sale_lines.sold + excluded.sold,
                    returned = sale_lines.returned + excluded.returned
                """, logger: logger)
        }
        var serials: [SaleSerialKey: (sold: Int, returned: Int)] = [:]
        for (k, v) in soldSerials where v != 0 { serials[k, default: (0, 0)].sold += v }
        for (k, v) in returnedSerials where v != 0 { serials[k, default: (0, 0)].returned += v }
        let serialRows = serials.sorted { $0.key < $1.key }
        if !serialRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO serials (sale, serial, sold, returned)
                SELECT * FROM unnest(\(serialRows.map(\.key.sale.rawValue)), \(serialRows.map(\.key.serial)),
                    \(serialRows.map { Int64($0.value.sold) }), \(serialRows.map { Int64($0.value.returned) }))
                ON CONFLICT (sale, serial) DO UPDATE SET sold = serials.sold + excluded.sold,
                    returned = serials.returned + excluded.returned
                """, logger: logger)
        }
        let credit = storeCredit.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !credit.isEmpty {
            try await connection.query(
                """
                INSERT INTO store_credit (customer, currency, balance)
                SELECT * FROM unnest(\(credit.map(\.key.customer.rawValue)), \(credit.map(\.key.currency.rawValue)),
                    \(credit.map(\.value)))
                ON CONFLICT (customer, currency) DO UPDATE SET balance = store_credit.balance + excluded.balance
                """, logger: logger)
        }
        let ledger = self.ledger.filter { $0.value != 0 }.sorted { $0.key < $1.key }
        if !ledger.isEmpty {
            try await connection.query(
                """
                INSERT INTO ledger (account, currency, balance)
                SELECT * FROM unnest(\(ledger.map(\.key.account.rawValue)), \(ledger.map(\.key.currency.rawValue)),
                    \(ledger.map(\.value)))
                ON CONFLICT (account, currency) DO UPDATE SET balance = ledger.balance + excluded.balance
                """, logger: logger)
        }
        try await writeRecords(on: connection, keys: keys, logger: logger)
    }

    /// The records' own rows: version vector, exceptions, journal lines and lookup rows.
    private func writeRecords(on connection: PostgresConnection, keys: [String], logger: Logger) async throws {
        try await connection.query(
            """
            UPDATE records SET vector = t.v, pending = t.p
            FROM unnest(\(states.map(\.key.description)), \(states.map { EventCodec.vectorText($0.vector) }),
                \(states.map { Int64($0.pending.count) })) AS t(k, v, p)
            WHERE records.key = t.k
            """, logger: logger)

        try await connection.query("DELETE FROM record_exceptions WHERE record = ANY(\(keys))", logger: logger)
        let exceptions = states.flatMap { s in s.exceptions.map { (s.key.description, $0) } }
        if !exceptions.isEmpty {
            try await connection.query(
                """
                INSERT INTO record_exceptions (id, record, code, severity, message)
                SELECT * FROM unnest(\(exceptions.map(\.1.id)), \(exceptions.map(\.0)), \(exceptions.map(\.1.code)),
                    \(exceptions.map(\.1.severity.rawValue)), \(exceptions.map(\.1.message)))
                """, logger: logger)
        }

        try await connection.query("DELETE FROM journal WHERE record = ANY(\(keys))", logger: logger)
        var journal = JournalColumns()
        for state in states {
            var position: Int64 = 0
            for entry in state.contributions.journal {
                for line in entry.lines {
                    journal.append(record: state.key.description, position: position, entry: entry, line: line)
                    position += 1
                }
            }
        }
        if !journal.record.isEmpty {
            try await connection.query(
                """
                INSERT INTO journal (record, position, reference, store, date, memo, account, amount, currency)
                SELECT * FROM unnest(\(journal.record), \(journal.position), \(journal.reference), \(journal.store),
                    \(journal.date), \(journal.memo), \(journal.account), \(journal.amount), \(journal.currency))
                """, logger: logger)
        }

        var returns = ReturnColumns()
        var sales = SaleColumns()
        var customers = CustomerColumns()
        for state in states {
            switch state.body {
            case .returnOrder(let order): if let request = order.request { returns.append(request, status: order.status) }
            case .sale(let sale): sales.append(sale)
            case .customer(let customer): customers.append(customer)
            default: break
            }
        }
        if !returns.id.isEmpty {
            try await connection.query(
                """
                INSERT INTO returns (id, store, sale, customer, status, type, gross, currency, requested_at)
                SELECT i, st, NULLIF(sa, ''), NULLIF(cu, ''), stat, ty, g, c, r FROM unnest(
                    \(returns.id), \(returns.store), \(returns.sale), \(returns.customer), \(returns.status),
                    \(returns.type), \(returns.gross), \(returns.currency), \(returns.requestedAt)
                ) AS t(i, st, sa, cu, stat, ty, g, c, r)
                ON CONFLICT (id) DO UPDATE SET store = excluded.store, sale = excluded.sale,
                    customer = excluded.customer, status = excluded.status, type = excluded.type,
                    gross = excluded.gross, currency = excluded.currency, requested_at = excluded.requested_at
                """, logger: logger)
        }
        if !sales.id.isEmpty {
            try await connection.query(
                """
                INSERT INTO sales (id, store, customer, sold_at, total, currency)
                SELECT i, st, NULLIF(cu, ''), s, t, c FROM unnest(
                    \(sales.id), \(sales.store), \(sales.customer), \(sales.soldAt), \(sales.total), \(sales.currency)
                ) AS t(i, st, cu, s, t, c)
                ON CONFLICT (id) DO UPDATE SET store = excluded.store, customer = excluded.customer,
                    sold_at = excluded.sold_at, total = excluded.total, currency = excluded.currency
                """, logger: logger)
        }
        if !customers.id.isEmpty {
            try await connection.query(
                """
                INSERT INTO customers (id, name, phone, email)
                SELECT i, NULLIF(n, ''), NULLIF(p, ''), NULLIF(e, '') FROM unnest(
                    \(customers.id), \(customers.name), \(customers.phone), \(customers.email)) AS t(i, n, p, e)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email
                """, logger: logger)
        }
    }
}

// Column arrays for `unnest`: PostgreSQL arrays hold no NULLs here, so an absent text is '' and
// the statement turns it back into NULL.

struct JournalColumns {
    var record: [String] = [], position: [Int64] = [], reference: [String] = [], store: [String] = []
    var date: [Int64] = [], memo: [String] = [], account: [String] = [], amount: [Int64] = [], currency: [String] = []

    mutating func append(record key: String, position index: Int64, entry: JournalEntry, line: JournalLine) {
        record.append(key)
        position.append(index)
        reference.append(entry.reference)
        store.append(entry.store.rawValue)
        date.append(entry.date.millis)
        memo.append(entry.memo)
        account.append(line.account.rawValue)
        amount.append(line.amount.minor)
        currency.append(line.amount.currency.rawValue)
    }
}

struct ReturnColumns {
    var id: [String] = [], store: [String] = [], sale: [String] = [], customer: [String] = [], status: [String] = []
    var type: [String] = [], gross: [Int64] = [], currency: [String] = [], requestedAt: [Int64] = []

    mutating func append(_ q: ReturnRequest, status s: ReturnStatus) {
        id.append(q.id.rawValue)
        store.append(q.store.rawValue)
        sale.append(q.sale?.rawValue ?? "")
        customer.append(q.customer?.rawValue ?? "")
        status.append(s.rawValue)
        type.append(q.type.rawValue)
        gross.append(q.gross.minor)
        currency.append(q.currency.rawValue)
        requestedAt.append(q.requestedAt.millis)
    }
}

struct SaleColumns {
    var id: [String] = [], store: [String] = [], customer: [String] = [], soldAt: [Int64] = [], total: [Int64] = []
    var currency: [String] = []

    mutating func append(_ s: Sale) {
        id.append(s.id.rawValue)
        store.append(s.store.rawValue)
        customer.append(s.customer?.rawValue ?? "")
        soldAt.append(s.soldAt.millis)
        total.append(s.total.minor)
        currency.append(s.currency.rawValue)
    }
}

struct CustomerColumns {
    var id: [String] = [], name: [String] = [], phone: [String] = [], email: [String] = []

    mutating func append(_ c: Customer) {
        id.append(c.id.rawValue)
        name.append(c.name ?? "")
        phone.append(c.phone ?? "")
        email.append(c.email ?? "")
    }
}
