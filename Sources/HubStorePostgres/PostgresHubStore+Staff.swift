import Admission
public import HubStore
import Logging
import PostgresNIO
import Replication
public import ReturnsDomain

extension PostgresHubStore {
    /// The definition is the hub's own event (node `hub`), after the record's earlier definitions,
    /// taken in like a pushed event and delivered to every node.
    public func defineStaff(_ member: StaffMember, by staff: StaffID, now: Int64) async throws -> StaffMember {
        let logger = self.logger
        try await transaction { connection in
            var authoring = try await HubCounters.lock(connection, logger: logger)
            let key = RecordKey(.staff, member.id.rawValue)
            let held = try await PostgresReader(connection: connection, logger: logger).records([key])
            let context = held.first?.vector ?? VersionVector()
            let event = authoring.state.author(.staffDefined(member), on: key, context: context, staff: staff, now: now)
            try await PostgresIngest(connection: connection, logger: logger).apply([event], scoping: .everyone) { _ in
                var owners = RecordOwners()
                do {
                    try AdmissionRules.admit(
                        [event], by: EventAuthor(node: Self.hubNode, role: .hub, store: nil), owners: &owners, now: now)
                } catch let error as AdmissionError {
                    throw HubError(error)
                }
            }
            try await authoring.save(connection, logger: logger)
        }
        feedChanges.ring()
        return member
    }
}
