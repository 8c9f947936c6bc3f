import Foundation
import GRDB
public import HubStore
import ReplicaStore
public import Replication

extension SQLiteHubStore {
    /// Events per batch of a snapshot (about 1 MB of JSON).
    static let snapshotBatch = 2_048

    /// The snapshot read in one SQLite read transaction (a GRDB `DatabaseSnapshot`, which holds
    /// its read transaction open until the last batch): the feed's head as checkpoint, the count,
    /// and every relevant event up to it, in hub-sequence order. The stored bytes of each event go
    /// out as they are (no decoding at the hub). Pushes go on committing meanwhile (WAL); they get
    /// hub seqs above the checkpoint, so the node pulls them next.
    public func snapshot(for node: NodeID, now: Int64) async throws -> HubSnapshot {
        let snapshot = try database.writer.makeSnapshot()
        let (head, count, store) = try await snapshot.read { db -> (UInt64, Int, String?) in
            let member = try HubNodeRow.active(db, node)
            let head = try db.feedHead()
            let count =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM hub_feed
                        WHERE hub_seq <= ?1 AND node != ?2 AND (scope IS NULL OR ?3 IS NULL OR scope = ?3)
                        """,
                    arguments: [Int64(head), node.rawValue, member.store?.rawValue]) ?? 0
            return (head, count, member.store?.rawValue)
        }
        let cursor = SQLiteSnapshotCursor(snapshot: snapshot)
        let database = self.database
        return HubSnapshot(epoch: epochValue, expectedEvents: count) {
            switch cursor.state {
            case .finished:
                return nil
            case .ending(let checkpoint):
                cursor.state = .finished
                return .end(checkpoint: checkpoint)
            case .reading(let after):
                guard let source = cursor.snapshot else { return nil }
                let (bodies, last) = try await source.read { db -> ([Data], Int64?) in
                    var bodies: [Data] = []
                    bodies.reserveCapacity(Self.snapshotBatch)
                    var last: Int64?
                    // The relevance rule of FeedRelevance.isRelevant, as in `pull`.
                    let rows = try Row.fetchCursor(
                        db.cachedStatement(
                            sql: """
                                SELECT f.hub_seq, e.body FROM hub_feed f JOIN events e ON e.node = f.node AND e.seq = f.seq
                                WHERE f.hub_seq > ?1 AND f.hub_seq <= ?2 AND f.node != ?3
                                  AND (f.scope IS NULL OR ?4 IS NULL OR f.scope = ?4)
                                ORDER BY f.hub_seq LIMIT ?5
                                """),
                        arguments: [after, Int64(head), node.rawValue, store, Self.snapshotBatch])
                    while let row = try rows.next() {
                        last = row[0]
                        bodies.append(row[1])
                    }
                    return (bodies, last)
                }
                if let last, bodies.count == Self.snapshotBatch {
                    cursor.state = .reading(after: last)
                    return .events(bodies)
                }
                // The last batch: release the read transaction and record the node's pull.
                cursor.snapshot = nil
                try await database.transaction { db in
                    try db.execute(
                        sql: "UPDATE hub_nodes SET last_pull_at = ?, pulled_checkpoint = ? WHERE node = ?",
                        arguments: [now, Int64(head), node.rawValue])
                }
                if bodies.isEmpty {
                    cursor.state = .finished
                    return .end(checkpoint: head)
                }
                cursor.state = .ending(head)
                return .events(bodies)
            }
        }
    }
}

/// The read transaction of a snapshot and how far it has been read. `HubSnapshot.next()` is
/// called by one task at a time; the lock only makes the hand-over between calls safe.
private final class SQLiteSnapshotCursor: @unchecked Sendable {
    enum State {
        case reading(after: Int64)
        case ending(UInt64)
        case finished
    }
    private let lock = NSLock()
    private var _snapshot: DatabaseSnapshot?
    private var _state = State.reading(after: 0)

    init(snapshot: DatabaseSnapshot) { _snapshot = snapshot }

    /// The open read transaction; nil once the last batch was read (releasing it).
    var snapshot: DatabaseSnapshot? {
        get { lock.withLock { _snapshot } }
        set { lock.withLock { _snapshot = newValue } }
    }

    var state: State {
        get { lock.withLock { _state } }
        set { lock.withLock { _state = newValue } }
    }
}
