public import Replication

/// One event of the hub's feed with its hub sequence number.
public struct FeedEvent: Hashable, Sendable, Codable {
    /// The event's place in the hub's feed: assigned at commit, increasing, never reused.
    public var hubSeq: UInt64
    public var event: Event

    public init(hubSeq: UInt64, event: Event) {
        self.hubSeq = hubSeq
        self.event = event
    }
}

/// A page of the feed after a checkpoint.
public struct PullPage: Hashable, Sendable, Codable {
    /// The largest page the hub hands out, whatever limit is asked for.
    public static let maxEvents = 1_000

    /// The hub database's epoch; a node that holds a checkpoint of another epoch starts over at 0.
    public var epoch: String
    /// Relevant events in hub-sequence order.
    public var events: [FeedEvent]
    /// The checkpoint to ask from next time. The feed up to it has been considered for this node:
    /// it is the last hub seq in the page when `more`; otherwise the feed's head, which may lie
    /// past the last event included when the rest was not relevant to the node (its own events,
    /// other stores' private records); the checkpoint asked for when the feed has nothing after it.
    public var checkpoint: UInt64
    /// More relevant events wait after `checkpoint`.
    public var more: Bool

    public init(epoch: String, events: [FeedEvent], checkpoint: UInt64, more: Bool) {
        self.epoch = epoch
        self.events = events
        self.checkpoint = checkpoint
        self.more = more
    }
}
