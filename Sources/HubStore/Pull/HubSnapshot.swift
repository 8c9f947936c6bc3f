public import Foundation
public import Replication

/// One piece of a snapshot as a backend hands it out.
public enum HubSnapshotPart: Sendable, Hashable {
    /// Events of the snapshot, each the JSON of `Event` (one object, no line break), in
    /// hub-sequence order.
    case events([Data])
    /// The end: every relevant event with a hub sequence number up to `checkpoint` was handed out
    /// (exactly once). A node that loads the snapshot then pulls `after: checkpoint`.
    case end(checkpoint: UInt64)
}

/// What a new node starts from instead of paging the feed from 0 (DESIGN §5, Protocol/sync.md §4):
/// every event `FeedRelevance` gives the node, up to a checkpoint, read from one consistent state
/// of the hub, so that pulling after that checkpoint misses nothing and repeats nothing.
///
/// Pull-based, so a 1M-event company never sits in memory: call `next()` until it answers
/// `.end(checkpoint:)`, then nil. Not for concurrent use by several tasks.
public struct HubSnapshot: Sendable {
    /// The hub database's epoch, stored by the node with the checkpoint.
    public let epoch: String
    /// How many events `next()` will hand out, when the backend knows it up front (progress).
    public let expectedEvents: Int?
    private let pull: @Sendable () async throws -> HubSnapshotPart?

    public init(epoch: String, expectedEvents: Int?, next: @escaping @Sendable () async throws -> HubSnapshotPart?) {
        self.epoch = epoch
        self.expectedEvents = expectedEvents
        self.pull = next
    }

    /// The next batch of events, then `.end(checkpoint:)`, then nil.
    public func next() async throws -> HubSnapshotPart? { try await pull() }

    /// Reads the whole snapshot into memory: decoded events and the checkpoint (tests, small hubs).
    public func collect() async throws -> (events: [Event], checkpoint: UInt64) {
        var events: [Event] = []
        let decoder = JSONDecoder()
        while let part = try await next() {
            switch part {
            case .events(let bodies): events += try bodies.map { try decoder.decode(Event.self, from: $0) }
            case .end(let checkpoint): return (events, checkpoint)
            }
        }
        throw HubError(code: HubError.Code.corrupt, message: "the snapshot ended without its checkpoint")
    }
}

extension HubStore {
    /// The default snapshot, for a backend without a faster one of its own: the feed paged with
    /// `pull` from 0 until nothing more is relevant (`more == false`), events re-encoded as JSON.
    ///
    /// Consistent in the sense the protocol needs: `pull`'s own guarantee (no event skipped or
    /// repeated across pages) makes the final page's checkpoint a place to pull from that misses
    /// nothing and repeats nothing, even with pushes committing meanwhile. It is not one read
    /// transaction, so `expectedEvents` is unknown; a backend that can read one snapshot should
    /// override this (`SQLiteHubStore` does).
    public func snapshot(for node: NodeID, now: Int64) async throws -> HubSnapshot {
        // Fail early (unknown or revoked node) before anything is streamed.
        let first = try await pull(for: node, after: 0, limit: PullPage.maxEvents, now: now)
        let state = DefaultSnapshotCursor(first: first)
        return HubSnapshot(epoch: first.epoch, expectedEvents: nil) {
            guard let step = state.take() else { return nil }
            switch step {
            case .page(let page):
                let bodies = try page.events.map { try JSONEncoder().encode($0.event) }
                state.after(page: page)
                return .events(bodies)
            case .fetch(let checkpoint):
                let page = try await self.pull(for: node, after: checkpoint, limit: PullPage.maxEvents, now: now)
                guard page.epoch == first.epoch else {
                    throw HubError(
                        code: HubError.Code.corrupt, message: "the hub's epoch changed while the snapshot was read")
                }
                let bodies = try page.events.map { try JSONEncoder().encode($0.event) }
                state.after(page: page)
                return .events(bodies)
            case .end(let checkpoint):
                return .end(checkpoint: checkpoint)
            }
        }
    }
}

/// Where the default snapshot stands between calls.
private final class DefaultSnapshotCursor: @unchecked Sendable {
    enum Step {
        case page(PullPage)
        case fetch(after: UInt64)
        case end(UInt64)
    }
    private let lock = NSLock()
    private var step: Step?

    init(first: PullPage) { step = .page(first) }

    func take() -> Step? {
        lock.withLock {
            defer { step = nil }
            return step
        }
    }

    func after(page: PullPage) {
        lock.withLock { step = page.more ? .fetch(after: page.checkpoint) : .end(page.checkpoint) }
    }
}
