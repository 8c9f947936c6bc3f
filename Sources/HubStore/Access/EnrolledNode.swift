public import Admission
public import Replication
public import ReturnsDomain

/// An enrolled node as every backend stores it (`hub_nodes`): its credential and its sync progress.
public struct EnrolledNode: Hashable, Sendable {
    public var node: NodeID
    public var store: StoreID?
    public var role: HubRole
    public var revoked: Bool
    public var acked: UInt64
    public var lastPushAt: Int64?
    public var lastPullAt: Int64?
    public var pulledCheckpoint: UInt64

    /// From the stored columns; a role this release does not know is `hub.corrupt`.
    public init(
        node: String, store: String?, role: String, revoked: Bool, acked: Int64, lastPushAt: Int64?, lastPullAt: Int64?,
        pulledCheckpoint: Int64
    ) throws(HubError) {
        guard let known = HubRole(rawValue: role) else {
            throw HubError(code: HubError.Code.corrupt, message: "node \(node) has an unknown role \(role)")
        }
        self.node = NodeID(node)
        self.store = store.map(StoreID.init(rawValue:))
        self.role = known
        self.revoked = revoked
        self.acked = UInt64(acked)
        self.lastPushAt = lastPushAt
        self.lastPullAt = lastPullAt
        self.pulledCheckpoint = UInt64(pulledCheckpoint)
    }

    /// Who this node is when it authors events.
    public var author: EventAuthor { EventAuthor(node: node, role: role.authorRole, store: store) }

    public var credential: HubCredential { HubCredential(node: node, store: store, role: role, revoked: revoked) }

    /// The node as an authenticated party may use it: enrolled (`row` found) and not revoked.
    public static func active(_ row: EnrolledNode?, _ node: NodeID) throws(HubError) -> EnrolledNode {
        guard let row else { throw HubError.unknownNode(node) }
        guard !row.revoked else { throw HubError.revoked(node) }
        return row
    }
}
