public import Replication
public import SyncProtocol

/// How the sync agent reaches the hub. `HubClient` does it over HTTP; tests can use the same
/// protocol over a real hub in-process.
public protocol HubTransport: Sendable {
    /// Pushes a change set; throws `ProblemDetails` for a refusal (`sync.gap` carries the expected seq).
    func push(_ changeSet: ChangeSet) async throws -> PushResponse
    /// The feed after `checkpoint`, at most `limit` events.
    func pull(after checkpoint: UInt64, limit: Int) async throws -> PullResponse
}
