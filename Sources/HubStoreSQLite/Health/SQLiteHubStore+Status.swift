import GRDB
public import HubStore
import ReplicaStore
import Replication

extension SQLiteHubStore {
    public func syncStatus() async throws -> [NodeSyncStatus] {
        try await database.writer.read { db in
            let head = try db.feedHead()
            return try Row.fetchAll(db, sql: "SELECT \(HubNodeRow.columns) FROM hub_nodes ORDER BY node").map { row in
                let n = try HubNodeRow(row)
                return NodeSyncStatus(
                    node: n.node, store: n.store, role: n.role, acked: n.acked, lastPushAt: n.lastPushAt,
                    lastPullAt: n.lastPullAt, pulledCheckpoint: n.pulledCheckpoint,
                    lag: head > n.pulledCheckpoint ? head - n.pulledCheckpoint : 0, revoked: n.revoked)
            }
        }
    }

    public func incidents() async throws -> [HubIncident] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql:
                    "SELECT id, code, node, seq, offered_digest, message, first_at, last_at, occurrences FROM hub_incidents ORDER BY last_at DESC, id DESC"
            ).map { row in
                let node = NodeID(row["node"] as String)
                return HubIncident(
                    id: row["id"], code: row["code"], node: node,
                    dot: Dot(node: node, seq: UInt64(row["seq"] as Int64)),
                    offeredDigest: row["offered_digest"], firstSeenAt: row["first_at"], lastSeenAt: row["last_at"],
                    occurrences: row["occurrences"], message: row["message"])
            }
        }
    }
}
