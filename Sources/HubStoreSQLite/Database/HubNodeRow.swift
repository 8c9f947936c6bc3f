import Admission
import GRDB
import HubStore
import Replication
import ReturnsDomain

/// A row of `hub_nodes`.
struct HubNodeRow {
    var node: NodeID
    var store: StoreID?
    var role: HubRole
    var revoked: Bool
    var acked: UInt64
    var lastPushAt: Int64?
    var lastPullAt: Int64?
    var pulledCheckpoint: UInt64

    /// Who this node is when it authors events.
    var author: EventAuthor { EventAuthor(node: node, role: role.authorRole, store: store) }

    static let columns = "node, store, role, revoked, acked, last_push_at, last_pull_at, pulled_checkpoint"

    init(_ row: Row) throws {
        node = NodeID(row["node"] as String)
        store = (row["store"] as String?).map(StoreID.init(rawValue:))
        guard let role = HubRole(rawValue: row["role"]) else {
            throw HubError(
                code: HubError.Code.corrupt, message: "node \(node) has an unknown role \(row["role"] as String)")
        }
        self.role = role
        revoked = row["revoked"]
        acked = UInt64(row["acked"] as Int64)
        lastPushAt = row["last_push_at"]
        lastPullAt = row["last_pull_at"]
        pulledCheckpoint = UInt64(row["pulled_checkpoint"] as Int64)
    }

    static func fetch(_ db: Database, _ node: NodeID) throws -> HubNodeRow? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT \(columns) FROM hub_nodes WHERE node = ?"), arguments: [node.rawValue]
        )
        .map(HubNodeRow.init)
    }

    /// The node as an authenticated party may use it: enrolled and not revoked.
    static func active(_ db: Database, _ node: NodeID) throws -> HubNodeRow {
        guard let row = try fetch(db, node) else { throw HubError.unknownNode(node) }
        guard !row.revoked else { throw HubError.revoked(node) }
        return row
    }

    var credential: HubCredential { HubCredential(node: node, store: store, role: role, revoked: revoked) }
}

extension Database {
    /// The feed's head: the highest hub sequence number handed out, 0 when empty.
    func feedHead() throws -> UInt64 {
        UInt64(try Int64.fetchOne(self, sql: "SELECT COALESCE(MAX(hub_seq), 0) FROM hub_feed") ?? 0)
    }
}
