public import WakeSignal

/// Rings when the hub's feed may have grown, for the pulls held until it does
/// (`GET /sync/v1/pull?wait=`, Protocol/sync.md §3.2). A store rings it after it committed events
/// to the feed (a push, a channel return); a backend with several processes over one database also
/// rings it when another process did.
public typealias FeedSignal = WakeSignal
