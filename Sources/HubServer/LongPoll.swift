import Foundation
import HubStore
import ServiceLifecycle

/// How many pulls the hub holds at once (`GET /sync/v1/pull?wait=`, Protocol/sync.md §3.2). Each
/// held pull is an open connection and a waiting task; past either bound the hub answers the pull
/// at once, as if it had not asked to wait, and the node waits its interval instead.
public struct LongPollLimits: Sendable, Hashable {
    /// Held pulls in this process, all callers together; 0 holds none.
    public var maxHeld: Int
    /// Held pulls of one credential. A node holds one; a few more cover connections its side has
    /// given up on that this side has not noticed yet.
    public var maxHeldPerCaller: Int

    public init(maxHeld: Int, maxHeldPerCaller: Int = 4) {
        self.maxHeld = maxHeld
        self.maxHeldPerCaller = maxHeldPerCaller
    }

    /// `hub serve`'s default: a pull held for each of thousands of stores, well inside the file
    /// descriptors the systemd unit allows (65,536).
    public static let standard = LongPollLimits(maxHeld: 10_000)

    /// The longest hold a pull may ask for, in seconds: below the idle timeouts of common proxies
    /// and load balancers (60 s).
    public static let maxWaitSeconds = 30
}

/// Counts the pulls held, in all and per caller.
final class LongPollGate: @unchecked Sendable {
    let limits: LongPollLimits
    private let lock = NSLock()
    private var total = 0
    private var perCaller: [String: Int] = [:]

    init(limits: LongPollLimits) { self.limits = limits }

    /// Takes a place for `caller`: false when there is none.
    func enter(_ caller: String) -> Bool {
        lock.withLock {
            let mine = perCaller[caller, default: 0]
            guard total < limits.maxHeld, mine < limits.maxHeldPerCaller else {
                refused += 1
                return false
            }
            total += 1
            perCaller[caller] = mine + 1
            return true
        }
    }

    /// Gives back a place `enter` took.
    func leave(_ caller: String) {
        lock.withLock {
            total -= 1
            let mine = perCaller[caller, default: 1] - 1
            perCaller[caller] = mine > 0 ? mine : nil
        }
    }

    /// Pulls held now.
    var held: Int { lock.withLock { total } }

    /// Pulls that asked to wait and were answered at once, the cap reached, since the start.
    var notHeld: Int { lock.withLock { refused } }
    private var refused = 0
}

extension HubRoutes {
    /// A pull that may wait: `read` reads the feed after a checkpoint; while its page is empty the
    /// pull is held until the feed's signal rings (then read again, from the page's checkpoint) or
    /// `wait` runs out, and answers the last page read. It ends at once when the server begins a
    /// graceful shutdown, or when the gate has no place for `caller`.
    func holdingPull(
        caller: String, after checkpoint: UInt64, wait: Duration, read: @Sendable (UInt64) async throws -> PullPage
    ) async throws -> PullPage {
        guard wait > .zero else { return try await read(checkpoint) }
        let signal = store.feedSignal()
        // Read before the feed: an append between this read and the wait has already rung.
        var seen = signal.generation
        var page = try await read(checkpoint)
        guard page.events.isEmpty, !Task.isShuttingDownGracefully, longPolls.enter(caller) else { return page }
        defer { longPolls.leave(caller) }
        let deadline = ContinuousClock.now.advanced(by: wait)
        while page.events.isEmpty {
            let remaining = ContinuousClock.now.duration(to: deadline)
            let observed = seen
            // Cancelled on graceful shutdown: the server stops within its bound, not after the wait.
            let rang = await cancelWhenGracefulShutdown { await signal.wait(past: observed, upTo: remaining) }
            guard rang, !Task.isCancelled, !Task.isShuttingDownGracefully else { break }
            seen = signal.generation
            page = try await read(page.checkpoint)
        }
        return page
    }
}
