import Foundation
import GRDB
public import HubStore
import ReplicaStore
public import Replication
public import ReturnsDomain

extension SQLiteHubStore {
    public func submitChannelReturn(
        _ request: ChannelReturnRequest, from channel: HubCredential, idempotencyKey: String, staff: StaffID, now: Int64
    ) async throws -> (receipt: ChannelReturnReceipt, replayed: Bool) {
        let submission = try ChannelSubmission(request, from: channel, idempotencyKey: idempotencyKey)
        let (store, key, digest) = (submission.store, submission.key, submission.digest)
        let identity = database.identity
        let answer: (receipt: ChannelReturnReceipt, replayed: Bool) = try await database.transaction { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT request_digest, receipt FROM hub_idempotency WHERE channel = ? AND key = ?",
                arguments: [channel.node.rawValue, key])
            {
                guard (row["request_digest"] as String) == digest else {
                    throw HubError(
                        code: HubError.Code.idempotencyConflict,
                        message: "idempotency key \(key) was used before with a different request")
                }
                return (try JSONDecoder().decode(ChannelReturnReceipt.self, from: row["receipt"] as Data), true)
            }
            let reader = ReplicaReader(db: db, identity: identity)
            var sale: Sale?
            if let id = request.sale {
                guard let found = try reader.sale(id) else {
                    throw HubError(
                        code: "sale.notFound", message: "the hub holds no sale \(id)", values: ["receipt": "\(id)"])
                }
                sale = found
            }
            let log = EventLog(db, identity: identity)
            let id = ReturnID(try log.mint("RT-\(store)"))
            let at = try ReturnIntake.businessDate(of: request, sale: sale, now: Instant(millis: now))
            let outcome = try ReturnIntake.take(
                request, id: id, store: store, sale: sale, defaultMethod: .onlineSelfService,
                alreadyReturned: try Self.returnedOrClaimed(db, reader: reader, sale: request.sale, now: now),
                product: { try? reader.product($0) },
                policy: try reader.policy(
                    of: store, for: sale,
                    categories: ReturnIntake.categories(of: request, sale: sale) { try? reader.product($0) }, at: at),
                receiptlessReturnsLast90Days: try ReturnIntake.receiptlessCount(of: request, sale: sale, at: at).map {
                    try reader.receiptlessReturns(of: $0.customer, since: $0.since)
                } ?? 0,
                at: at)
            let authored = try outcome.events.map { try log.author($0, on: .returnOrder(id), staff: staff, now: now) }
            for e in authored {
                // The hub's own events go into the feed like any pushed event; no outbox: the hub
                // is where they are kept.
                try db.execute(
                    sql: "INSERT INTO hub_feed (node, seq, scope) VALUES (?, ?, NULL)",
                    arguments: [e.dot.node.rawValue, Int64(e.dot.seq)])
            }
            let state = try log.currentState(of: .returnOrder(id)).returnOrder
            // (After the flush that wrote the hub's seq: an acknowledgement stops at it.)
            try Outbox.acknowledge(db, through: authored.last!.dot.seq)
            guard let state, let recorded = state.request else {
                throw HubError(code: HubError.Code.corrupt, message: "return \(id) vanished")
            }
            let receipt = ChannelReturnReceipt(
                id: id, status: state.status, request: recorded, verdict: outcome.verdict)
            try db.execute(
                sql:
                    "INSERT INTO hub_idempotency (channel, key, request_digest, receipt, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [channel.node.rawValue, key, digest, try JSONEncoder().encode(receipt), now])
            return (receipt, false)
        }
        // Committed: wake the pulls held for new events.
        if !answer.replayed { feedChanges.ring() }
        return answer
    }
}
