import GRDB
import ReplicaStore
import Replication
import ReturnsDomain

/// The exceptions queue from the projection tables, equal to `ReplicaState.exceptions` of the
/// same events: codes, records, dots and messages alike, so that an exception's id is the same
/// on the hub as on any replica that folds the events.
///
/// (`NodeReader.exceptions()` is the node's own cheaper view: it leaves out the dots of
/// over-returns and the serial check, so its ids differ.)
struct HubExceptions {
    let db: Database
    let reader: ReplicaReader

    func all() throws -> [ReplicationException] {
        var out: [ReplicationException] = []
        // Records' own exceptions, re-derived by folding the (few) records that have any.
        for text in try String.fetchAll(db, sql: "SELECT DISTINCT record FROM record_exceptions") {
            guard let key = RecordKey(text) else { continue }
            out += try reader.record(key)?.exceptions ?? []
        }
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT sl.sale, sl.line, sl.sold, sl.returned FROM sale_lines sl JOIN sales s ON s.id = sl.sale WHERE sl.returned > sl.sold"
        ) {
            let line = SaleLineKey(sale: SaleID(row["sale"] as String), line: row["line"])
            out.append(
                ReplicationException(
                    code: "return.overReturn", record: .sale(line.sale), dots: try overReturnDots(line),
                    message: "line \(line.line): \(row["returned"] as Int) returned but \(row["sold"] as Int) sold"))
        }
        for row in try Row.fetchAll(db, sql: "SELECT sale, serial, returned FROM serials WHERE returned > 1") {
            out.append(
                ReplicationException(
                    code: "return.serialReturnedTwice", record: .sale(SaleID(row["sale"] as String)), dots: [],
                    message: "serial \(row["serial"] as String) returned \(row["returned"] as Int) times"))
        }
        for row in try Row.fetchAll(db, sql: "SELECT customer, currency, balance FROM store_credit WHERE balance < 0") {
            let customer = CustomerID(row["customer"] as String)
            out.append(
                ReplicationException(
                    code: "storeCredit.overdrawn", record: .storeCredit(customer), dots: [],
                    message:
                        "store credit of \(customer) is \(Money(row["balance"], Currency(row["currency"] as String)))"))
        }
        return out.sorted()
    }

    /// The first steps of the returns that hold quantity on the sale line, as the fold names them.
    private func overReturnDots(_ line: SaleLineKey) throws -> [Dot] {
        try String.fetchAll(db, sql: "SELECT id FROM returns WHERE sale = ?", arguments: [line.sale.rawValue])
            .compactMap { id in
                guard let r = try reader.returnState(ReturnID(id)), r.holdsQuantity,
                    r.request?.lines.contains(where: { $0.saleLine == line.line }) == true
                else { return nil }
                return r.steps.first?.dot
            }.sorted()
    }
}
