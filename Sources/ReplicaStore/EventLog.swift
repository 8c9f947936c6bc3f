import Admission
import EventCoding
import Foundation
public import GRDB
public import Replication
public import ReturnsDomain

/// The event log of the replica within one transaction: author local events, take in remote ones,
/// and — before the transaction commits — re-project every record it touched.
///
/// Records touched in the transaction are decoded and folded once and then kept in memory, so a
/// command that writes several events on one record pays for one fold and one projection write.
/// Always end with `flush()` (`NodeService`'s transactions do) so projections commit with
/// the events.
public final class EventLog {
    public let db: Database
    public let identity: NodeIdentity
    /// Events of the records touched in this transaction, sorted by dot.
    private var events: [RecordKey: [Event]] = [:]
    /// The stored bytes of those events, in the same order.
    private var bodies: [RecordKey: [Data]] = [:]
    /// The projected state of each touched record as the tables hold it now.
    private var projected: [RecordKey: RecordState] = [:]
    private var dirty: Set<RecordKey> = []
    private var clock: HybridLogicalClock?
    private var lastSeq: UInt64?
    /// `seq` and `hlc` as `meta` held them when first read in this transaction (`mint` reads them
    /// with its counter, in one statement); the log lives for one transaction, so they cannot go stale.
    private var storedSeq: UInt64?
    private var storedHLC: HLCTimestamp?
    /// What the last `flush()` wrote to `meta`, so a second flush does not write it again.
    private var writtenSeq: UInt64?
    private var writtenClock: HLCTimestamp?
    /// Document counters minted in this transaction (`counter.RT` → 17), written to `meta` by the
    /// next `flush()` in the statement that writes seq and clock.
    private var mintedCounters: [String: Int] = [:]
    /// The kinds of record whose decoded events `flush()` leaves in `DecodedEventCache` for later
    /// transactions (nil: all). A hub, which rarely reads a sale again, keeps to the records that
    /// get more events later, so that the cache is not churned by one-shot records.
    package var rememberedKinds: Set<RecordKind>?

    public init(_ db: Database, identity: NodeIdentity) {
        self.db = db
        self.identity = identity
    }

    /// Records a new event authored by this node at wall time `now` (ms). Its causal context is the
    /// record's current version vector; it is in the outbox at once (`Outbox`: every own event above the
    /// acknowledged seq) and goes to the projections at `flush()`.
    @discardableResult
    public func author(_ payload: DomainEvent, on record: RecordKey, staff: StaffID, now: Int64) throws -> Event {
        var authoring = EventAuthoring(
            node: identity.node, store: identity.store, seq: try lastSeq ?? storedSequence(),
            clock: try self.clock ?? HybridLogicalClock(last: storedClock()))
        var context = VersionVector()
        var owners = RecordOwners()
        for e in try events(of: record) {
            context.record(e.dot)
            owners.learn(e)
        }
        let event = authoring.author(payload, on: record, context: context, staff: staff, now: now)
        // The same gate as the hub's push: what this node may not author, it does not store.
        do {
            try AdmissionRules.admit(
                CollectionOfOne(event), by: .local(node: identity.node, store: identity.store), owners: &owners,
                now: now)
        } catch {
            throw DomainError.invalid(error.code.rawValue, error.message)
        }
        try insert(event)
        self.lastSeq = authoring.seq
        self.clock = authoring.clock
        return event
    }

    /// Takes in an event from elsewhere (pulled from the hub). Idempotent; a different event under
    /// a dot already held is refused (`.conflictingDot`) and nothing is written.
    @discardableResult
    public func receive(_ event: Event, now: Int64) throws -> ApplyOutcome {
        if let held = try Data.fetchOne(
            db.cachedStatement(sql: "SELECT body FROM events WHERE node = ? AND seq = ?"),
            arguments: [event.dot.node.rawValue, Int64(event.dot.seq)])
        {
            return try EventCodec.decodeEvent(held) == event ? .duplicate : .conflictingDot
        }
        try insert(event)
        var clock = try self.clock ?? HybridLogicalClock(last: storedClock())
        clock.observe(event.hlc, now: now)
        self.clock = clock
        return .applied
    }

    /// Takes in events from elsewhere that this replica is known not to hold yet (the hub's new
    /// events above a node's acknowledged seq), the fast way: the touched records' events are
    /// loaded with one query per 200 records, and the events are stored with multi-row inserts
    /// instead of a look-up and an insert each. `each` runs for each event once it has joined its
    /// record here (`knownEvents(of:)` includes it), in order; the rows reach the table before
    /// this returns. A dot held after all fails the insert and throws `AlreadyHeld`; the caller's
    /// transaction then rolls back.
    package func receive(new events: [Event], now: Int64, each: (Event) throws -> Void = { _ in }) throws {
        guard !events.isEmpty else { return }
        try pin(events.map(\.record))
        var clock = try self.clock ?? HybridLogicalClock(last: storedClock())
        var rows = RowWriter(
            db, "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES ", "", columns: 7)
        for e in events {
            let body = try EventCodec.encode(e)
            rows.put(e.dot.node.rawValue); rows.put(Int64(e.dot.seq)); rows.put(e.record.description);
            rows.put(e.payload.kind)
            rows.put(e.hlc.wall); rows.put(Int64(e.hlc.logical)); rows.put(body)
            remember(e, body: body)
            clock.observe(e.hlc, now: now)
            try each(e)
        }
        do {
            try rows.finish()
        } catch let error as DatabaseError
            where error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
            || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY
        {
            // Which one: the statement failed as a whole, so look the dots up.
            for e in events {
                if try Int.fetchOne(
                    db, sql: "SELECT 1 FROM events WHERE node = ? AND seq = ?",
                    arguments: [e.dot.node.rawValue, Int64(e.dot.seq)]) != nil
                {
                    throw AlreadyHeld(dot: e.dot)
                }
            }
            throw error
        }
        self.clock = clock
    }

    /// Tells the log that `record` holds no event yet because its id was minted (`mint`) in this
    /// transaction, so that authoring its first event need not look its events up.
    package func declareNew(_ record: RecordKey) {
        guard events[record] == nil else { return }
        events[record] = []
        bodies[record] = []
        projected[record] = RecordState(key: record)
    }

    /// The events of `record` this log knows: those held before this transaction and those taken
    /// in or authored since, in dot order.
    package func knownEvents(of record: RecordKey) throws -> [Event] { try self.events(of: record) }

    /// Loads the stored events of every record in `keys` not loaded yet, and pins their state,
    /// with one query per 200 records.
    func pin(_ keys: [RecordKey]) throws {
        var seen = Set<RecordKey>()
        let missing = keys.filter { events[$0] == nil && seen.insert($0).inserted }
        var start = 0
        while start < missing.count {
            let chunk = missing[start..<min(start + 200, missing.count)]
            start += chunk.count
            var found: [String: [Data]] = [:]
            let texts = chunk.map { $0.description }
            let placeholders = String(repeating: "?, ", count: chunk.count - 1) + "?"
            let query = try RawQuery(
                db,
                text:
                    "SELECT record, body FROM events WHERE record IN (\(placeholders)) ORDER BY record, node, seq /* raw */"
            )
            for (i, text) in texts.enumerated() { try query.bind(Int32(i + 1), text) }
            while try query.next() { found[query.text(0), default: []].append(query.blob(1)) }
            for (key, text) in zip(chunk, texts) {
                let bodies = found[text] ?? []
                let list = bodies.isEmpty ? [] : try DecodedEventCache.shared.events(of: text, bodies: bodies)
                events[key] = list
                self.bodies[key] = bodies
                if projected[key] == nil {
                    projected[key] =
                        list.isEmpty
                        ? RecordState(key: key) : try DecodedEventCache.shared.state(of: key, bodies: bodies)
                }
            }
        }
    }

    /// A dot `receive(new:now:each:)` was told was new is held already.
    package struct AlreadyHeld: Error, Hashable, Sendable {
        package var dot: Dot
    }

    /// What taking in each of `events` again would do, without writing anything: `.duplicate`
    /// when the dot is held with the same content, `.conflictingDot` when with different content,
    /// `.applied` when it is not held. One query per authoring node; the offered event's bytes are
    /// compared first and only a difference is decoded (the bytes of equal events may differ, for
    /// instance in the order of a context's entries).
    package func compareHeld(_ events: [Event]) throws -> [ApplyOutcome] {
        guard !events.isEmpty else { return [] }
        var held: [Dot: Data] = [:]
        var byNode: [NodeID: (min: UInt64, max: UInt64, count: Int)] = [:]
        for e in events {
            let r = byNode[e.dot.node] ?? (e.dot.seq, e.dot.seq, 0)
            byNode[e.dot.node] = (min(r.min, e.dot.seq), max(r.max, e.dot.seq), r.count + 1)
        }
        for (node, r) in byNode {
            if r.max - r.min < UInt64(2 * r.count) {
                let rows = try Row.fetchCursor(
                    db.cachedStatement(sql: "SELECT seq, body FROM events WHERE node = ? AND seq BETWEEN ? AND ?"),
                    arguments: [node.rawValue, Int64(r.min), Int64(r.max)])
                while let row = try rows.next() { held[Dot(node: node, seq: UInt64(row[0] as Int64))] = row[1] }
            } else {
                for e in events where e.dot.node == node {
                    if let body = try Data.fetchOne(
                        db.cachedStatement(sql: "SELECT body FROM events WHERE node = ? AND seq = ?"),
                        arguments: [node.rawValue, Int64(e.dot.seq)])
                    {
                        held[e.dot] = body
                    }
                }
            }
        }
        return try events.map { e in
            guard let body = held[e.dot] else { return .applied }
            if try EventCodec.encode(e) == body { return .duplicate }
            return try EventCodec.decodeEvent(body) == e ? .duplicate : .conflictingDot
        }
    }

    /// Writes the projections of every record touched since the last flush, and the node's
    /// counters: each record folded once, the sums' differences over all of them written once per
    /// key in key order, each record's rows as far as they changed (`ProjectionDelta`).
    public func flush() throws {
        if !dirty.isEmpty {
            var delta = ProjectionDelta()
            for key in dirty.sorted() {
                let old = try state(of: key)
                let new = RecordFold.fold(key: key, events: try events(of: key))
                try delta.add(old: old, new: new)
                projected[key] = new
                // Later transactions read these bytes back: let them skip decoding.
                if rememberedKinds?.contains(key.kind) ?? true, let b = bodies[key], let e = events[key],
                    b.count == e.count
                {
                    DecodedEventCache.shared.remember(key.description, bodies: b, events: e, state: new)
                }
            }
            try Projector(db: db).apply(delta)
        }
        dirty.removeAll()
        // Seq, clock and minted counters in one statement, and only what moved since the last flush.
        let seq = lastSeq.flatMap { $0 == writtenSeq ? nil : $0 }
        let hlc = clock.flatMap { $0.last == writtenClock ? nil : $0.last }
        var meta = RowWriter(
            db, "INSERT INTO meta (key, value) VALUES ", " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            columns: 2)
        if let seq {
            meta.put("seq")
            meta.put(String(seq))
        }
        if let hlc {
            meta.put("hlc")
            meta.put(EventAuthoring.clockText(hlc))
        }
        for (key, value) in mintedCounters.sorted(by: { $0.key < $1.key }) {
            meta.put(key)
            meta.put(String(value))
        }
        try meta.finish()
        mintedCounters.removeAll()
        if let seq { writtenSeq = seq }
        if let hlc { writtenClock = hlc }
    }

    /// The record's state including events not flushed yet.
    package func currentState(of key: RecordKey) throws -> RecordState {
        if dirty.contains(key) { try flush() }
        return try state(of: key)
    }

    private func insert(_ e: Event) throws {
        _ = try state(of: e.record)
        let body = try EventCodec.encode(e)
        var row = RowWriter(
            db, "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES ", "", columns: 7)
        row.put(e.dot.node.rawValue); row.put(Int64(e.dot.seq)); row.put(e.record.description); row.put(e.payload.kind)
        row.put(e.hlc.wall); row.put(Int64(e.hlc.logical)); row.put(body)
        try row.finish()
        remember(e, body: body)
    }

    /// Adds a stored event to its record's list (dot order) and marks the record for `flush()`.
    private func remember(_ e: Event, body: Data) {
        // The fold's result does not depend on order, but keeping dot order keeps folds repeatable
        // (and matches the `ORDER BY node, seq` the bytes are read back in).
        // Each list is changed in place: one lookup each, no copy of the list.
        let index = Self.insertInDotOrder(e, into: &events[e.record, default: []])
        bodies[e.record, default: []].insert(body, at: index)
        dirty.insert(e.record)
    }

    /// Inserts `e` after every event with a smaller dot (at the end, almost always); returns where.
    private static func insertInDotOrder(_ e: Event, into list: inout [Event]) -> Int {
        var index = list.count
        if let last = list.last, e.dot < last.dot { index = list.firstIndex { $0.dot > e.dot }! }
        list.insert(e, at: index)
        return index
    }

    private func events(of key: RecordKey) throws -> [Event] {
        if let cached = events[key] { return cached }
        let loaded = try Projector(db: db).eventsWithBodies(of: key)
        events[key] = loaded.events
        bodies[key] = loaded.bodies
        return loaded.events
    }

    /// The state the tables hold for `key`. `insert` pins it before adding an event, so it never
    /// includes unflushed events.
    private func state(of key: RecordKey) throws -> RecordState {
        if let s = projected[key] { return s }
        let list = try events(of: key)
        let s: RecordState
        if list.isEmpty {
            s = RecordState(key: key)
        } else if let b = bodies[key], b.count == list.count {
            // The events are the stored ones here (nothing added yet): their fold may be cached.
            s = try DecodedEventCache.shared.state(of: key, bodies: b)
        } else {
            s = RecordFold.fold(key: key, events: list)
        }
        projected[key] = s
        return s
    }

    /// The record's version vector as this replica holds it.
    package func vector(of record: RecordKey) throws -> VersionVector {
        var v = VersionVector()
        for e in try events(of: record) { v.record(e.dot) }
        return v
    }

    func meta(_ key: String) throws -> String {
        guard
            let v = try String.fetchOne(
                db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key])
        else {
            throw ReplicaStoreError(code: "node.corrupt", message: "meta \(key) missing")
        }
        return v
    }

    func storedClock() throws -> HLCTimestamp {
        if let storedHLC { return storedHLC }
        let clock = EventAuthoring.parseClock(try meta("hlc"))
        storedHLC = clock
        return clock
    }

    private func storedSequence() throws -> UInt64 {
        if let storedSeq { return storedSeq }
        guard let seq = UInt64(try meta("seq")) else {
            throw ReplicaStoreError(code: "node.corrupt", message: "meta seq is not a number")
        }
        storedSeq = seq
        return seq
    }

    /// Gives back `number`, minted from `prefix` and then not used, if it is still the last one
    /// minted: the counter goes back one. Otherwise (another was minted since) it stays a gap.
    package func giveBack(_ prefix: String, _ number: String) throws {
        guard let n = DocumentNumbers.parse(number, store: identity.store), n.prefix == prefix, n.number > 0 else {
            return
        }
        let key = "counter.\(prefix)"
        if let minted = mintedCounters[key] {
            // Minted in this transaction and not written yet.
            if minted == n.number { mintedCounters[key] = minted - 1 }
            return
        }
        try db.execute(
            sql: "UPDATE meta SET value = ? WHERE key = ? AND value = ?",
            arguments: [String(n.number - 1), "counter.\(prefix)", String(n.number)])
    }

    /// Mints a store-prefixed document number (`RT-S-A-000017`) from a per-prefix counter. The
    /// counter is written by the next `flush()`.
    package func mint(_ prefix: String) throws -> String {
        let key = "counter.\(prefix)"
        var counter: String?
        if let minted = mintedCounters[key] {
            counter = String(minted)
        } else if storedSeq == nil && lastSeq == nil && storedHLC == nil && clock == nil {
            // The first write of a command mints; `author` follows and needs seq and clock: one read.
            // Three point reads in one statement (`key IN (…)` would build a temporary index of the list).
            let query = try RawQuery(
                db,
                "SELECT key, value FROM meta WHERE key = ? UNION ALL SELECT key, value FROM meta WHERE key = 'seq' UNION ALL SELECT key, value FROM meta WHERE key = 'hlc' /* raw */"
            )
            try query.bind(1, key)
            while try query.next() {
                let k = query.text(0), v = query.text(1)
                switch k {
                case "seq": storedSeq = UInt64(v)
                case "hlc": storedHLC = EventAuthoring.parseClock(v)
                default: counter = v
                }
            }
        } else {
            let query = try RawQuery(db, "SELECT value FROM meta WHERE key = ? /* raw */")
            try query.bind(1, key)
            if try query.next() {
                counter = query.text(0)
                query.done()
            }
        }
        let next = (Int(counter ?? "0") ?? 0) + 1
        mintedCounters[key] = next
        return EventAuthoring.documentNumber(prefix, store: identity.store, number: next)
    }
}
