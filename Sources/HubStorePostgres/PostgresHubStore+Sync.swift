import Admission
import EventCoding
import Foundation
public import HubStore
import Logging
import NIOCore
import PostgresNIO
public import Replication
import ReturnsDomain

extension PostgresHubStore {
    /// Takes in a change set as `PushPlan` lays down, in one transaction that has committed before
    /// the receipt is returned. The node's row is locked first, so two pushes of one node (two hub
    /// processes, a retry racing the original) take turns and the second sees the first's
    /// acknowledgement.
    public func push(_ changeSet: ChangeSet, from node: NodeID, now: Int64) async throws -> PushReceipt {
        let epoch = epochValue
        let logger = self.logger
        do {
            let receipt = try await transaction { connection in
                let member = try await PostgresNodeRow.active(connection, node, logger: logger, forUpdate: true)
                guard member.role.mayPush else {
                    throw HubError(
                        code: HubError.Code.forbidden,
                        message: "node \(node) is enrolled as \(member.role.rawValue), which authors no events")
                }
                let plan = try PushPlan(changeSet, from: node, acked: member.acked)
                var duplicates = 0
                if !plan.held.isEmpty {
                    var stored: [UInt64: Event] = [:]
                    for try await (seq, body) in try await connection.query(
                        "SELECT seq, body FROM hub_events WHERE node = \(node.rawValue) AND seq = ANY(\(plan.held.map { Int64($0.dot.seq) }))",
                        logger: logger
                    ).decode((Int64, ByteBuffer).self) {
                        stored[UInt64(seq)] = try EventCodec.decodeEvent(Data(buffer: body))
                    }
                    for event in plan.held {
                        guard let held = stored[event.dot.seq] else {
                            throw HubError(
                                code: HubError.Code.corrupt,
                                message:
                                    "the hub acknowledged \(node) up to \(member.acked) but does not hold \(event.dot)")
                        }
                        guard held == event else { throw DotConflict(event: event) }
                        duplicates += 1
                    }
                }
                try await PostgresIngest(connection: connection, logger: logger)
                    .apply(plan.new, scoping: .relevance(authorStore: member.store)) { states in
                        var owners = RecordOwners()
                        for key in plan.ownedRecords { if let state = states[key] { owners.learn(state) } }
                        try plan.admit(by: member.author, owners: owners, now: now)
                    }
                try await connection.query(
                    "UPDATE hub_nodes SET acked = \(Int64(plan.ackedAfter)), last_push_at = \(now) WHERE node = \(node.rawValue)",
                    logger: logger)
                return PushReceipt(
                    acked: plan.ackedAfter, applied: plan.new.count, duplicates: duplicates, epoch: epoch)
            }
            // Committed: wake the pulls this process holds (other processes hear the NOTIFY).
            if receipt.applied > 0 { feedChanges.ring() }
            return receipt
        } catch let conflict as DotConflict {
            try await recordIncident(conflict, node: node, now: now)
            throw HubError.dotConflict(at: conflict.event.dot, node: node)
        }
    }

    /// Records a refused dot conflict in its own transaction (the push's was rolled back); the
    /// same offer again counts as one incident seen again.
    func recordIncident(_ conflict: DotConflict, node: NodeID, now: Int64) async throws {
        let digest = HubIncident.digest(of: conflict.event)
        let message =
            "node \(node) offered an event under \(conflict.event.dot) that differs from the one the hub holds"
        let code = HubError.Code.dotConflict
        let logger = self.logger
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO hub_incidents (code, node, seq, offered_digest, message, first_at, last_at, occurrences)
                VALUES (\(code), \(node.rawValue), \(Int64(conflict.event.dot.seq)), \(digest), \(message), \(now), \(now), 1)
                ON CONFLICT (node, seq, offered_digest)
                DO UPDATE SET last_at = excluded.last_at, occurrences = hub_incidents.occurrences + 1
                """, logger: logger)
        }
    }

    public func recordRefusal(by node: NodeID, of dot: Dot, code: String, message: String, now: Int64) async throws {
        let (digest, text) = HubIncident.feedRefusal(of: dot, by: node, code: code, message: message)
        let refused = HubIncident.feedRefusedCode
        let logger = self.logger
        try await transaction { connection in
            _ = try await PostgresNodeRow.active(connection, node, logger: logger)
            try await connection.query(
                """
                INSERT INTO hub_incidents (code, node, seq, offered_digest, message, first_at, last_at, occurrences)
                VALUES (\(refused), \(dot.node.rawValue), \(Int64(dot.seq)), \(digest), \(text), \(now), \(now), 1)
                ON CONFLICT (node, seq, offered_digest)
                DO UPDATE SET last_at = excluded.last_at, occurrences = hub_incidents.occurrences + 1
                """, logger: logger)
        }
    }

    /// Reads a page of the feed in one snapshot, then records the pull.
    ///
    /// Why no event is ever skipped with several hub processes: a push numbers its events by
    /// moving the single feed-head row as its last step and holds that row's lock until it
    /// commits, so pushes commit in the order of their numbers. A snapshot that sees hub seq n
    /// therefore sees every smaller one, and the head it reads in the same snapshot is exact.
    public func pull(for node: NodeID, after checkpoint: UInt64, limit: Int, now: Int64) async throws -> PullPage {
        guard limit >= 1 else {
            throw HubError(code: HubError.Code.badLimit, message: "a pull asks for at least 1 event, not \(limit)")
        }
        let limit = min(limit, PullPage.maxEvents)
        let epoch = epochValue
        let logger = self.logger
        let page = try await snapshot { connection -> PullPage in
            let member = try await PostgresNodeRow.active(connection, node, logger: logger)
            let head = try await Self.feedHead(connection, logger: logger)
            guard checkpoint <= head else {
                throw HubError(
                    code: HubError.Code.checkpointAhead,
                    message:
                        "checkpoint \(checkpoint) is past this hub's feed (\(head)); it belongs to another hub database: pull again from 0"
                )
            }
            // The relevance rule of FeedRelevance.isRelevant, evaluated in the query.
            var events: [FeedEvent] = []
            for try await (hubSeq, body) in try await connection.query(
                """
                SELECT hub_seq, body FROM hub_events
                WHERE hub_seq > \(Int64(checkpoint)) AND node <> \(node.rawValue)
                  AND (scope IS NULL OR \(member.store?.rawValue)::text IS NULL OR scope = \(member.store?.rawValue))
                ORDER BY hub_seq LIMIT \(Int64(limit + 1))
                """, logger: logger
            ).decode((Int64, ByteBuffer).self) {
                let data = Data(buffer: body)
                events.append(FeedEvent(hubSeq: UInt64(hubSeq), event: try EventCodec.decodeEvent(data), body: data))
            }
            let more = events.count > limit
            if more { events.removeLast() }
            // Without more, everything up to the head has been considered for this node.
            return PullPage(
                epoch: epoch, events: events, checkpoint: more ? events.last!.hubSeq : head, more: more,
                acked: member.acked)
        }
        try await transaction { connection in
            try await connection.query(
                "UPDATE hub_nodes SET last_pull_at = \(now), pulled_checkpoint = \(Int64(page.checkpoint)) WHERE node = \(node.rawValue)",
                logger: logger)
        }
        return page
    }

    /// The highest hub sequence number committed (as this transaction's snapshot sees it).
    static func feedHead(_ connection: PostgresConnection, logger: Logger) async throws -> UInt64 {
        let rows = try await connection.query("SELECT head FROM hub_feed_head WHERE id = 1", logger: logger).collect()
        guard let head = try rows.first?.decode(Int64.self) else {
            throw HubError(code: HubError.Code.corrupt, message: "the hub database has no feed head")
        }
        return UInt64(head)
    }
}

/// Thrown inside the push transaction to roll it back when a held dot's content differs.
struct DotConflict: Error {
    var event: Event
}
