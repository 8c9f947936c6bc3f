import Foundation
public import GRDB
public import Replication
public import ReturnsDomain

/// The event log of the replica, inside one transaction: author local events, take in remote ones,
/// keep the outbox, and re-project every touched record before the transaction commits.
public struct EventLog {
    public let db: Database
    public let identity: NodeIdentity

    public init(_ db: Database, identity: NodeIdentity) {
        self.db = db
        self.identity = identity
    }

    /// Records a new event authored by this node at wall time `now` (ms). Its causal context is the
    /// record's current version vector; it goes to the outbox and the projections at once.
    @discardableResult
    public func author(_ payload: DomainEvent, on record: RecordKey, staff: StaffID, now: Int64) throws -> Event {
        let seq = try UInt64(meta("seq"))! + 1
        var clock = HybridLogicalClock(last: try storedClock())
        let stamp = clock.tick(now: now)
        let context = try vector(of: record)
        let event = Event(dot: Dot(node: identity.node, seq: seq), record: record, context: context, hlc: stamp, staff: staff, payload: payload)
        try insert(event)
        try db.execute(sql: "INSERT INTO outbox (seq) VALUES (?)", arguments: [seq])
        try setMeta("seq", String(seq))
        try setMeta("hlc", "\(stamp.wall).\(stamp.logical)")
        try Projector(db: db).project(record, inserted: event.dot)
        return event
    }

    /// Takes in an event from elsewhere (pulled from the hub). Idempotent; a different event under
    /// a dot already held is refused with `sync.dotConflict`.
    @discardableResult
    public func receive(_ event: Event, now: Int64) throws -> ApplyOutcome {
        if let held = try Data.fetchOne(db, sql: "SELECT body FROM events WHERE node = ? AND seq = ?", arguments: [event.dot.node.rawValue, Int64(event.dot.seq)]) {
            return try EventCodec.decode(Event.self, held) == event ? .duplicate : .conflictingDot
        }
        try insert(event)
        var clock = HybridLogicalClock(last: try storedClock())
        let (stamp, _) = clock.observe(event.hlc, now: now)
        try setMeta("hlc", "\(stamp.wall).\(stamp.logical)")
        try Projector(db: db).project(event.record, inserted: event.dot)
        return .applied
    }

    func insert(_ e: Event) throws {
        let body = try EventCodec.encode(e)
        try db.cachedStatement(sql: "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES (?, ?, ?, ?, ?, ?, ?)")
            .execute(arguments: [e.dot.node.rawValue, Int64(e.dot.seq), e.record.description, e.payload.kind, e.hlc.wall, Int64(e.hlc.logical), body])
    }

    /// The record's version vector as this replica holds it.
    public func vector(of record: RecordKey) throws -> VersionVector {
        guard let text = try String.fetchOne(db.cachedStatement(sql: "SELECT vector FROM records WHERE key = ?"), arguments: [record.description]) else {
            return VersionVector()
        }
        return try EventCodec.decode(VersionVector.self, Data(text.utf8))
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
        let next = (Int(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) ?? "0") ?? 0) + 1
        try setMeta(key, String(next))
        let digits = String(next)
        return "\(prefix)-\(identity.store)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }
}
