public import Foundation
public import Replication
public import SyncProtocol

/// How the sync agent reaches the hub. `HubClient` does it over HTTP; tests can use the same
/// protocol over a real hub in-process.
public protocol HubTransport: Sendable {
    /// Pushes a change set; `stored` are its events' bytes as the node stored them, sent as they
    /// are. Throws `ProblemDetails` for a refusal (`sync.gap` carries the expected seq).
    func push(_ changeSet: ChangeSet, stored: [Data]) async throws -> PushResponse
    /// The feed after `checkpoint`, at most `limit` events.
    func pull(after checkpoint: UInt64, limit: Int) async throws -> PullResponse
    /// The hub's clock minus this machine's (ms) as the latest answer showed it, when known.
    var hubClockOffset: Int64? { get }
    /// Tells the hub this node refused an event of the feed (`POST /sync/v1/refusals`).
    func reportRefusal(_ report: FeedRefusalReport) async throws
    /// The hub's snapshot for this node (`GET /sync/v1/snapshot`), streamed; nil when the hub
    /// offers none (the agent then pages the feed from 0). Defaults to nil.
    func snapshot() async throws -> SnapshotDownload?
    /// A long-poll (Protocol/sync.md §3.2): the feed after `checkpoint` as `pull` reads it, but
    /// while nothing is there for this node the hub holds the request up to `wait` seconds for
    /// something to arrive, and answers an empty page when nothing did. nil when this transport
    /// cannot hold a pull (the sync service then waits its interval). Defaults to nil.
    func pull(after checkpoint: UInt64, limit: Int, holdingUpTo wait: Int) async throws -> PullResponse?
}

extension HubTransport {
    public var hubClockOffset: Int64? { nil }

    public func pull(after checkpoint: UInt64, limit: Int, holdingUpTo wait: Int) async throws -> PullResponse? {
        nil
    }
}
