import GRDB
public import HubStore
import ReplicaStore
public import Replication
public import ReturnsDomain

extension SQLiteHubStore {
    /// As the embedded hub: the definition is the hub's own event, in the feed for every node.
    public func defineStaff(_ member: StaffMember, by staff: StaffID, now: Int64) async throws -> StaffMember {
        try await authorAsHub([(.staffDefined(member), RecordKey(.staff, member.id.rawValue))], by: staff, now: now)
        return member
    }

    public func authorAsHub(_ payloads: [(DomainEvent, RecordKey)], by staff: StaffID, now: Int64) async throws
        -> [Event]
    {
        let identity = database.identity
        let events = try await database.transaction { db in
            try Self.authorAsHub(payloads, log: EventLog(db, identity: identity), staff: staff, now: now)
        }
        feedChanges.ring()
        return events
    }

    /// `authorAsHub`'s body, inside a transaction the caller holds: each event authored, put in
    /// the feed for every node, projected, and acknowledged (the hub keeps no outbox).
    static func authorAsHub(_ payloads: [(DomainEvent, RecordKey)], log: EventLog, staff: StaffID, now: Int64) throws
        -> [Event]
    {
        var events: [Event] = []
        for (payload, key) in payloads {
            let event = try log.author(payload, on: key, staff: staff, now: now)
            try log.db.execute(
                sql: "INSERT INTO hub_feed (node, seq, scope) VALUES (?, ?, NULL)",
                arguments: [event.dot.node.rawValue, Int64(event.dot.seq)])
            events.append(event)
        }
        try log.flush()
        if let last = events.last { try Outbox.acknowledge(log.db, through: last.dot.seq) }
        return events
    }
}
