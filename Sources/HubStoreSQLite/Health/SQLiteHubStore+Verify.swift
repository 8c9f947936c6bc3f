import GRDB
public import HubStore
import ReplicaStore
import Replication

extension SQLiteHubStore {
    /// The replica's own verification (projections against a rebuild from the events, and
    /// `PRAGMA integrity_check`), then the hub's bookkeeping in one snapshot: one feed entry per
    /// event, hub seqs 1…n without holes, each node's acknowledged seq equal to the contiguous
    /// seqs held from it, and the exceptions queue equal to the fold's.
    ///
    /// Reads and folds every event in memory: an operator's check, not a request handler.
    public func verify() async throws -> HubVerificationReport {
        let database = self.database
        let replica = try await Task.detached { try database.verify() }.value
        let identity = database.identity
        let hub = try await database.writer.read { db -> (feed: Int, mismatches: [String]) in
            var mismatches: [String] = []
            let (count, first, last) =
                try Row.fetchOne(db, sql: "SELECT COUNT(*), MIN(hub_seq), MAX(hub_seq) FROM hub_feed")
                .map { ($0[0] as Int, ($0[1] as Int64?) ?? 1, ($0[2] as Int64?) ?? 0) } ?? (0, 1, 0)
            if first != 1 || last != Int64(count) {
                mismatches.append("feed: \(count) entries numbered \(first)…\(last), not 1…\(count)")
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT e.node, e.seq FROM events e LEFT JOIN hub_feed f ON f.node = e.node AND f.seq = e.seq WHERE f.hub_seq IS NULL ORDER BY e.node, e.seq LIMIT 20"
            ) {
                mismatches.append("feed: event \(row["node"] as String)#\(row["seq"] as Int64) has no entry")
            }
            for row in try Row.fetchAll(
                db,
                sql:
                    "SELECT f.hub_seq, f.node, f.seq FROM hub_feed f LEFT JOIN events e ON e.node = f.node AND e.seq = f.seq WHERE e.node IS NULL ORDER BY f.hub_seq LIMIT 20"
            ) {
                mismatches.append(
                    "feed: entry \(row["hub_seq"] as Int64) names \(row["node"] as String)#\(row["seq"] as Int64), which the hub does not hold"
                )
            }
            var held: [String: (count: Int64, max: Int64)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT node, COUNT(*), MAX(seq) FROM events GROUP BY node") {
                held[row[0]] = (row[1], row[2])
            }
            var enrolled = Set<String>()
            for row in try Row.fetchAll(db, sql: "SELECT node, acked FROM hub_nodes") {
                let node: String = row["node"]
                let acked: Int64 = row["acked"]
                enrolled.insert(node)
                let h = held[node] ?? (0, 0)
                if h.count != acked || h.max != acked {
                    mismatches.append("node \(node): acknowledged \(acked), holds \(h.count) events up to seq \(h.max)")
                }
            }
            // The hub authors events itself (returns the online channel submits); its own seqs are
            // checked by the replica's verification like any node's.
            for node in held.keys.sorted() where !enrolled.contains(node) && node != identity.node.rawValue {
                mismatches.append("node \(node): the hub holds its events but it is not enrolled")
            }
            let reader = ReplicaReader(db: db, identity: identity)
            let folded = ReplicaState.fold(try reader.allEvents()).exceptions
            let derived = try HubExceptions(db: db, reader: reader).all()
            for id in Set(folded.map(\.id)).symmetricDifference(derived.map(\.id)).sorted() {
                mismatches.append(
                    "exception \(id): \(folded.contains { $0.id == id } ? "missing from" : "extra in") the hub's queue")
            }
            if Set(folded.map(\.id)) == Set(derived.map(\.id)) && folded != derived {
                mismatches.append("exceptions: the hub's queue differs from the fold's in severity or message")
            }
            return (count, mismatches)
        }
        return HubVerificationReport(
            integrity: replica.integrity, events: replica.events, records: replica.records, feed: hub.feed,
            mismatches: replica.mismatches + hub.mismatches)
    }
}
