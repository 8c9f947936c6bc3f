/// Tells the background sync that something was committed, so that it pushes now rather than at
/// its next interval (a return reaches head office in a moment, not in up to five seconds). One
/// listener; signals that come while it is busy are kept as one (a burst is one push).
public final class CommitSignal: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Something was committed.
    public func signal() { continuation.yield() }

    /// Returns at the next signal (at once when one came since the last wait) or after `limit`,
    /// whichever is first; true when a signal ended it.
    @discardableResult
    public func wait(upTo limit: Duration) async -> Bool {
        let stream = self.stream
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next() != nil
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
