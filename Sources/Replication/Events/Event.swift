public import ReturnsDomain

/// One immutable business fact with its replication metadata.
public struct Event: Hashable, Sendable, Codable {
    /// The current payload schema version; bump it when a payload's meaning changes.
    public static let currentSchemaVersion = 1

    public var dot: Dot
    public var record: RecordKey
    /// The record's version vector as its author saw it when making the event (its causal context).
    public var context: VersionVector
    public var hlc: HLCTimestamp
    public var staff: StaffID
    public var schemaVersion: Int
    public var payload: DomainEvent

    public init(
        dot: Dot, record: RecordKey, context: VersionVector, hlc: HLCTimestamp, staff: StaffID,
        schemaVersion: Int = Event.currentSchemaVersion, payload: DomainEvent
    ) {
        self.dot = dot
        self.record = record
        self.context = context
        self.hlc = hlc
        self.staff = staff
        self.schemaVersion = schemaVersion
        self.payload = payload
    }

    /// `self` happened after `other`: its context covers other's dot.
    public func happened(after other: Event) -> Bool { context.contains(other.dot) }

    /// Neither event saw the other.
    public func isConcurrent(with other: Event) -> Bool {
        dot != other.dot && !context.contains(other.dot) && !other.context.contains(dot)
    }

    /// The deterministic tie-break order used wherever causality leaves a choice: HLC, then dot.
    public static func tieBreak(_ a: Event, _ b: Event) -> Bool { (a.hlc, a.dot) < (b.hlc, b.dot) }
}

/// A batch of consecutive events authored by one node: what a node pushes.
public struct ChangeSet: Hashable, Sendable, Codable {
    public var node: NodeID
    public var events: [Event]
    public init(node: NodeID, events: [Event]) {
        self.node = node
        self.events = events
    }

    public var firstSeq: UInt64? { events.first?.dot.seq }
    public var lastSeq: UInt64? { events.last?.dot.seq }

    /// Checks the shape of a change set: not empty, not over `maxEvents`, every event authored by
    /// `node`, seqs consecutive, each event on the right kind of record, causal context not claiming
    /// the event itself.
    public func validate(maxEvents: Int) throws(ReplicationError) {
        guard !events.isEmpty else { throw .init(.emptyChangeSet, "a change set must carry at least one event") }
        guard events.count <= maxEvents else {
            throw .init(.changeSetTooLarge, "a change set may carry at most \(maxEvents) events, got \(events.count)")
        }
        var expected = events[0].dot.seq
        guard expected >= 1 else { throw .init(.badSequence, "seqs start at 1") }
        // A run of `events.count` seqs from `expected` must fit in UInt64 before anything adds to it.
        guard expected <= UInt64.max - UInt64(events.count) else {
            throw .init(.badSequence, "seq \(expected) leaves no room for the change set's events")
        }
        for e in events {
            guard e.dot.node == node else {
                throw .init(.forgedAuthor, "event \(e.dot) is not authored by \(node)")
            }
            guard e.dot.seq == expected else {
                throw .init(.badSequence, "seqs must be consecutive: expected \(expected), got \(e.dot.seq)")
            }
            guard e.payload.recordKind == e.record.kind else {
                throw .init(.recordMismatch, "event \(e.dot) of type \(e.payload.kind) cannot belong to \(e.record)")
            }
            guard e.context[node] < e.dot.seq else {
                throw .init(.badContext, "event \(e.dot) claims to have seen itself")
            }
            guard e.schemaVersion >= 1 && e.schemaVersion <= Event.currentSchemaVersion else {
                throw .init(.unsupportedSchema, "event \(e.dot) has schema version \(e.schemaVersion)")
            }
            expected += 1
        }
    }
}

/// Errors of the replication core, with stable codes (`sync.gap`).
public struct ReplicationError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Code: String, Hashable, Sendable, Codable {
        case emptyChangeSet = "sync.emptyChangeSet"
        case changeSetTooLarge = "sync.changeSetTooLarge"
        case badSequence = "sync.badSequence"
        case gap = "sync.gap"
        case forgedAuthor = "sync.forgedAuthor"
        case recordMismatch = "sync.recordMismatch"
        case badContext = "sync.badContext"
        case unsupportedSchema = "sync.unsupportedSchema"
        case dotConflict = "sync.dotConflict"
    }
    public var code: Code
    public var message: String
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code.rawValue): \(message)" }
}
