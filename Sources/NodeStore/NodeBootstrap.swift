import Admission
import EventCoding
public import Foundation
import GRDB
import ReplicaStore
public import Replication

/// One piece of a snapshot as the node receives it (from `GET /sync/v1/snapshot` or, in
/// process, from a hub store).
public enum SnapshotPart: Sendable, Hashable {
    /// Events, each the JSON of `Event`, in the hub's order.
    case events([Data])
    /// The end: pull after `checkpoint` next. `events` is how many events the hub says it sent,
    /// checked against what arrived (nil: not checked).
    case end(checkpoint: UInt64, events: Int?)
}

/// How far a snapshot load is, for people watching a long bootstrap.
public struct SnapshotLoadProgress: Sendable, Hashable {
    public enum Phase: String, Sendable, Hashable {
        /// Events are being received and stored.
        case events
        /// Every event is in: each record is folded once and its projections written.
        case projections
        /// Committed.
        case done
    }
    public var phase: Phase
    public var events: Int
    /// How many events the hub announced, when it did.
    public var expected: Int?
    public var seconds: Double
    public var eventsPerSecond: Double { seconds > 0 ? Double(events) / seconds : 0 }

    /// `bootstrap: 350000/1000000 events (35%), 120000 events/s`.
    public var line: String {
        let total = expected.map { "/\($0)" } ?? ""
        let share = expected.flatMap { $0 > 0 ? " (\(events * 100 / $0)%)" : nil } ?? ""
        switch phase {
        case .events: return "bootstrap: \(events)\(total) events\(share), \(Int(eventsPerSecond)) events/s"
        case .projections:
            return
                "bootstrap: all \(events) events in after \(String(format: "%.1f", seconds)) s; folding each record once and writing projections"
        case .done:
            return
                "bootstrap: \(events) events loaded in \(String(format: "%.1f", seconds)) s (\(Int(eventsPerSecond)) events/s)"
        }
    }
}

/// What a snapshot load did.
public struct SnapshotLoad: Hashable, Sendable, Codable {
    public var events: Int
    public var records: Int
    public var checkpoint: UInt64
    public var epoch: String
    public var seconds: Double
}

extension NodeService {
    /// Whether this node starts from a snapshot rather than paging the feed: it has never pulled
    /// (checkpoint 0) and holds no event of another node. Its own events, if it recorded some
    /// before its first sync, are fine: they are folded together with the snapshot's.
    public func canBootstrap() async throws -> Bool {
        let node = identity.node
        return try await database.writer.read { db in
            try Self.checkpoint(db).checkpoint == 0 && !Self.holdsOthersEvents(db, node: node)
        }
    }

    static func holdsOthersEvents(_ db: Database, node: NodeID) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql:
                "SELECT EXISTS (SELECT 1 FROM events WHERE node < ?1) OR EXISTS (SELECT 1 FROM events WHERE node > ?1)",
            arguments: [node.rawValue]) ?? false
    }

    /// Bootstraps this node from a snapshot: every event `next()` hands out is stored with one
    /// prepared statement, each record is folded once and projected once, and the checkpoint and
    /// epoch are set, all in **one** transaction: after a crash the node holds all of it or none of
    /// it (and bootstraps again). Events are decoded on the other cores while the database thread
    /// stores the previous batch. Refused (`sync.notFresh`) unless `canBootstrap()`; a snapshot
    /// that ends early or announces a different count than it carried (`sync.truncatedSnapshot`)
    /// is rolled back.
    public func loadSnapshot(
        epoch: String, expectedEvents: Int?, next: @escaping @Sendable () async throws -> SnapshotPart?,
        progress: @escaping @Sendable (SnapshotLoadProgress) -> Void = { _ in }
    ) async throws -> SnapshotLoad {
        let channel = BatchChannel<SnapshotMessage>(capacity: 3)
        let node = identity.node
        let store = identity.store
        let now = clock()
        let start = DispatchTime.now().uptimeNanoseconds
        let seconds = { @Sendable in Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
        let database = self.database

        async let loaded: SnapshotLoad = database.bulkWrite { db in
            defer { channel.cancel() }
            let previousCache = try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? -2000
            // 64 MiB of page cache while the whole load is one transaction (the default is 2 MiB).
            try db.execute(sql: "PRAGMA cache_size = -65536")
            defer { try? db.execute(sql: "PRAGMA cache_size = \(previousCache)") }
            var result: SnapshotLoad?
            try db.inTransaction(.immediate) {
                guard try Self.checkpoint(db).checkpoint == 0, try !Self.holdsOthersEvents(db, node: node) else {
                    throw NodeStoreError(
                        code: "sync.notFresh",
                        message:
                            "this node has pulled before; it pulls the feed after its checkpoint instead of loading a snapshot"
                    )
                }
                let known = Set(try String.fetchAll(db, sql: "SELECT DISTINCT record FROM events"))
                // A node without a single event has empty tables: their secondary indexes are
                // built once at the end (a sort) instead of kept up to date row by row.
                let deferred = known.isEmpty ? try Self.dropSecondaryIndexes(db) : []
                var bulk = BulkApply(db: db, knownRecords: known, rememberDecoded: false)
                bulk.documentsOf = store
                var count = 0
                var lastReport = 0.0
                var end: (checkpoint: UInt64, events: Int?)?
                while let message = try channel.receive() {
                    switch message {
                    case .batch(let events, let bodies):
                        for (e, body) in zip(events, bodies) { try bulk.insert(e, body: body) }
                        count += events.count
                        let t = seconds()
                        if t - lastReport >= 1 {
                            lastReport = t
                            progress(
                                SnapshotLoadProgress(
                                    phase: .events, events: count, expected: expectedEvents, seconds: t))
                        }
                    case .end(let checkpoint, let events):
                        end = (checkpoint, events)
                    }
                }
                guard let end, end.events == nil || end.events == count,
                    expectedEvents == nil || expectedEvents == count
                else {
                    throw NodeStoreError(
                        code: "sync.truncatedSnapshot",
                        message:
                            "the snapshot stopped early or does not add up (\(count) events received); nothing was kept"
                    )
                }
                guard bulk.conflicts.isEmpty, bulk.duplicates == 0 else {
                    throw NodeStoreError(
                        code: "sync.badSnapshot",
                        message: "the snapshot repeats events or differs from events this node holds; nothing was kept")
                }
                progress(
                    SnapshotLoadProgress(
                        phase: .projections, events: count, expected: expectedEvents, seconds: seconds()))
                let records = bulk.touchedRecords
                try bulk.finish(now: now)
                for sql in deferred { try db.execute(sql: sql) }
                try Self.setCheckpoint(db, checkpoint: end.checkpoint, epoch: epoch)
                result = SnapshotLoad(
                    events: count, records: records, checkpoint: end.checkpoint, epoch: epoch, seconds: 0)
                return .commit
            }
            return result!
        }

        // Producer: receive, decode in parallel, hand over; the writer stores meanwhile.
        do {
            receiving: while let part = try await next() {
                switch part {
                case .events(let bodies):
                    let events = try await Self.decodeInParallel(bodies, now: now)
                    // The writer stopped (it failed): its error is the answer.
                    guard await channel.send(.batch(events, bodies)) else { break receiving }
                case .end(let checkpoint, let events):
                    guard await channel.send(.end(checkpoint: checkpoint, events: events)) else { break receiving }
                }
            }
            channel.close()
        } catch {
            channel.fail(error)
            _ = try? await loaded
            throw error
        }
        var result = try await loaded
        result.seconds = seconds()
        progress(
            SnapshotLoadProgress(phase: .done, events: result.events, expected: expectedEvents, seconds: result.seconds)
        )
        return result
    }

    /// Drops every index that is not a key (those have SQL of their own in `sqlite_master`) and
    /// answers the statements that create them again.
    static func dropSecondaryIndexes(_ db: Database) throws -> [String] {
        let rows = try Row.fetchAll(
            db,
            sql:
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND name NOT LIKE 'sqlite_%'"
        )
        for row in rows {
            try db.execute(
                sql: "DROP INDEX \"\((row["name"] as String).replacingOccurrences(of: "\"", with: "\"\""))\"")
        }
        return rows.map { $0["sql"] }
    }

    /// JSON to events, split over the cores.
    /// Each event's values are checked as a pulled page's are (`AdmissionRules.checkValues`).
    static func decodeInParallel(_ bodies: [Data], now: Int64) async throws -> [Event] {
        @Sendable func decode(_ body: Data) throws -> Event {
            let event = try EventCodec.decodeEvent(body)
            try FeedRefusal.check(event, now: now)
            return event
        }
        let parts = bodies.count >= 256 ? max(1, ProcessInfo.processInfo.activeProcessorCount) : 1
        if parts == 1 { return try bodies.map(decode) }
        return try await withThrowingTaskGroup(of: (Int, [Event]).self) { group in
            for p in 0..<parts {
                let slice = bodies[(p * bodies.count / parts)..<((p + 1) * bodies.count / parts)]
                group.addTask { (p, try slice.map(decode)) }
            }
            var out = [[Event]](repeating: [], count: parts)
            for try await (p, events) in group { out[p] = events }
            return out.flatMap { $0 }
        }
    }
}

/// What the receiving side hands the database thread.
enum SnapshotMessage: Sendable {
    case batch([Event], [Data])
    case end(checkpoint: UInt64, events: Int?)
}

/// A bounded hand-over from async code (the network) to a thread that blocks (the database's
/// writer, inside its one transaction). The sender waits while `capacity` items are queued.
final class BatchChannel<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Item] = []
    private let capacity: Int
    private var closed = false
    private var failure: (any Error)?
    private var cancelled = false
    private var waitingSender: CheckedContinuation<Void, Never>?

    init(capacity: Int) { self.capacity = capacity }

    /// Queues `item`; false when the receiver is gone (it failed or finished).
    func send(_ item: Item) async -> Bool {
        while true {
            let queued: Bool? = condition.withLock {
                if cancelled { return false }
                if items.count < capacity {
                    items.append(item)
                    condition.signal()
                    return true
                }
                return nil
            }
            if let queued { return queued }
            await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                condition.lock()
                if cancelled || items.count < capacity {
                    condition.unlock()
                    c.resume()
                } else {
                    waitingSender = c
                    condition.unlock()
                }
            }
        }
    }

    /// No more items.
    func close() {
        condition.withLock {
            closed = true; condition.broadcast()
        }
    }

    /// The sender failed: the receiver throws `error`.
    func fail(_ error: any Error) {
        condition.withLock {
            failure = error
            closed = true
            condition.broadcast()
        }
    }

    /// The receiver is gone: senders stop waiting.
    func cancel() {
        let sender: CheckedContinuation<Void, Never>? = condition.withLock {
            cancelled = true
            defer { waitingSender = nil }
            return waitingSender
        }
        sender?.resume()
    }

    /// The next item (blocking), nil once closed and drained; throws the sender's failure.
    func receive() throws -> Item? {
        condition.lock()
        while items.isEmpty && !closed { condition.wait() }
        if let failure {
            condition.unlock()
            throw failure
        }
        guard !items.isEmpty else {
            condition.unlock()
            return nil
        }
        let item = items.removeFirst()
        let sender = waitingSender
        waitingSender = nil
        condition.unlock()
        sender?.resume()
        return item
    }
}
