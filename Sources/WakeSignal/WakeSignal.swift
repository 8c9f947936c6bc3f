import Foundation

/// A wake-up any number of tasks can wait on, for a change made elsewhere in the process: the hub's
/// feed grew (`HubStore.FeedSignal`, for pulls held until it does), the node committed something
/// (`NodeStore.CommitSignal`, for push on commit).
///
/// Every ring moves a generation counter on. A waiter reads `generation` **before** it looks at
/// what it waits for, and then waits for a generation past it: a change made between its look and
/// its wait has already moved the counter, so the wait returns at once and nothing is missed. A
/// ring wakes every waiter. Waiting ends at the ring, at the time limit or when the waiting task
/// is cancelled, whichever is first (an `AsyncStream` will not do: cancelling one wait finishes
/// the stream for every later one).
public final class WakeSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var current: UInt64 = 0
    private var nextID = 0
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    /// Waits whose task was cancelled before they were registered.
    private var cancelled: Set<Int> = []

    public init() {}

    /// How many times it has rung.
    public var generation: UInt64 { lock.withLock { current } }

    /// How many waits are in progress.
    public var waiting: Int { lock.withLock { waiters.count } }

    /// The feed may have grown: wakes every waiter.
    public func ring() {
        let woken = lock.withLock {
            current &+= 1
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in woken { waiter.resume() }
    }

    /// Returns true as soon as the generation is past `seen` (at once when it already is), false
    /// when `limit` passed first or the task was cancelled.
    public func wait(past seen: UInt64, upTo limit: Duration) async -> Bool {
        if generation != seen { return true }
        guard limit > .zero, !Task.isCancelled else { return false }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.ringOrCancel(past: seen) }
            group.addTask { try? await Task.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
        return generation != seen
    }

    /// Returns at the first ring after `seen`, or when the task is cancelled.
    private func ringOrCancel(past seen: UInt64) async {
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = lock.withLock {
                    if current != seen || cancelled.remove(id) != nil { return true }
                    waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = lock.withLock {
                guard let waiter = waiters.removeValue(forKey: id) else {
                    // Not registered yet (or already woken): make the registration return at once.
                    cancelled.insert(id)
                    return CheckedContinuation<Void, Never>?.none
                }
                return waiter
            }
            waiter?.resume()
        }
        // A wait woken by a ring left no mark; one cancelled after its ring did: clear it.
        lock.withLock { _ = cancelled.remove(id) }
    }
}
