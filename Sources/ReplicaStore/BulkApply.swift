import Dispatch
import EventCoding
package import Foundation
package import GRDB
package import Replication
package import ReturnsDomain

/// Takes in many events from elsewhere inside one transaction, the fast way: each event is
/// inserted with one prepared statement (a held dot is found by the insert itself, not by a
/// look-up first), the bytes received are stored as they are (no re-encoding), and at `finish()`
/// every touched record is folded once and projected once, and the sums (stock, sale lines,
/// serials, store credit, ledger) get one write per key per chunk of records
/// (`ProjectionDelta`, written by `Projector.apply`).
///
/// Used for a pulled page (`NodeService.applyPulled`) and for a snapshot (`loadSnapshot`). The
/// result is the same as `EventLog.receive` of each event then `flush()`: the projections are the
/// fold of the events held (`node verify` checks it).
package struct BulkApply {
    let db: Database
    /// Records this node may already hold events of. nil: any record may (look each one up the
    /// first time it is touched); a set: only these (a node bootstrapping holds few or none).
    let knownRecords: Set<String>?
    /// Whether to seed the decoded-event cache with the touched records (worth it for pages, whose
    /// records the desk is likely to read next; not for a whole snapshot).
    let rememberDecoded: Bool

    /// The one insert statement, prepared at the first event.
    private var insertEvent: Statement?
    private var held: [RecordKey: (events: [Event], bodies: [Data])] = [:]
    private var fresh: [RecordKey: (events: [Event], bodies: [Data])] = [:]
    private var maxStamp: HLCTimestamp?
    package private(set) var applied = 0
    package private(set) var duplicates = 0
    package private(set) var conflicts: [Dot] = []
    /// Records with new events so far.
    package var touchedRecords: Int { fresh.count }
    /// The store whose document counters follow the documents applied here (`DocumentNumbers`):
    /// the node's own store.
    package var documentsOf: StoreID?

    package init(db: Database, knownRecords: Set<String>?, rememberDecoded: Bool) {
        self.db = db
        self.knownRecords = knownRecords
        self.rememberDecoded = rememberDecoded
    }

    /// Inserts `event`, stored as `body` (its JSON; encoded here when nil). A dot already held is
    /// a duplicate when the content is the same, else a refused conflict; neither changes anything.
    package mutating func insert(_ event: Event, body: Data?) throws {
        let key = event.record
        if held[key] == nil && fresh[key] == nil {
            // Pin what the tables hold for the record before its first new event goes in.
            if knownRecords?.contains(key.description) ?? true {
                let loaded = try Projector(db: db).eventsWithBodies(of: key)
                if !loaded.events.isEmpty { held[key] = loaded }
            }
        }
        let bytes = try body ?? EventCodec.encode(event)
        if insertEvent == nil {
            insertEvent = try db.makeStatement(
                sql:
                    "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (node, seq) DO NOTHING"
            )
        }
        insertEvent!.setUncheckedArguments([
            event.dot.node.rawValue, Int64(event.dot.seq), key.description, event.payload.kind, event.hlc.wall,
            Int64(event.hlc.logical), bytes,
        ])
        try insertEvent!.execute()
        guard db.changesCount == 1 else {
            let stored = try Data.fetchOne(
                db.cachedStatement(sql: "SELECT body FROM events WHERE node = ? AND seq = ?"),
                arguments: [event.dot.node.rawValue, Int64(event.dot.seq)])
            if let stored, try EventCodec.decodeEvent(stored) == event {
                duplicates += 1
            } else {
                conflicts.append(event.dot)
            }
            return
        }
        applied += 1
        // The bytes are kept only to seed the cache; a snapshot's would double the memory.
        fresh[key, default: ([], [])].events.append(event)
        if rememberDecoded { fresh[key]!.bodies.append(bytes) }
        if maxStamp.map({ event.hlc > $0 }) ?? true { maxStamp = event.hlc }
    }

    /// Folds every touched record once, writes its rows and the sums' differences, and moves the
    /// node's clock past every stamp taken in.
    ///
    /// In chunks of records, so that a snapshot's folded states are never all in memory at once,
    /// and pipelined: while this (the database) thread writes one chunk's delta, another core
    /// merges, folds and builds the next one (a small page is done in one go on this thread).
    package mutating func finish(now: Int64) throws {
        guard !fresh.isEmpty else { return }
        let keys = fresh.keys.sorted()
        if let documentsOf {
            try DocumentNumbers.advance(
                db, store: documentsOf, past: keys, events: fresh.values.lazy.flatMap { $0.events })
        }
        let projector = Projector(db: db)
        let chunk = 16_384
        var parts: [[RecordKey]] = []
        var from = 0
        while from < keys.count {
            parts.append(Array(keys[from..<min(from + chunk, keys.count)]))
            from += chunk
        }
        let fresh = self.fresh
        self.fresh = [:]
        let prepare = Prepared.Input(fresh: fresh, held: held, rememberDecoded: rememberDecoded)
        if parts.count == 1 {
            try write(Prepared.make(parts[0], prepare), projector)
        } else {
            var next = Prepared.async(parts[0], prepare)
            for i in parts.indices {
                let current = try next.wait()
                if i + 1 < parts.count { next = Prepared.async(parts[i + 1], prepare) }
                try write(current, projector)
            }
        }
        if let maxStamp {
            // As `EventLog.receive` does for each stamp; observing the highest is enough.
            let text = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hlc'") ?? "0.0"
            let parts = text.split(separator: ".")
            let last = HLCTimestamp(
                wall: Int64(parts.first ?? "0") ?? 0, logical: UInt32(parts.count > 1 ? parts[1] : "0") ?? 0)
            var clock = HybridLogicalClock(last: last)
            clock.observe(maxStamp, now: now)
            try db.execute(
                sql:
                    "INSERT INTO meta (key, value) VALUES ('hlc', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: ["\(clock.last.wall).\(clock.last.logical)"])
        }
        self.held.removeAll()
    }

    private func write(_ prepared: Prepared, _ projector: Projector) throws {
        try projector.apply(prepared.delta)
        for (key, entry) in prepared.cache {
            DecodedEventCache.shared.remember(key, bodies: entry.bodies, events: entry.events)
        }
    }

    /// One chunk of records folded and turned into a projection delta, off the database thread.
    struct Prepared: @unchecked Sendable {
        var delta: ProjectionDelta
        var cache: [(String, (events: [Event], bodies: [Data]))]

        struct Input: @unchecked Sendable {
            let fresh: [RecordKey: (events: [Event], bodies: [Data])]
            let held: [RecordKey: (events: [Event], bodies: [Data])]
            let rememberDecoded: Bool
        }

        static func make(_ part: [RecordKey], _ input: Input) throws -> Prepared {
            var delta = ProjectionDelta()
            var cache: [(String, (events: [Event], bodies: [Data]))] = []
            for key in part {
                let new = input.fresh[key]!
                let old = input.held[key]
                var events: [Event]
                var bodies: [Data] = []
                if input.rememberDecoded {
                    let pairs = (Array(zip(old?.events ?? [], old?.bodies ?? [])) + Array(zip(new.events, new.bodies)))
                        .sorted { $0.0.dot < $1.0.dot }
                    events = pairs.map(\.0)
                    bodies = pairs.map(\.1)
                } else {
                    events = (old?.events ?? []) + new.events
                    if events.count > 1 { events.sort { $0.dot < $1.dot } }
                }
                let oldState = old.map { RecordFold.fold(key: key, events: $0.events) } ?? RecordState(key: key)
                try delta.add(old: oldState, new: RecordFold.fold(key: key, events: events))
                if input.rememberDecoded && bodies.count == events.count {
                    cache.append((key.description, (events, bodies)))
                }
            }
            return Prepared(delta: delta, cache: cache)
        }

        /// `make` on another thread; `wait()` for the result.
        static func async(_ part: [RecordKey], _ input: Input) -> Pending {
            let pending = Pending()
            DispatchQueue.global(qos: .userInitiated).async { pending.fulfil(Result { try make(part, input) }) }
            return pending
        }
    }

    final class Pending: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private var value: Result<Prepared, any Error>?
        func fulfil(_ v: Result<Prepared, any Error>) {
            value = v
            done.signal()
        }
        func wait() throws -> Prepared {
            done.wait()
            return try value!.get()
        }
    }
}
