public import ReplicaStore
public import Replication
public import ReturnsDomain

/// An exception as this store sees it, with head office's note on it when head office resolved
/// it (`exception.resolved`). On the wire it is the exception's own members plus `resolution`.
/// A note is matched by code and record (`ExceptionNote.subject`), not by id: the ids hold the
/// events involved, and this store may hold fewer of them than the hub.
public struct StoreException: Hashable, Sendable, Codable {
    public var exception: ReplicationException
    public var resolution: ExceptionNote?

    public init(_ exception: ReplicationException, notes: [ExceptionNote]) {
        self.exception = exception
        resolution =
            notes.filter { $0.code == exception.code && $0.subject == exception.record.description }
            .max { $0.resolvedAt < $1.resolvedAt }
    }

    private enum CodingKeys: String, CodingKey { case resolution }

    public init(from decoder: any Decoder) throws {
        exception = try ReplicationException(from: decoder)
        resolution = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresent(
            ExceptionNote.self, forKey: .resolution)
    }

    public func encode(to encoder: any Encoder) throws {
        try exception.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(resolution, forKey: .resolution)
    }
}

extension ReplicaReader {
    /// The exceptions queue of this store, each with head office's note when it has one, then
    /// head office's notes on what only the hub raises (a customer's abuse signals, stock below
    /// zero): the store sees what head office decided about its customer or its goods.
    public func storeExceptions() throws -> [StoreException] {
        let notes = try exceptionNotes()
        let local = try exceptions().map { StoreException($0, notes: notes) }
        let answered = Set(local.compactMap(\.resolution))
        let hubOnly = notes.filter { !answered.contains($0) }.compactMap { note -> StoreException? in
            guard let record = RecordKey(note.subject) else { return nil }
            var item = StoreException(
                ReplicationException(code: note.code, record: record, dots: [], message: note.note), notes: [])
            item.resolution = note
            return item
        }
        return local + hubOnly
    }
}
