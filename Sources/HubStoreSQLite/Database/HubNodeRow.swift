import GRDB
import HubStore
import Replication
import ReturnsDomain

/// A row of `hub_nodes`.
typealias HubNodeRow = EnrolledNode

extension EnrolledNode {
    static let columns = "node, store, role, revoked, acked, last_push_at, last_pull_at, pulled_checkpoint"

    init(_ row: Row) throws {
        try self.init(
            node: row["node"], store: row["store"], role: row["role"], revoked: row["revoked"], acked: row["acked"],
            lastPushAt: row["last_push_at"], lastPullAt: row["last_pull_at"], pulledCheckpoint: row["pulled_checkpoint"]
        )
    }

    static func fetch(_ db: Database, _ node: NodeID) throws -> HubNodeRow? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM hub_nodes WHERE node = ?"), arguments: [node.rawValue]
        )
        .map(HubNodeRow.init)
    }

    /// The node as an authenticated party may use it: enrolled and not revoked.
    static func active(_ db: Database, _ node: NodeID) throws -> HubNodeRow {
        try active(try fetch(db, node), node)
    }
}

extension Database {
    /// The feed's head: the highest hub sequence number handed out, 0 when empty.
    func feedHead() throws -> UInt64 {
        UInt64(try Int64.fetchOne(self, sql: "SELECT COALESCE(MAX(hub_seq), 0) FROM hub_feed") ?? 0)
    }
}
