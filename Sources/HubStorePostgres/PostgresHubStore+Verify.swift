import EventCoding
public import HubStore
import Logging
import PostgresNIO
import Replication
import ReturnsDomain

extension PostgresHubStore {
    /// In one snapshot: the projections against a fold of every event, the feed numbered 1…n
    /// without holes, each node's acknowledged seq equal to the contiguous seqs held from it, and
    /// the exceptions queue equal to the fold's. (`integrity` is `ok` when PostgreSQL answered:
    /// page-level checks are the server's own business, e.g. `amcheck`.)
    ///
    /// Reads and folds every event in memory: an operator's check, not a request handler.
    public func verify() async throws -> HubVerificationReport {
        let logger = self.logger
        return try await snapshot { connection in
            let reader = PostgresReader(connection: connection, logger: logger)
            let events = try await reader.allEvents()
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
            for row in try await reader.stock(sku: nil, store: nil) { stock[row.key] = row.quantity }
            compare("stock", stock, state.stock)
            var sold: [SaleLineKey: Int] = [:]
            var returned: [SaleLineKey: Int] = [:]
            for try await (sale, line, s, r) in try await connection.query(
                "SELECT sale, line, sold, returned FROM sale_lines", logger: logger
            ).decode((String, Int64, Int64, Int64).self) {
                let k = SaleLineKey(sale: SaleID(sale), line: Int(line))
                if s != 0 { sold[k] = Int(s) }
                if r != 0 { returned[k] = Int(r) }
            }
            compare("sold", sold, state.sold)
            compare("returned", returned, state.returned)
            var soldSerials: [SaleSerialKey: Int] = [:]
            var returnedSerials: [SaleSerialKey: Int] = [:]
            for try await (sale, serial, s, r) in try await connection.query(
                "SELECT sale, serial, sold, returned FROM serials", logger: logger
            ).decode((String, String, Int64, Int64).self) {
                let k = SaleSerialKey(sale: SaleID(sale), serial: serial)
                if s != 0 { soldSerials[k] = Int(s) }
                if r != 0 { returnedSerials[k] = Int(r) }
            }
            compare("soldSerial", soldSerials, state.soldSerials)
            compare("returnedSerial", returnedSerials, state.returnedSerials)
            var credit: [StoreCreditKey: Int64] = [:]
            for try await (customer, currency, balance) in try await connection.query(
                "SELECT customer, currency, balance FROM store_credit WHERE balance <> 0", logger: logger
            ).decode((String, String, Int64).self) {
                credit[StoreCreditKey(customer: CustomerID(customer), currency: Currency(currency))] = balance
            }
            compare("storeCredit", credit, state.storeCredit)
            compare("ledger", try await reader.ledger(), state.ledger)
            var records: [RecordKey: String] = [:]
            for try await (key, vector, pending) in try await connection.query(
                "SELECT key, vector, pending FROM records", logger: logger
            ).decode((String, String, Int32).self) {
                if let k = RecordKey(key) { records[k] = "\(vector) pending=\(pending)" }
            }
            var expected: [RecordKey: String] = [:]
            for (key, r) in state.records {
                expected[key] = "\(EventCodec.vectorText(r.vector)) pending=\(r.pending.count)"
            }
            compare("record", records, expected)

            // The hub's bookkeeping.
            let head = try await Self.feedHead(connection, logger: logger)
            let rows = try await connection.query(
                "SELECT COUNT(*), COALESCE(MIN(hub_seq), 1), COALESCE(MAX(hub_seq), 0) FROM hub_events", logger: logger
            ).collect()
            var (count, first, last): (Int64, Int64, Int64) = (0, 1, 0)
            if let row = rows.first { (count, first, last) = try row.decode((Int64, Int64, Int64).self) }
            if first != 1 || last != count || UInt64(last) != head {
                mismatches.append("feed: \(count) events numbered \(first)…\(last) with head \(head), not 1…\(count)")
            }
            var held: [String: (count: Int64, max: Int64)] = [:]
            for try await (node, n, top) in try await connection.query(
                "SELECT node, COUNT(*), MAX(seq) FROM hub_events GROUP BY node", logger: logger
            ).decode((String, Int64, Int64).self) {
                held[node] = (n, top)
            }
            var enrolled = Set<String>()
            for member in try await PostgresNodeRow.all(connection, logger: logger) {
                let node = member.node.rawValue
                enrolled.insert(node)
                let h = held[node] ?? (0, 0)
                if h.count != Int64(member.acked) || h.max != Int64(member.acked) {
                    mismatches.append(
                        "node \(node): acknowledged \(member.acked), holds \(h.count) events up to seq \(h.max)")
                }
            }
            if let own = held[Self.hubNode.rawValue], own.count != own.max {
                mismatches.append("node \(Self.hubNode): holds \(own.count) of its own events up to seq \(own.max)")
            }
            for node in held.keys.sorted() where !enrolled.contains(node) && node != Self.hubNode.rawValue {
                mismatches.append("node \(node): the hub holds its events but it is not enrolled")
            }
            let folded = state.exceptions
            let derived = try await reader.exceptions()
            for id in Set(folded.map(\.id)).symmetricDifference(derived.map(\.id)).sorted() {
                mismatches.append(
                    "exception \(id): \(folded.contains { $0.id == id } ? "missing from" : "extra in") the hub's queue")
            }
            if Set(folded.map(\.id)) == Set(derived.map(\.id)) && folded != derived {
                mismatches.append("exceptions: the hub's queue differs from the fold's in severity or message")
            }
            return HubVerificationReport(
                integrity: "ok", events: events.count, records: state.records.count, feed: Int(count),
                mismatches: mismatches)
        }
    }
}
