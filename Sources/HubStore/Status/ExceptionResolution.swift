public import Replication

/// Head office's note that an exception has been dealt with (goods recovered, loss written off,
/// customer contacted). The exception itself stays: the events behind it are facts. A resolution
/// only takes it out of the open queue.
public struct ExceptionResolution: Hashable, Sendable, Codable {
    /// The exception's stable id (`code|record|dots`), the same on every replica.
    public var id: String
    public var note: String
    /// Who resolved it (the credential's node id of the head-office user).
    public var resolvedBy: NodeID
    public var resolvedAt: Int64
    public init(id: String, note: String, resolvedBy: NodeID, resolvedAt: Int64) {
        self.id = id
        self.note = note
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }
}
