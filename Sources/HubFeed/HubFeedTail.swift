public import HubStore
public import Logging
public import Replication
public import ServiceLifecycle

/// An event the hub has merged, as a feed subscriber receives it: its place in the feed, the
/// event, and its record's state as the hub holds it when the event is handed over (for a return:
/// its status, lines, steps …; the state after this event and any the hub merged since).
public struct MergedEvent: Sendable {
    public var hubSeq: UInt64
    public var event: Event
    public var record: RecordState?
}

/// Something that acts on what the hub merges: a webhook sender, a notifier, an export. Each
/// subscriber has its own durable checkpoint under `name`.
public protocol HubFeedSubscriber: Sendable {
    /// The subscriber's stable name: its checkpoint's key. Renaming it starts it from the beginning.
    var name: String { get }
    /// Takes a batch of merged events, in feed order. Throwing hands the same batch again later
    /// (at-least-once); returning moves the subscriber's checkpoint past the batch.
    func deliver(_ events: [MergedEvent]) async throws
}

/// The hub's post-commit extension point: a service that tails the hub's feed from each
/// subscriber's own durable checkpoint and hands each merged event, with its record's state, to
/// the subscriber — on either backend, and with several hub processes (they take turns per
/// subscriber, so a batch goes to one of them).
///
/// A batch is delivered before the checkpoint moves past it: a process stopped gracefully hands
/// every event over exactly once; one killed mid-batch hands that batch over again when it or
/// another process resumes.
public struct HubFeedTail: Service {
    let store: any HubFeedLog & HubReadModel
    let subscribers: [any HubFeedSubscriber]
    let batchSize: Int
    let idleDelay: Duration
    let logger: Logger

    public init(
        store: any HubFeedLog & HubReadModel, subscribers: [any HubFeedSubscriber], batchSize: Int = 200,
        idleDelay: Duration = .milliseconds(200), logger: Logger = Logger(label: "returnsync.hub.feed")
    ) {
        self.store = store
        self.subscribers = subscribers
        self.batchSize = batchSize
        self.idleDelay = idleDelay
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                for subscriber in subscribers {
                    group.addTask { await tail(subscriber) }
                }
            }
        }
    }

    /// Delivers to `subscriber` until the task is cancelled; failures are logged and retried.
    func tail(_ subscriber: any HubFeedSubscriber) async {
        var failures = 0
        while !Task.isCancelled {
            do {
                let delivered = try await deliverOnce(to: subscriber)
                failures = 0
                if delivered == 0 { try await Task.sleep(for: idleDelay) }
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                logger.warning(
                    "feed delivery failed", metadata: ["subscriber": "\(subscriber.name)", "error": "\(error)"])
                try? await Task.sleep(for: idleDelay * min(failures, 50))
            }
        }
    }

    /// Hands `subscriber` the next batch after its checkpoint, if any; returns how many events.
    public func deliverOnce(to subscriber: any HubFeedSubscriber) async throws -> Int {
        let store = self.store
        let batchSize = self.batchSize
        let count = Counter()
        try await store.advance(subscriber: subscriber.name) { checkpoint in
            let page = try await store.merged(after: checkpoint, limit: batchSize)
            guard let last = page.last else { return checkpoint }
            let state = try await store.state()
            var records: [RecordKey: RecordState?] = [:]
            var batch: [MergedEvent] = []
            for entry in page {
                let key = entry.event.record
                if records[key] == nil { records[key] = .some(try await state.record(key)) }
                batch.append(MergedEvent(hubSeq: entry.hubSeq, event: entry.event, record: records[key] ?? nil))
            }
            try await subscriber.deliver(batch)
            await count.set(batch.count)
            return last.hubSeq
        }
        return await count.value
    }
}

private actor Counter {
    var value = 0
    func set(_ v: Int) { value = v }
}
