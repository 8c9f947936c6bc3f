import Foundation
public import WakeSignal

/// Tells the background sync that something was committed, so that it pushes now rather than at
/// its next interval (a return reaches head office in a moment, not in up to five seconds). One
/// listener; signals that come while it is busy are kept as one (a burst is one push).
public final class CommitSignal: Sendable {
    private let wake = WakeSignal()
    /// The generation the listener has seen.
    private let seen = LockedValue<UInt64>(0)

    public init() {}

    /// Something was committed.
    public func signal() { wake.ring() }

    /// Returns at the next signal (at once when one came since the last wait) or after `limit`,
    /// whichever is first; true when a signal ended it.
    @discardableResult
    public func wait(upTo limit: Duration) async -> Bool {
        let before = seen.value
        guard await wake.wait(past: before, upTo: limit) else { return false }
        seen.value = wake.generation
        return true
    }
}
