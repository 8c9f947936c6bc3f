import Admission
public import HubStore
import Logging
import PostgresNIO
public import Replication
public import ReturnsDomain

extension PostgresHubStore {
    /// The definition is the hub's own event (node `hub`), after the record's earlier definitions,
    /// taken in like a pushed event and delivered to every node.
    public func defineStaff(_ member: StaffMember, by staff: StaffID, now: Int64) async throws -> StaffMember {
        try await authorAsHub([(.staffDefined(member), RecordKey(.staff, member.id.rawValue))], by: staff, now: now)
        return member
    }

    public func authorAsHub(_ payloads: [(DomainEvent, RecordKey)], by staff: StaffID, now: Int64) async throws
        -> [Event]
    {
        let logger = self.logger
        let events = try await transaction { connection in
            var authoring = try await HubCounters.lock(connection, logger: logger)
            let events = try await Self.authorAsHub(
                payloads, authoring: &authoring.state, connection: connection, logger: logger, staff: staff, now: now)
            try await authoring.save(connection, logger: logger)
            return events
        }
        feedChanges.ring()
        return events
    }

    /// `authorAsHub`'s body, inside a transaction that holds the hub's counters (`HubCounters.lock`;
    /// the caller saves them): each event after its record's earlier events, admitted like a
    /// pushed event (with the records' owners as this transaction holds them) and taken in for
    /// every node.
    static func authorAsHub(
        _ payloads: [(DomainEvent, RecordKey)], authoring: inout EventAuthoring, connection: PostgresConnection,
        logger: Logger, staff: StaffID, now: Int64
    ) async throws -> [Event] {
        let reader = PostgresReader(connection: connection, logger: logger)
        var contexts: [RecordKey: VersionVector] = [:]
        for held in try await reader.records(Array(Set(payloads.map(\.1)))) { contexts[held.key] = held.vector }
        var events: [Event] = []
        for (payload, key) in payloads {
            let event = authoring.author(
                payload, on: key, context: contexts[key] ?? VersionVector(), staff: staff, now: now)
            // A second event about the same record in this batch follows the first.
            var context = contexts[key] ?? VersionVector()
            context.record(event.dot)
            contexts[key] = context
            events.append(event)
        }
        try await PostgresIngest(connection: connection, logger: logger).apply(events, scoping: .everyone) { held in
            var owners = RecordOwners()
            for state in held.values { owners.learn(state) }
            do {
                try AdmissionRules.admit(
                    events, by: EventAuthor(node: hubNode, role: .hub, store: nil), owners: &owners, now: now)
            } catch let error as AdmissionError {
                throw HubError(error)
            }
        }
        return events
    }
}
