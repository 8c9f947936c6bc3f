import EventCoding
import Foundation
import GRDB
import Replication
import ReturnsDomain

/// What `returnsync node verify` found.
public struct VerificationReport: Hashable, Sendable, Codable {
    /// `PRAGMA integrity_check`'s answer: "ok" when the file is sound.
    public var integrity: String
    public var events: Int
    public var records: Int
    public var outbox: Int
    /// Every difference between the maintained projections and a rebuild from the events.
    public var mismatches: [String]
    public var isOK: Bool { integrity == "ok" && mismatches.isEmpty }
}

extension ReplicaDatabase {
    /// Rebuilds every projection from the events in memory and compares it with the tables,
    /// and checks the file with `PRAGMA integrity_check` and the outbox against the log.
    public func verify() throws -> VerificationReport {
        try writer.read { db in
            let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            let reader = ReplicaReader(db: db, identity: identity)
            let events = try reader.allEvents()
            let state = ReplicaState.fold(events)
            var mismatches: [String] = []
            func compare<K: Hashable & Comparable, V: Equatable>(_ name: String, _ table: [K: V], _ expected: [K: V]) {
                for k in Set(table.keys).union(expected.keys).sorted() where table[k] != expected[k] {
                    mismatches.append(
                        "\(name) \(k): table \(table[k].map { "\($0)" } ?? "none"), events \(expected[k].map { "\($0)" } ?? "none")"
                    )
                }
            }
            var stock: [StockKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT store, location, sku, quantity FROM stock WHERE quantity != 0")
            {
                stock[
                    StockKey(
                        store: StoreID(row["store"] as String), location: StockLocation(rawValue: row["location"])!,
                        sku: SKU(row["sku"] as String))] = row["quantity"]
            }
            compare("stock", stock, state.stock)
            var sold: [SaleLineKey: Int] = [:]
            var returned: [SaleLineKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sale, line, sold, returned FROM sale_lines") {
                let k = SaleLineKey(sale: SaleID(row["sale"] as String), line: row["line"])
                if (row["sold"] as Int) != 0 { sold[k] = row["sold"] }
                if (row["returned"] as Int) != 0 { returned[k] = row["returned"] }
            }
            compare("sold", sold, state.sold)
            compare("returned", returned, state.returned)
            var soldSerials: [SaleSerialKey: Int] = [:]
            var returnedSerials: [SaleSerialKey: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT sale, serial, sold, returned FROM serials") {
                let k = SaleSerialKey(sale: SaleID(row["sale"] as String), serial: row["serial"])
                if (row["sold"] as Int) != 0 { soldSerials[k] = row["sold"] }
                if (row["returned"] as Int) != 0 { returnedSerials[k] = row["returned"] }
            }
            compare("soldSerial", soldSerials, state.soldSerials)
            compare("returnedSerial", returnedSerials, state.returnedSerials)
            var credit: [StoreCreditKey: Int64] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT customer, currency, balance FROM store_credit WHERE balance != 0")
            {
                credit[
                    StoreCreditKey(
                        customer: CustomerID(row["customer"] as String), currency: Currency(row["currency"] as String))] =
                    row["balance"]
            }
            compare("storeCredit", credit, state.storeCredit)
            compare("ledger", try reader.ledger(), state.ledger)

            var records: [RecordKey: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT key, vector, pending FROM records") {
                records[RecordKey(row["key"] as String)!] =
                    "\(row["vector"] as String) pending=\(row["pending"] as Int)"
            }
            var expectedRecords: [RecordKey: String] = [:]
            var expectedExceptions: [String: String] = [:]
            var expectedJournal: [String: String] = [:]
            for (key, r) in state.records {
                expectedRecords[key] = "\(EventCodec.vectorText(r.vector)) pending=\(r.pending.count)"
                for e in r.exceptions { expectedExceptions[e.id] = e.code }
                var position = 0
                for entry in r.contributions.journal {
                    for line in entry.lines {
                        expectedJournal["\(key)#\(position)"] =
                            "\(entry.reference) \(line.account.rawValue) \(line.amount.minor) \(line.amount.currency)"
                        position += 1
                    }
                }
            }
            compare("record", records, expectedRecords)
            var exceptions: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, code FROM record_exceptions") {
                exceptions[row["id"]] = row["code"]
            }
            compare("exception", exceptions, expectedExceptions)
            var journal: [String: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT record, position, reference, account, amount, currency FROM journal")
            {
                journal["\(row["record"] as String)#\(row["position"] as Int)"] =
                    "\(row["reference"] as String) \(row["account"] as String) \(row["amount"] as Int64) \(row["currency"] as String)"
            }
            compare("journal", journal, expectedJournal)
            var statuses: [String: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, status FROM returns") {
                statuses[row["id"]] = row["status"]
            }
            var expectedStatuses: [String: String] = [:]
            for r in state.records.values {
                if let o = r.returnOrder, let q = o.request { expectedStatuses[q.id.rawValue] = o.status.rawValue }
            }
            compare("returnIndex", statuses, expectedStatuses)

            // This node's seqs have no gaps, and the outbox (own events above the acknowledged seq)
            // starts inside them.
            let own = events.filter { $0.dot.node == identity.node }.map(\.dot.seq).sorted()
            let lastSeq = UInt64(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'seq'") ?? "0") ?? 0
            if own != Array(stride(from: own.first ?? 1, through: lastSeq, by: 1)) || (own.last ?? 0) != lastSeq {
                mismatches.append("own events are not the contiguous seqs up to \(lastSeq)")
            }
            let acked = try Int64.fetchOne(
                db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox.acked'")
            if let acked, acked < 0 || UInt64(acked) > lastSeq {
                mismatches.append("the outbox starts after seq \(acked), which is not in the log")
            } else if acked == nil {
                mismatches.append("meta outbox.acked missing")
            }
            return VerificationReport(
                integrity: integrity, events: events.count, records: state.records.count,
                outbox: try reader.outboxCount(), mismatches: mismatches)
        }
    }
}
