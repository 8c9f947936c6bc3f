public import Foundation
public import Replication

/// The hub's answer to a push: every event up to `acked` from this node is durably held.
public struct PushResponse: Hashable, Sendable, Codable {
    /// Highest contiguous seq the hub holds from the pushing node.
    public var acked: UInt64
    /// New events stored by this push.
    public var applied: Int
    /// Events the hub already held with identical content (re-sent after a lost answer).
    public var duplicates: Int
    /// The hub database's epoch.
    public var epoch: String
    public init(acked: UInt64, applied: Int, duplicates: Int, epoch: String) {
        self.acked = acked
        self.applied = applied
        self.duplicates = duplicates
        self.epoch = epoch
    }
}

/// One event of the hub's feed with its hub sequence number.
public struct FeedEntry: Hashable, Sendable, Codable {
    public var hubSeq: UInt64
    public var event: Event
    /// The event's JSON as the hub stores it or as it arrived, when known: a node stores these
    /// bytes instead of encoding the event again. Not part of the wire format, nor of equality.
    public var body: Data?
    public init(hubSeq: UInt64, event: Event, body: Data? = nil) {
        self.hubSeq = hubSeq
        self.event = event
        self.body = body
    }

    enum CodingKeys: String, CodingKey { case hubSeq, event }

    public static func == (a: FeedEntry, b: FeedEntry) -> Bool { a.hubSeq == b.hubSeq && a.event == b.event }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(hubSeq)
        hasher.combine(event)
    }
}

/// A node's report that it refused an event of the feed (`POST /sync/v1/refusals`): the event,
/// the rule it failed (`admission.*`) and why. The hub records it as an incident for head office.
public struct FeedRefusalReport: Hashable, Sendable, Codable {
    public var dot: Dot
    public var code: String
    public var message: String
    public init(dot: Dot, code: String, message: String) {
        self.dot = dot
        self.code = code
        self.message = message
    }
}

/// A page of the feed after a checkpoint.
public struct PullResponse: Hashable, Sendable, Codable {
    public var epoch: String
    public var events: [FeedEntry]
    /// The checkpoint to ask from next time: the last hub seq in this page, or the head of the
    /// feed when nothing more is relevant to this node (so it never rescans what it may not see).
    public var checkpoint: UInt64
    /// More events wait after `checkpoint`.
    public var more: Bool
    /// The highest contiguous seq the hub holds from the pulling node: a node that holds fewer of
    /// its own events was restored from an older backup (Protocol/sync.md §3). Absent from older hubs.
    public var acked: UInt64?
    public init(epoch: String, events: [FeedEntry], checkpoint: UInt64, more: Bool, acked: UInt64? = nil) {
        self.epoch = epoch
        self.events = events
        self.checkpoint = checkpoint
        self.more = more
        self.acked = acked
    }
}

/// An RFC 9457 problem as the hub sends it, with the sync fields a node acts on.
public struct ProblemDetails: Hashable, Sendable, Codable, Error, CustomStringConvertible {
    public var type: String
    public var title: String
    public var status: Int
    public var detail: String
    /// Stable code: `sync.gap`, `sync.dotConflict`, `sync.forgedAuthor`, `auth.revoked`, …
    public var code: String
    /// With `sync.gap`: the seq the hub expects next from this node.
    public var expectedSeq: UInt64?
    public init(code: String, status: Int, title: String, detail: String, expectedSeq: UInt64? = nil) {
        self.type = "urn:returnsync:problem:\(code)"
        self.title = title
        self.status = status
        self.detail = detail
        self.code = code
        self.expectedSeq = expectedSeq
    }
    public var description: String { "\(code): \(detail)" }
}

/// The sync routes, so server and client name them once.
public enum SyncRoutes {
    public static let push = "/sync/v1/push"
    public static let pull = "/sync/v1/pull"
    /// Escrow claims (DESIGN §4): a store node claims returnable quantities of another store's sale.
    public static let escrowClaims = "/sync/v1/escrow/claims"
    /// A node's report of a feed event it refused (an incident for head office).
    public static let refusals = "/sync/v1/refusals"
    /// Largest change set a node may push (events).
    public static let maxChangeSetEvents = 1_000
}
