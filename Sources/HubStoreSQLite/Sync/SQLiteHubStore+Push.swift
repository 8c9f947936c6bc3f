import Admission
import GRDB
public import HubStore
import ReplicaStore
public import Replication
import ReturnsDomain

extension SQLiteHubStore {
    /// Takes in a change set as `PushPlan` lays down, in one IMMEDIATE transaction that commits
    /// with `synchronous = FULL` (fsync) before the receipt is returned: the events, their
    /// projections, their feed entries and the node's acknowledged seq commit together or not
    /// at all.
    public func push(_ changeSet: ChangeSet, from node: NodeID, now: Int64) async throws -> PushReceipt {
        let identity = database.identity
        let epoch = epochValue
        do {
            let receipt = try await database.transaction { db in
                let member = try HubNodeRow.active(db, node)
                guard member.role.mayPush else {
                    throw HubError(
                        code: HubError.Code.forbidden,
                        message: "node \(node) is enrolled as \(member.role.rawValue), which authors no events")
                }
                let plan = try PushPlan(changeSet, from: node, acked: member.acked)
                let log = EventLog(db, identity: identity)
                // Records that get more events later (a return's steps, a repair's progress) are
                // worth keeping decoded; the hub rarely reads a sale or a goods receipt again.
                log.rememberedKinds = [.returnOrder, .repairOrder, .customer, .storeCredit, .product]
                var owners = RecordOwners()
                for key in plan.ownedRecords { owners.learn(try log.currentState(of: key)) }
                try plan.admit(by: member.author, owners: owners, now: now)
                var duplicates = 0
                // The held events against what is stored, in one query.
                for (event, outcome) in zip(plan.held, try log.compareHeld(plan.held)) {
                    switch outcome {
                    case .duplicate: duplicates += 1
                    case .conflictingDot: throw DotConflict(event: event)
                    case .applied:
                        throw HubError(
                            code: HubError.Code.corrupt,
                            message: "the hub acknowledged \(node) up to \(member.acked) but did not hold \(event.dot)")
                    }
                }
                // The new events: above the acknowledged seq, so not held (an insert that meets one
                // anyway fails on the key, and the hub reports itself corrupt). Each gets the next
                // hub seq, in order, in one multi-row insert into the feed.
                var feed = RowWriter(db, "INSERT INTO hub_feed (node, seq, scope) VALUES ", "", columns: 3)
                do {
                    try log.receive(new: plan.new, now: now) { event in
                        let scope = FeedRelevance.scope(
                            of: event, recordStore: try Self.repairStore(of: event, log), authorStore: member.store)
                        feed.put(node.rawValue)
                        feed.put(Int64(event.dot.seq))
                        feed.put(scope?.rawValue)
                    }
                } catch let held as EventLog.AlreadyHeld {
                    throw HubError(
                        code: HubError.Code.corrupt,
                        message: "the hub already held \(held.dot), above its acknowledged seq \(member.acked)")
                }
                // INTEGER PRIMARY KEY: the next hub seqs, inside the single writer's transaction.
                try feed.finish()
                // Each touched record folded once for the whole change set, the sums written once per key.
                try log.flush()
                try db.execute(
                    sql: "UPDATE hub_nodes SET acked = ?, last_push_at = ? WHERE node = ?",
                    arguments: [Int64(plan.ackedAfter), now, node.rawValue])
                return PushReceipt(
                    acked: plan.ackedAfter, applied: plan.new.count, duplicates: duplicates, epoch: epoch)
            }
            // Committed: wake the pulls held for new events.
            if receipt.applied > 0 { feedChanges.ring() }
            return receipt
        } catch let conflict as DotConflict {
            try await recordIncident(conflict, node: node, now: now)
            throw HubError.dotConflict(at: conflict.event.dot, node: node)
        }
    }

    /// The store of the repair order a later repair event belongs to, as the hub knows it (the
    /// events of this transaction up to this one included); nil for every other event.
    static func repairStore(of event: Event, _ log: EventLog) throws -> StoreID? {
        guard event.record.kind == .repairOrder else { return nil }
        if case .repairOpened = event.payload { return nil }
        return RecordFold.fold(key: event.record, events: try log.knownEvents(of: event.record)).repair?.order?.store
    }

    /// Records a refused dot conflict in its own transaction (the push's was rolled back). The
    /// same offer retried counts as one incident seen again.
    func recordIncident(_ conflict: DotConflict, node: NodeID, now: Int64) async throws {
        let digest = HubIncident.digest(of: conflict.event)
        let message =
            "node \(node) offered an event under \(conflict.event.dot) that differs from the one the hub holds"
        try await database.transaction { db in
            try db.execute(
                sql: """
                    INSERT INTO hub_incidents (code, node, seq, offered_digest, message, first_at, last_at, occurrences)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT (node, seq, offered_digest) DO UPDATE SET last_at = excluded.last_at, occurrences = occurrences + 1
                    """,
                arguments: [
                    HubError.Code.dotConflict, node.rawValue, Int64(conflict.event.dot.seq), digest, message, now, now,
                ])
        }
    }
}

extension SQLiteHubStore {
    public func recordRefusal(by node: NodeID, of dot: Dot, code: String, message: String, now: Int64) async throws {
        let (digest, text) = HubIncident.feedRefusal(of: dot, by: node, code: code, message: message)
        try await database.transaction { db in
            _ = try HubNodeRow.active(db, node)
            try db.execute(
                sql: """
                    INSERT INTO hub_incidents (code, node, seq, offered_digest, message, first_at, last_at, occurrences)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT (node, seq, offered_digest) DO UPDATE SET last_at = excluded.last_at, occurrences = occurrences + 1
                    """,
                arguments: [HubIncident.feedRefusedCode, dot.node.rawValue, Int64(dot.seq), digest, text, now, now])
        }
    }
}

/// Thrown inside the push transaction to roll it back when a held dot's content differs.
struct DotConflict: Error {
    var event: Event
}
