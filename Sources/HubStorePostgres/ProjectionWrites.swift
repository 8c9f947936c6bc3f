import EventCoding
import HubStore
import Logging
import PostgresNIO
import Replication
import ReturnsDomain

/// Writes a batch's `ProjectionDelta` (the one projection contract every backend consumes) with
/// one set-based statement per table: sums move by the delta (rows sorted by key, so concurrent
/// pushes lock them in the same order), and the records' own rows are replaced.
struct ProjectionWrites {
    var delta = ProjectionDelta()
    var states: [RecordState] { delta.records.map(\.new) }

    mutating func add(old: RecordState, new: RecordState) throws { try delta.add(old: old, new: new) }

    /// Writes everything; `keys` are the records' keys (their old rows are replaced).
    func execute(on connection: PostgresConnection, keys: [String], logger: Logger) async throws {
        let stock = delta.sortedStock
        if !stock.isEmpty {
            try await connection.query(
                """
                INSERT INTO stock (store, location, sku, quantity)
                SELECT * FROM unnest(\(stock.map(\.key.store.rawValue)), \(stock.map(\.key.location.rawValue)),
                    \(stock.map(\.key.sku.rawValue)), \(stock.map { Int64($0.delta) }))
                ON CONFLICT (store, location, sku) DO UPDATE SET quantity = stock.quantity + excluded.quantity
                """, logger: logger)
        }
        let lineRows = delta.sortedSaleLines
        if !lineRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO sale_lines (sale, line, sold, returned)
                SELECT * FROM unnest(\(lineRows.map(\.key.sale.rawValue)), \(lineRows.map { Int64($0.key.line) }),
                    \(lineRows.map { Int64($0.delta.sold) }), \(lineRows.map { Int64($0.delta.returned) }))
                ON CONFLICT (sale, line) DO UPDATE SET sold = sale_lines.sold + excluded.sold,
                    returned = sale_lines.returned + excluded.returned
                """, logger: logger)
        }
        let serialRows = delta.sortedSerials
        if !serialRows.isEmpty {
            try await connection.query(
                """
                INSERT INTO serials (sale, serial, sold, returned)
                SELECT * FROM unnest(\(serialRows.map(\.key.sale.rawValue)), \(serialRows.map(\.key.serial)),
                    \(serialRows.map { Int64($0.delta.sold) }), \(serialRows.map { Int64($0.delta.returned) }))
                ON CONFLICT (sale, serial) DO UPDATE SET sold = serials.sold + excluded.sold,
                    returned = serials.returned + excluded.returned
                """, logger: logger)
        }
        let credit = delta.sortedStoreCredit
        if !credit.isEmpty {
            try await connection.query(
                """
                INSERT INTO store_credit (customer, currency, balance)
                SELECT * FROM unnest(\(credit.map(\.key.customer.rawValue)), \(credit.map(\.key.currency.rawValue)),
                    \(credit.map(\.delta)))
                ON CONFLICT (customer, currency) DO UPDATE SET balance = store_credit.balance + excluded.balance
                """, logger: logger)
        }
        let ledger = delta.sortedLedger
        if !ledger.isEmpty {
            try await connection.query(
                """
                INSERT INTO ledger (account, currency, balance)
                SELECT * FROM unnest(\(ledger.map(\.key.account.rawValue)), \(ledger.map(\.key.currency.rawValue)),
                    \(ledger.map(\.delta)))
                ON CONFLICT (account, currency) DO UPDATE SET balance = ledger.balance + excluded.balance
                """, logger: logger)
        }
        try await writeRecords(on: connection, keys: keys, logger: logger)
    }

    /// The records' own rows: version vector, exceptions, journal lines and lookup rows.
    private func writeRecords(on connection: PostgresConnection, keys: [String], logger: Logger) async throws {
        let states = self.states
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
            case .returnOrder(let order):
                if let request = order.request { returns.append(request, status: order.status) }
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
