import Foundation
public import GRDB
public import Replication
public import ReturnsDomain

/// The event log of the replica within one transaction: author local events, take in remote ones,
/// keep the outbox, and — before the transaction commits — re-project every record it touched.
///
/// Records touched in the transaction are decoded and folded once and then kept in memory, so a
/// command that writes several events on one record pays for one fold and one projection write.
/// Always end with `flush()` (the `NodeDatabase.write` helper does) so projections commit with
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

    public init(_ db: Database, identity: NodeIdentity) {
        self.db = db
        self.identity = identity
    }

    /// Records a new event authored by this node at wall time `now` (ms). Its causal context is the
    /// record's current version vector; it goes to the outbox at once and to the projections at `flush()`.
    @discardableResult
    public func author(_ payload: DomainEvent, on record: RecordKey, staff: StaffID, now: Int64) throws -> Event {
        let seq = try (lastSeq ?? UInt64(meta("seq"))!) + 1
        var clock = try self.clock ?? HybridLogicalClock(last: storedClock())
        let stamp = clock.tick(now: now)
        var context = VersionVector()
        for e in try events(of: record) { context.record(e.dot) }
        let event = Event(dot: Dot(node: identity.node, seq: seq), record: record, context: context, hlc: stamp, staff: staff, payload: payload)
        try insert(event)
        try db.cachedStatement(sql: "INSERT INTO outbox (seq) VALUES (?)").execute(arguments: [Int64(seq)])
        self.lastSeq = seq
        self.clock = clock
        return event
    }

    /// Takes in an event from elsewhere (pulled from the hub). Idempotent; a different event under
    /// a dot already held is refused (`.conflictingDot`) and nothing is written.
    @discardableResult
    public func receive(_ event: Event, now: Int64) throws -> ApplyOutcome {
        if let held = try Data.fetchOne(db.cachedStatement(sql: "SELECT body FROM events WHERE node = ? AND seq = ?"), arguments: [event.dot.node.rawValue, Int64(event.dot.seq)]) {
            return try EventCodec.decodeEvent(held) == event ? .duplicate : .conflictingDot
        }
        try insert(event)
        var clock = try self.clock ?? HybridLogicalClock(last: storedClock())
        clock.observe(event.hlc, now: now)
        self.clock = clock
        return .applied
    }

    /// Writes the projections of every record touched since the last flush, and the node's counters.
    public func flush() throws {
        for key in dirty.sorted() {
            let old = try state(of: key)
            let new = RecordFold.fold(key: key, events: try events(of: key))
            try Projector(db: db).apply(old: old, new: new)
            projected[key] = new
            // Later transactions read these bytes back: let them skip decoding.
            if let b = bodies[key], let e = events[key], b.count == e.count {
                DecodedEventCache.shared.remember(key.description, bodies: b, events: e)
            }
        }
        dirty.removeAll()
        if let lastSeq { try setMeta("seq", String(lastSeq)) }
        if let clock { try setMeta("hlc", "\(clock.last.wall).\(clock.last.logical)") }
    }

    /// The record's state including events not flushed yet.
    public func currentState(of key: RecordKey) throws -> RecordState {
        if dirty.contains(key) { try flush() }
        return try state(of: key)
    }

    private func insert(_ e: Event) throws {
        _ = try state(of: e.record)
        let body = try EventCodec.encodeEvent(e)
        try db.cachedStatement(sql: "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [e.dot.node.rawValue, Int64(e.dot.seq), e.record.description, e.payload.kind, e.hlc.wall, Int64(e.hlc.logical), body])
        var list = try events(of: e.record)
        // The fold's result does not depend on order, but keeping dot order keeps folds repeatable
        // (and matches the `ORDER BY node, seq` the bytes are read back in).
        let index = list.firstIndex { $0.dot > e.dot } ?? list.count
        list.insert(e, at: index)
        events[e.record] = list
        bodies[e.record, default: []].insert(body, at: index)
        dirty.insert(e.record)
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
        let s = list.isEmpty ? RecordState(key: key) : RecordFold.fold(key: key, events: list)
        projected[key] = s
        return s
    }

    /// The record's version vector as this replica holds it.
    public func vector(of record: RecordKey) throws -> VersionVector {
        var v = VersionVector()
        for e in try events(of: record) { v.record(e.dot) }
        return v
    }

    func meta(_ key: String) throws -> String {
        guard let v = try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key]) else {
            throw NodeStoreError(code: "node.corrupt", message: "meta \(key) missing")
        }
        return v
    }

    func setMeta(_ key: String, _ value: String) throws {
        try db.cachedStatement(sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .execute(arguments: [key, value])
    }

    func storedClock() throws -> HLCTimestamp {
        let parts = try meta("hlc").split(separator: ".")
        return HLCTimestamp(wall: Int64(parts[0]) ?? 0, logical: UInt32(parts.count > 1 ? parts[1] : "0") ?? 0)
    }

    /// Mints a store-prefixed document number (`RT-S-A-000017`) from a per-prefix counter.
    public func mint(_ prefix: String) throws -> String {
        let key = "counter.\(prefix)"
        let next = (Int(try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM meta WHERE key = ?"), arguments: [key]) ?? "0") ?? 0) + 1
        try setMeta(key, String(next))
        let digits = String(next)
        return "\(prefix)-\(identity.store)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }
}
