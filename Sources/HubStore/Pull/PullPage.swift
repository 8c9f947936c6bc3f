public import SyncProtocol

/// One event of the feed with its hub sequence number; the wire type of the sync protocol.
public typealias FeedEvent = FeedEntry

/// A page of the feed; the wire type of the sync protocol.
public typealias PullPage = PullResponse

extension PullResponse {
    /// The most events one page carries.
    public static let maxEvents = 1_000
}
