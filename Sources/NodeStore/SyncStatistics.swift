import Foundation

/// What the node's background sync has done since the process started: rounds that succeeded
/// and failed, the failures in a row, when the last round succeeded, and the events moved. The
/// sync service records into it; the node's `/metrics` reads it. Kept in memory: it restarts with
/// the process, as Prometheus counters may.
public final class SyncStatistics: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable {
        public var succeeded = 0
        public var failed = 0
        public var consecutiveFailures = 0
        /// Wall-clock milliseconds of the last successful round, nil before the first.
        public var lastSuccessMillis: Int64?
        public var pushed = 0
        public var pulled = 0
        public init() {}
    }

    private let lock = NSLock()
    private var state = Snapshot()

    public init() {}

    public func succeeded(pushed: Int, pulled: Int, at millis: Int64) {
        lock.withLock {
            state.succeeded += 1
            state.consecutiveFailures = 0
            state.lastSuccessMillis = millis
            state.pushed += pushed
            state.pulled += pulled
        }
    }

    public func failed() {
        lock.withLock {
            state.failed += 1
            state.consecutiveFailures += 1
        }
    }

    public var snapshot: Snapshot { lock.withLock { state } }
}
