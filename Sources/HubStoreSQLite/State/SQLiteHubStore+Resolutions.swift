import GRDB
public import HubStore
public import Replication

extension SQLiteHubStore {
    public func exceptionResolutions() async throws -> [ExceptionResolution] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, note, resolved_by, resolved_at FROM hub_resolutions ORDER BY resolved_at, id"
            ).map {
                ExceptionResolution(
                    id: $0["id"], note: $0["note"], resolvedBy: NodeID($0["resolved_by"] as String),
                    resolvedAt: $0["resolved_at"])
            }
        }
    }
}
