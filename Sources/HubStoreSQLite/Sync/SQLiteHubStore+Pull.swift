import EventCoding
import Foundation
import GRDB
public import HubStore
import ReplicaStore
public import Replication
import ReturnsDomain

extension SQLiteHubStore {
    /// Reads a page of the feed in one snapshot, then records the pull.
    ///
    /// Why SQLite never skips: hub seqs are assigned inside the single writer's transaction, so a
    /// snapshot that holds hub seq n holds every smaller one, and handing out "everything up to
    /// the head" is exact. PostgreSQL with several hub processes is different: a sequence hands
    /// out numbers when rows are inserted, transactions commit in another order, and a reader can
    /// see seq 7 committed while seq 6 is still in flight — a node would move its checkpoint past
    /// 6 for good. The PostgreSQL backend must therefore only hand out seqs below the oldest
    /// transaction still in flight (a watermark from `pg_snapshot_xmin` over each row's
    /// transaction id), or assign feed numbers at commit under one lock.
    public func pull(for node: NodeID, after checkpoint: UInt64, limit: Int, now: Int64) async throws -> PullPage {
        guard limit >= 1 else {
            throw HubError(code: HubError.Code.badLimit, message: "a pull asks for at least 1 event, not \(limit)")
        }
        let limit = min(limit, PullPage.maxEvents)
        let epoch = epochValue
        let (page, lastPullAt) = try await database.writer.read { db -> (PullPage, Int64?) in
            let member = try HubNodeRow.active(db, node)
            let head = try db.feedHead()
            guard checkpoint <= head else {
                throw HubError(
                    code: HubError.Code.checkpointAhead,
                    message:
                        "checkpoint \(checkpoint) is past this hub's feed (\(head)); it belongs to another hub database: pull again from 0"
                )
            }
            // The relevance rule of FeedRelevance.isRelevant, evaluated in the query.
            // The bodies come with the feed rows (one join, no look-up per event).
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT f.hub_seq, f.node, f.seq, e.body FROM hub_feed f LEFT JOIN events e ON e.node = f.node AND e.seq = f.seq
                        WHERE f.hub_seq > ?1 AND f.node != ?2 AND (f.scope IS NULL OR ?3 IS NULL OR f.scope = ?3)
                        ORDER BY f.hub_seq LIMIT ?4
                        """),
                arguments: [Int64(checkpoint), node.rawValue, member.store?.rawValue, limit + 1])
            let more = rows.count > limit
            let events = try rows.prefix(limit).map { row -> FeedEvent in
                guard let body = row[3] as Data? else {
                    let dot = Dot(node: NodeID(row[1] as String), seq: UInt64(row[2] as Int64))
                    throw HubError(
                        code: HubError.Code.corrupt, message: "the feed names \(dot), which the hub does not hold")
                }
                return FeedEvent(hubSeq: UInt64(row[0] as Int64), event: try EventCodec.decodeEvent(body), body: body)
            }
            // Without more, everything up to the head has been considered for this node.
            let next = more ? events.last!.hubSeq : head
            return (
                PullPage(epoch: epoch, events: events, checkpoint: next, more: more, acked: member.acked),
                member.lastPullAt
            )
        }
        // Recording the pull is a durable write (an fsync): a node paging through a long feed
        // records it at its last page, or when the last record is a second old, not at every page.
        if page.more, let lastPullAt, now >= lastPullAt, now - lastPullAt < 1_000 { return page }
        try await database.transaction { db in
            try db.execute(
                sql: "UPDATE hub_nodes SET last_pull_at = ?, pulled_checkpoint = ? WHERE node = ?",
                arguments: [now, Int64(page.checkpoint), node.rawValue])
        }
        return page
    }
}
