import GRDB
public import HubStore
public import Replication

extension SQLiteHubStore {
    public func resolveException(_ id: String, note: String, by node: NodeID, now: Int64) async throws
        -> ExceptionResolution
    {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw HubError(code: "input.missingNote", message: "say what was done about the exception")
        }
        guard try await state().exceptions().contains(where: { $0.id == id }) else {
            throw HubError(code: "exception.notFound", message: "no current exception has the id \(id)")
        }
        let resolution = ExceptionResolution(id: id, note: trimmed, resolvedBy: node, resolvedAt: now)
        try await database.transaction { db in
            try db.execute(
                sql:
                    "INSERT INTO hub_resolutions (id, note, resolved_by, resolved_at) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET note = excluded.note, resolved_by = excluded.resolved_by, resolved_at = excluded.resolved_at",
                arguments: [id, trimmed, node.rawValue, now])
        }
        return resolution
    }

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
