import Foundation
import GRDB
public import HubStore
import ReplicaStore
public import Replication
public import ReturnsDomain

extension SQLiteHubStore {
    public func recordChannelSale(
        _ sale: Sale, from channel: HubCredential, idempotencyKey: String, staff: StaffID, now: Int64
    ) async throws -> (sale: Sale, replayed: Bool) {
        let submission = try ChannelSubmission(sale, operation: "sale", from: channel, idempotencyKey: idempotencyKey)
        let answer = try await channelCommand(submission, channel: channel, staff: staff, now: now) {
            reader, _ -> ([(DomainEvent, RecordKey)], (ReplicaReader) throws -> Sale) in
            var products: [SKU: Product] = [:]
            for l in sale.lines { products[l.sku] = try reader.product(l.sku) }
            let (event, key) = try ChannelDesk.sale(
                sale, channel: submission.store, alreadyRecorded: try reader.sale(sale.id) != nil, products: products,
                storeCredit: { try reader.storeCredit($0, currency: $1) })
            return ([(event, key)], { try $0.sale(sale.id)! })
        }
        return (answer.value, answer.replayed)
    }

    public func advanceChannelReturn(
        _ id: ReturnID, _ step: ReturnStepCommand, from channel: HubCredential, idempotencyKey: String,
        staff: StaffID, now: Int64
    ) async throws -> (state: ReturnOrderState, replayed: Bool) {
        let submission = try ChannelSubmission(
            step, operation: "\(id)", from: channel, idempotencyKey: idempotencyKey)
        let answer = try await channelCommand(submission, channel: channel, staff: staff, now: now) {
            reader, log -> ([(DomainEvent, RecordKey)], (ReplicaReader) throws -> ReturnOrderState) in
            let (state, request) = try ChannelDesk.held(try reader.returnState(id), id: id, by: submission.store)
            var context = ReturnDesk.StepContext(store: submission.store, at: Instant(millis: now))
            if step.refunds {
                context.sale = try request.sale.flatMap { try reader.sale($0) }
                context.alreadyRefunded = try reader.refundedPerTender(sale: request.sale, excluding: id)
                context.approvalThreshold = try reader.policy(of: request.store, for: context.sale, at: context.at)
                    .document.approvalThreshold
            }
            let events = try ChannelDesk.step(
                step, on: state, request, context: context, staff: staff, product: { try reader.product($0) },
                mint: { try log.mint($0) })
            return (events, { try $0.returnState(id)! })
        }
        return (answer.value, answer.replayed)
    }

    /// One command of the channel in one transaction: a replay of its idempotency key answers
    /// what the first answered; otherwise `decide` reads and decides, its events are authored as
    /// the hub's own (`authorAsHub`), and the answer it reads afterwards is kept with the key.
    func channelCommand<Answer: Codable & Sendable>(
        _ submission: ChannelSubmission, channel: HubCredential, staff: StaffID, now: Int64,
        decide:
            @escaping @Sendable (ReplicaReader, EventLog) throws -> (
                [(DomainEvent, RecordKey)], (ReplicaReader) throws -> Answer
            )
    ) async throws -> (value: Answer, replayed: Bool) {
        let identity = database.identity
        let answer: (value: Answer, replayed: Bool) = try await database.transaction { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT request_digest, receipt FROM hub_idempotency WHERE channel = ? AND key = ?",
                arguments: [channel.node.rawValue, submission.key])
            {
                guard (row["request_digest"] as String) == submission.digest else {
                    throw HubError(
                        code: HubError.Code.idempotencyConflict,
                        message: "idempotency key \(submission.key) was used before with a different request")
                }
                return (try JSONDecoder().decode(Answer.self, from: row["receipt"] as Data), true)
            }
            let reader = ReplicaReader(db: db, identity: identity)
            let log = EventLog(db, identity: identity)
            let (payloads, read) = try decide(reader, log)
            _ = try Self.authorAsHub(payloads, log: log, staff: staff, now: now)
            let value = try read(reader)
            try db.execute(
                sql:
                    "INSERT INTO hub_idempotency (channel, key, request_digest, receipt, created_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    channel.node.rawValue, submission.key, submission.digest, try JSONEncoder().encode(value), now,
                ]
            )
            return (value, false)
        }
        if !answer.replayed { feedChanges.ring() }
        return answer
    }
}
