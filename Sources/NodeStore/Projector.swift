import Foundation
import GRDB
import Replication
import ReturnsDomain

/// Keeps the projection tables equal to the fold of the events, one record at a time: re-folds the
/// touched record, takes its old contributions out of the sums and puts the new ones in.
struct Projector {
    let db: Database

    func events(of record: RecordKey) throws -> [Event] { try eventsWithBodies(of: record).events }

    /// The record's events in (node, seq) order, with the bytes they are stored as.
    func eventsWithBodies(of record: RecordKey) throws -> (events: [Event], bodies: [Data]) {
        let key = record.description
        let bodies = try Data.fetchAll(db.cachedStatement(sql: "SELECT body FROM events WHERE record = ? ORDER BY node, seq"), arguments: [key])
        return (try DecodedEventCache.shared.events(of: key, bodies: bodies), bodies)
    }

    /// Moves the tables from the record's `old` state to its `new` one: sums by difference, the
    /// record's own rows by replacement.
    func apply(old: RecordState, new: RecordState) throws {
        try applyDelta(old: old.contributions, new: new.contributions)
        try store(new)
    }

    func applyDelta(old: Contributions, new: Contributions) throws {
        for (k, d) in diff(old.stock, new.stock) {
            try db.cachedStatement(sql: "INSERT INTO stock (store, location, sku, quantity) VALUES (?, ?, ?, ?) ON CONFLICT (store, location, sku) DO UPDATE SET quantity = quantity + excluded.quantity")
                .execute(arguments: [k.store.rawValue, k.location.rawValue, k.sku.rawValue, d])
        }
        for (k, d) in diff(old.sold, new.sold) { try saleLine(k, sold: d, returned: 0) }
        for (k, d) in diff(old.returned, new.returned) { try saleLine(k, sold: 0, returned: d) }
        for (k, d) in diff(old.soldSerials, new.soldSerials) { try serial(k, sold: d, returned: 0) }
        for (k, d) in diff(old.returnedSerials, new.returnedSerials) { try serial(k, sold: 0, returned: d) }
        for (k, d) in diff(old.storeCredit, new.storeCredit) {
            try db.cachedStatement(sql: "INSERT INTO store_credit (customer, currency, balance) VALUES (?, ?, ?) ON CONFLICT (customer, currency) DO UPDATE SET balance = balance + excluded.balance")
                .execute(arguments: [k.customer.rawValue, k.currency.rawValue, d])
        }
        for (k, d) in diff(old.ledger, new.ledger) {
            try db.cachedStatement(sql: "INSERT INTO ledger (account, currency, balance) VALUES (?, ?, ?) ON CONFLICT (account, currency) DO UPDATE SET balance = balance + excluded.balance")
                .execute(arguments: [k.account.rawValue, k.currency.rawValue, d])
        }
    }

    func saleLine(_ k: SaleLineKey, sold: Int, returned: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO sale_lines (sale, line, sold, returned) VALUES (?, ?, ?, ?) ON CONFLICT (sale, line) DO UPDATE SET sold = sold + excluded.sold, returned = returned + excluded.returned")
            .execute(arguments: [k.sale.rawValue, k.line, sold, returned])
    }

    func serial(_ k: SaleSerialKey, sold: Int, returned: Int) throws {
        try db.cachedStatement(sql: "INSERT INTO serials (sale, serial, sold, returned) VALUES (?, ?, ?, ?) ON CONFLICT (sale, serial) DO UPDATE SET sold = sold + excluded.sold, returned = returned + excluded.returned")
            .execute(arguments: [k.sale.rawValue, k.serial, sold, returned])
    }

    func diff<K: Hashable, V: BinaryInteger>(_ old: [K: V], _ new: [K: V]) -> [(K, V)] {
        var out: [K: V] = new
        for (k, v) in old { out[k, default: 0] -= v }
        return out.filter { $0.value != 0 }.map { ($0.key, $0.value) }
    }

    /// Writes the record's row, its exceptions, its journal lines and the lookup indexes.
    func store(_ r: RecordState) throws {
        let key = r.key.description
        try db.cachedStatement(sql: "INSERT INTO records (key, kind, vector, pending) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET vector = excluded.vector, pending = excluded.pending")
            .execute(arguments: [key, r.key.kind.rawValue, EventCodec.vectorText(r.vector), r.pending.count])
        try db.cachedStatement(sql: "DELETE FROM record_exceptions WHERE record = ?").execute(arguments: [key])
        for e in r.exceptions {
            try db.cachedStatement(sql: "INSERT INTO record_exceptions (id, record, code, severity, message) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [e.id, key, e.code, e.severity.rawValue, e.message])
        }
        try db.cachedStatement(sql: "DELETE FROM journal WHERE record = ?").execute(arguments: [key])
        var position = 0
        for entry in r.contributions.journal {
            for line in entry.lines {
                try db.cachedStatement(sql: "INSERT INTO journal (record, position, reference, store, date, memo, account, amount, currency) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .execute(arguments: [key, position, entry.reference, entry.store.rawValue, entry.date.millis, entry.memo, line.account.rawValue, line.amount.minor, line.amount.currency.rawValue])
                position += 1
            }
        }
        switch r.body {
        case .returnOrder(let o):
            guard let q = o.request else { break }
            try db.cachedStatement(sql: "INSERT INTO returns (id, store, sale, customer, status, type, gross, currency, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET status = excluded.status, store = excluded.store, sale = excluded.sale, customer = excluded.customer, type = excluded.type, gross = excluded.gross, currency = excluded.currency, requested_at = excluded.requested_at")
                .execute(arguments: [q.id.rawValue, q.store.rawValue, q.sale?.rawValue, q.customer?.rawValue, o.status.rawValue, q.type.rawValue, q.gross.minor, q.currency.rawValue, q.requestedAt.millis])
        case .sale(let s):
            try db.cachedStatement(sql: "INSERT INTO sales (id, store, customer, sold_at, total, currency) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET store = excluded.store, customer = excluded.customer, sold_at = excluded.sold_at, total = excluded.total, currency = excluded.currency")
                .execute(arguments: [s.id.rawValue, s.store.rawValue, s.customer?.rawValue, s.soldAt.millis, s.total.minor, s.currency.rawValue])
        case .customer(let c):
            try db.cachedStatement(sql: "INSERT INTO customers (id, name, phone, email) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email")
                .execute(arguments: [c.id.rawValue, c.name, c.phone, c.email])
        default:
            break
        }
    }
}
