public import Replication
public import ReturnsDomain

/// One enrolled node's sync health, for head office's dashboard.
public struct NodeSyncStatus: Hashable, Sendable, Codable {
    public var node: NodeID
    public var store: StoreID?
    public var role: HubRole
    /// The highest contiguous seq the hub holds from this node.
    public var acked: UInt64
    /// Wall-clock milliseconds of the last accepted push, nil before the first.
    public var lastPushAt: Int64?
    /// Wall-clock milliseconds of the last pull, nil before the first.
    public var lastPullAt: Int64?
    /// The checkpoint the node's latest pull handed out (it moves back if the node asks again
    /// from an earlier one, e.g. after restoring a backup).
    public var pulledCheckpoint: UInt64
    /// How far the node's pulls are behind the feed: the hub's head minus `pulledCheckpoint`.
    public var lag: UInt64
    public var revoked: Bool

    public init(
        node: NodeID, store: StoreID?, role: HubRole, acked: UInt64, lastPushAt: Int64?, lastPullAt: Int64?,
        pulledCheckpoint: UInt64, lag: UInt64, revoked: Bool
    ) {
        self.node = node
        self.store = store
        self.role = role
        self.acked = acked
        self.lastPushAt = lastPushAt
        self.lastPullAt = lastPullAt
        self.pulledCheckpoint = pulledCheckpoint
        self.lag = lag
        self.revoked = revoked
    }
}
