public import Replication

/// The hub's feed for the hub's own services (`HubFeedTail`): every event the hub has merged, in
/// the order the feed numbers them, and one durable checkpoint per subscriber.
///
/// Unlike `pull`, nothing is filtered: a subscriber sees every store's events, the hub's own
/// included. The order is the pull's: with several hub processes over one PostgreSQL, an event
/// that commits later never has a smaller hub sequence than one already handed out.
public protocol HubFeedLog: Sendable {
    /// The merged events with a hub sequence number above `checkpoint`, in order, at most `limit`.
    func merged(after checkpoint: UInt64, limit: Int) async throws -> [FeedEvent]

    /// Runs `deliver` with `subscriber`'s checkpoint (0 for a subscriber never seen) while holding
    /// it, so that no other hub process delivers to that subscriber meanwhile, then stores the
    /// checkpoint `deliver` returns. When `deliver` throws, the checkpoint stays where it was.
    func advance(subscriber: String, _ deliver: @Sendable (UInt64) async throws -> UInt64) async throws

    /// The checkpoint stored for `subscriber` (0 when never seen).
    func checkpoint(of subscriber: String) async throws -> UInt64
}
