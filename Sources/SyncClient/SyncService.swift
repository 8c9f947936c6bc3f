public import Logging
public import NodeStore
public import ServiceLifecycle

/// The background sync of a node: a `Service` that runs `SyncAgent.syncOnce()` every `interval`
/// and as soon as the node commits something (push on commit), and after a failure waits with exponential backoff and full jitter (capped), so a hub that is
/// down for days is retried politely and a thousand stores do not all knock at the same second.
public struct SyncService: Service {
    public let agent: SyncAgent
    public let interval: Duration
    public let maxBackoff: Duration
    let logger: Logger

    public init(
        agent: SyncAgent, interval: Duration = .seconds(5), maxBackoff: Duration = .seconds(300), logger: Logger
    ) {
        self.agent = agent
        self.interval = interval
        self.maxBackoff = maxBackoff
        self.logger = logger
    }

    /// Rounds until the service group shuts down; a round in flight then is cancelled (its HTTP
    /// call and its waits end at once), so a node stops promptly even with its hub unreachable.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown { await self.rounds() }
    }

    func rounds() async {
        var failures = 0
        while !Task.isCancelledOrShuttingDown {
            do {
                let r = try await agent.syncOnce { line in logger.info("\(line)") }
                agent.service.syncStatistics.succeeded(
                    pushed: r.pushed, pulled: r.pulled + r.bootstrapped, at: NodeService.systemMillis())
                if r.pushed + r.pulled + r.bootstrapped > 0 || !r.conflicts.isEmpty {
                    logger.info(
                        "sync",
                        metadata: [
                            "sync.pushed": "\(r.pushed)", "sync.pulled": "\(r.pulled)",
                            "sync.bootstrapped": "\(r.bootstrapped)", "sync.acked": "\(r.acked)",
                            "sync.checkpoint": "\(r.checkpoint)", "sync.conflicts": "\(r.conflicts.count)",
                        ])
                }
                failures = 0
                // The next round at the interval, or as soon as the desk commits something (push
                // on commit); a short pause after the signal lets a burst go as one change set.
                if await agent.service.commits.wait(upTo: interval) {
                    try? await Task.sleep(for: Self.coalescing)
                }
            } catch {
                agent.service.syncStatistics.failed()
                failures += 1
                let delay = Self.backoff(
                    failures: failures, base: interval, cap: maxBackoff, random: Double.random(in: 0...1))
                logger.info("sync failed; retrying", metadata: ["sync.error": "\(error)", "sync.retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// How long a round waits after a commit for more to come with it.
    static let coalescing: Duration = .milliseconds(25)

    /// Full jitter: a random delay between 0 and min(cap, base × 2^failures) ("Exponential Backoff
    /// And Jitter", AWS Architecture Blog, 2015), never less than 100 ms.
    public static func backoff(failures: Int, base: Duration, cap: Duration, random: Double) -> Duration {
        let exponent = min(failures, 20)
        let ceiling = min(cap, base * (1 << exponent))
        return max(.milliseconds(100), ceiling * random)
    }
}

extension Task where Success == Never, Failure == Never {
    static var isCancelledOrShuttingDown: Bool { Task.isCancelled || Task.isShuttingDownGracefully }
}
