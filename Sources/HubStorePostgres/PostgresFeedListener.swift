import Foundation
import HubStore
import Logging
import PostgresNIO

/// Hears the other hub processes' appends to the feed: one pooled connection that `LISTEN`s on
/// `channel`, where every transaction that moves the feed head sends a `NOTIFY` (delivered when it
/// commits), and rings this process's `FeedSignal` for each. Started by the first long-poll (a
/// process that holds none keeps no connection for it); reconnects after a lost connection, and
/// rings then too, since what was notified meanwhile was not heard.
final class PostgresFeedListener: @unchecked Sendable {
    /// The notification channel (one per database).
    static let channel = "returnsync_feed"
    /// The pause before listening again after the connection was lost.
    static let retryDelay: Duration = .seconds(1)

    let signal: FeedSignal
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var stopped = false

    init(signal: FeedSignal) { self.signal = signal }

    /// Starts listening with a connection of `client`'s pool, unless it already does or was stopped.
    func start(client: PostgresClient, logger: Logger) {
        lock.withLock {
            guard task == nil, !stopped else { return }
            let signal = self.signal
            task = Task {
                while !Task.isCancelled {
                    do {
                        try await client.withConnection { connection in
                            try await connection.listen(on: Self.channel) { notifications in
                                // Listening from now on: whatever committed before is there to read.
                                signal.ring()
                                for try await _ in notifications { signal.ring() }
                            }
                        }
                    } catch {
                        if !Task.isCancelled {
                            logger.notice(
                                "feed listener lost its connection; listening again", metadata: ["error": "\(error)"])
                        }
                    }
                    signal.ring()
                    try? await Task.sleep(for: Self.retryDelay)
                }
            }
        }
    }

    /// Stops listening for good (the store is closing).
    func stop() {
        let running = lock.withLock {
            stopped = true
            defer { task = nil }
            return task
        }
        running?.cancel()
    }
}
