public import Logging
public import NodeStore
public import ServiceLifecycle
import WakeSignal

/// The background sync of a node: a `Service` that runs `SyncAgent.syncOnce()` every `interval`,
/// as soon as the node commits something (push on commit), and as soon as a long-poll brings events
/// of other nodes (Protocol/sync.md §3.2); after a failure it waits with exponential backoff and
/// full jitter (capped), so a hub that is down for days is retried politely and a thousand stores
/// do not all knock at the same second.
public struct SyncService: Service {
    public let agent: SyncAgent
    public let interval: Duration
    public let maxBackoff: Duration
    /// How long the hub may hold each long-poll, in seconds; 0 polls only at the interval.
    public let longPollSeconds: Int
    let logger: Logger

    public init(
        agent: SyncAgent, interval: Duration = .seconds(5), maxBackoff: Duration = .seconds(300),
        longPollSeconds: Int = SyncService.defaultLongPollSeconds, logger: Logger
    ) {
        self.agent = agent
        self.interval = interval
        self.maxBackoff = maxBackoff
        self.longPollSeconds = min(max(longPollSeconds, 0), HubClient.maxWaitSeconds)
        self.logger = logger
    }

    /// Under the hub's bound (30 s) and the idle timeouts of common proxies (60 s).
    public static let defaultLongPollSeconds = 25

    /// Rounds until the service group shuts down; a round in flight then is cancelled (its HTTP
    /// call and its waits end at once), so a node stops promptly even with its hub unreachable.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown { await self.rounds() }
    }

    func rounds() async {
        var failures = 0
        // The long-poll in flight, if any. It outlives a round that a commit started (cancelling
        // it would leave the hub holding a pull nobody reads); it is cancelled when the loop ends.
        var poll: LongPoll?
        defer { poll?.cancel() }
        var held: HeldPage?
        var polling = true
        while !Task.isCancelledOrShuttingDown {
            do {
                let r = try await agent.syncOnce(held: held) { line in logger.info("\(line)") }
                held = nil
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
                // The feed is drained. The next round at the interval, or as soon as the desk
                // commits something (push on commit; a short pause lets a burst go as one change
                // set), or as soon as the long-poll brings events. A long-poll the hub refuses, or
                // does not hold, leaves this wait to the interval and the commits.
                var pollThisWait = longPollSeconds > 0
                let deadline = ContinuousClock.now.advanced(by: interval)
                waiting: while true {
                    if pollThisWait, poll == nil {
                        poll = LongPoll(agent: agent, seconds: longPollSeconds)
                    }
                    switch await Self.nextWake(
                        commits: agent.service.commits, poll: pollThisWait ? poll : nil, until: deadline)
                    {
                    case .commit:
                        try? await Task.sleep(for: Self.coalescing)
                        break waiting
                    case .interval:
                        break waiting
                    case .poll(.feed(let page)):
                        poll = nil
                        held = page
                        if !polling {
                            polling = true
                            logger.info("long-poll works again")
                        }
                        break waiting
                    case .poll(let outcome):
                        poll = nil
                        pollThisWait = false
                        if polling {
                            polling = false
                            logger.info(
                                "long-poll unavailable; pulling at the interval",
                                metadata: ["sync.longPoll": "\(outcome)", "sync.interval": "\(interval)"])
                        }
                    }
                    if Task.isCancelledOrShuttingDown { break waiting }
                }
            } catch {
                // A long-poll begun before the failure says nothing about the next wait.
                poll?.cancel()
                poll = nil
                held = nil
                agent.service.syncStatistics.failed()
                failures += 1
                let delay = Self.backoff(
                    failures: failures, base: interval, cap: maxBackoff, random: Double.random(in: 0...1))
                logger.info("sync failed; retrying", metadata: ["sync.error": "\(error)", "sync.retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// How a long-poll ended.
    enum PollOutcome: Sendable, CustomStringConvertible {
        /// Events (or a page the round must look at): apply it now.
        case feed(HeldPage)
        /// The transport cannot hold a pull, or the hub answered an empty page long before the
        /// wait was up (a hub that does not hold pulls, is shutting down or holds too many).
        case notHeld
        /// The hub refused it or could not be reached.
        case failed(String)

        var description: String {
            switch self {
            case .feed(let held): "a page after \(held.after)"
            case .notHeld: "the hub did not hold the pull"
            case .failed(let error): error
            }
        }
    }

    /// Long-polls the feed after the node's checkpoint until a page brings something: an empty page
    /// at the end of the wait asks again at once, from that page's checkpoint.
    static func longPoll(_ agent: SyncAgent, seconds: Int) async -> PollOutcome {
        do {
            let start = try await agent.service.syncCheckpoint()
            var after = start.checkpoint
            while !Task.isCancelled {
                let asked = ContinuousClock.now
                guard
                    let page = try await agent.transport.pull(
                        after: after, limit: agent.pullBatch, holdingUpTo: seconds)
                else { return .notHeld }
                if !page.events.isEmpty || page.more || page.epoch != start.epoch {
                    return .feed(HeldPage(after: start.checkpoint, page: page))
                }
                // A hub holds an empty pull until its wait is up (or something arrives); one that
                // answers much sooner does not hold them, and asking again at once would spin.
                if ContinuousClock.now - asked < .seconds(seconds) / 2 { return .notHeld }
                after = page.checkpoint
            }
            return .notHeld
        } catch {
            return .failed("\(error)")
        }
    }

    enum Wake: Sendable {
        case commit, interval
        case poll(PollOutcome)
    }

    /// The first of: a commit, `deadline`, the end of `poll` (which goes on if it is not first).
    static func nextWake(commits: CommitSignal, poll: LongPoll?, until deadline: ContinuousClock.Instant) async -> Wake
    {
        await withTaskGroup(of: Wake.self) { group in
            group.addTask {
                await commits.wait(upTo: ContinuousClock.now.duration(to: deadline)) ? .commit : .interval
            }
            if let poll {
                group.addTask {
                    await poll.outcome(upTo: ContinuousClock.now.duration(to: deadline)).map { .poll($0) } ?? .interval
                }
            }
            let first = await group.next() ?? .interval
            group.cancelAll()
            return first
        }
    }

    /// A long-poll running on its own task, which outlives the waits that look at it.
    final class LongPoll: Sendable {
        private let task: Task<Void, Never>
        private let result: LockedValue<PollOutcome?>
        private let done: WakeSignal

        init(agent: SyncAgent, seconds: Int) {
            let (result, done) = (LockedValue<PollOutcome?>(nil), WakeSignal())
            self.result = result
            self.done = done
            task = Task {
                result.value = await SyncService.longPoll(agent, seconds: seconds)
                done.ring()
            }
        }

        deinit { task.cancel() }

        /// Its outcome, once it has one within `limit` (nil otherwise, or when the caller is cancelled).
        func outcome(upTo limit: Duration) async -> PollOutcome? {
            _ = await done.wait(past: 0, upTo: limit)
            return result.value
        }

        func cancel() { task.cancel() }
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
