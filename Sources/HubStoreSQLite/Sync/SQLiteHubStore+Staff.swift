import GRDB
public import HubStore
import ReplicaStore
import Replication
public import ReturnsDomain

extension SQLiteHubStore {
    /// As the embedded hub: the definition is the hub's own event, in the feed for every node.
    public func defineStaff(_ member: StaffMember, by staff: StaffID, now: Int64) async throws -> StaffMember {
        let identity = database.identity
        try await database.transaction { db in
            let log = EventLog(db, identity: identity)
            let event = try log.author(
                .staffDefined(member), on: RecordKey(.staff, member.id.rawValue), staff: staff, now: now)
            try db.execute(
                sql: "INSERT INTO hub_feed (node, seq, scope) VALUES (?, ?, NULL)",
                arguments: [event.dot.node.rawValue, Int64(event.dot.seq)])
            try log.flush()
            try Outbox.acknowledge(db, through: event.dot.seq)
        }
        feedChanges.ring()
        return member
    }
}
