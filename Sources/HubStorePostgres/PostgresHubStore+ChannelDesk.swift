import Foundation
public import HubStore
import Logging
import NIOCore
import PostgresNIO
public import Replication
public import ReturnsDomain

extension PostgresHubStore {
    public func recordChannelSale(
        _ sale: Sale, from channel: HubCredential, idempotencyKey: String, staff: StaffID, now: Int64
    ) async throws -> (sale: Sale, replayed: Bool) {
        let submission = try ChannelSubmission(sale, operation: "sale", from: channel, idempotencyKey: idempotencyKey)
        let answer = try await channelCommand(submission, channel: channel, staff: staff, now: now) {
            reader, _ -> [(DomainEvent, RecordKey)] in
            let skus = Set(sale.lines.map(\.sku)).sorted()
            let products = Dictionary(
                uniqueKeysWithValues: try await reader.records(skus.map { .product($0) }).compactMap(\.product).map {
                    ($0.sku, $0)
                })
            // Balances of the customer, read before the (synchronous) rule asks for one.
            var credit: [Currency: Money] = [:]
            if let customer = sale.customer, sale.tenders.contains(where: { $0.tender == .storeCredit }) {
                credit[sale.currency] = try await reader.storeCredit(customer, currency: sale.currency)
            }
            return [
                try ChannelDesk.sale(
                    sale, channel: submission.store, alreadyRecorded: try await reader.sale(sale.id) != nil,
                    products: products, storeCredit: { credit[$1] ?? Money(0, $1) })
            ]
        } answer: { reader in
            try await reader.sale(sale.id)!
        }
        return (answer.value, answer.replayed)
    }

    public func advanceChannelReturn(
        _ id: ReturnID, _ step: ReturnStepCommand, from channel: HubCredential, idempotencyKey: String,
        staff: StaffID, now: Int64
    ) async throws -> (state: ReturnOrderState, replayed: Bool) {
        let submission = try ChannelSubmission(step, operation: "\(id)", from: channel, idempotencyKey: idempotencyKey)
        let currency = self.currency
        let answer = try await channelCommand(submission, channel: channel, staff: staff, now: now) {
            reader, authoring -> [(DomainEvent, RecordKey)] in
            let (state, request) = try ChannelDesk.held(
                try await reader.returnState(id), id: id, by: submission.store)
            var context = ReturnDesk.StepContext(store: submission.store, at: Instant(millis: now))
            if step.refunds {
                if let sale = request.sale { context.sale = try await reader.sale(sale) }
                context.alreadyRefunded = try await reader.refundedPerTender(sale: request.sale, excluding: id)
                context.approvalThreshold = try await reader.policy(
                    of: request.store, for: context.sale, categories: [], at: context.at, chainCurrency: currency
                ).document.approvalThreshold
            }
            let products = Dictionary(
                uniqueKeysWithValues: try await reader.records(ChannelDesk.handedOut(by: step).map { .product($0) })
                    .compactMap(\.product).map { ($0.sku, $0) })
            return try ChannelDesk.step(
                step, on: state, request, context: context, staff: staff, product: { products[$0] },
                mint: { authoring.mint($0) })
        } answer: { reader in
            try await reader.returnState(id)!
        }
        return (answer.value, answer.replayed)
    }

    /// One command of the channel in one transaction, serialised with every other event the hub
    /// authors by the lock on its counters (taken before the idempotency check, so two processes
    /// given one key answer once): a replay answers what the first answered; otherwise `decide`
    /// reads and decides, its events are authored as the hub's own (`authorAsHub`), and the
    /// answer read afterwards is kept with the key.
    func channelCommand<Answer: Codable & Sendable>(
        _ submission: ChannelSubmission, channel: HubCredential, staff: StaffID, now: Int64,
        decide: (PostgresReader, inout EventAuthoring) async throws -> [(DomainEvent, RecordKey)],
        answer read: (PostgresReader) async throws -> Answer
    ) async throws -> (value: Answer, replayed: Bool) {
        let logger = self.logger
        let answer: (value: Answer, replayed: Bool) = try await transaction { connection in
            var counters = try await HubCounters.lock(connection, logger: logger)
            for try await (storedDigest, stored) in try await connection.query(
                "SELECT request_digest, receipt FROM hub_idempotency WHERE channel = \(channel.node.rawValue) AND key = \(submission.key)",
                logger: logger
            ).decode((String, ByteBuffer).self) {
                guard storedDigest == submission.digest else {
                    throw HubError(
                        code: HubError.Code.idempotencyConflict,
                        message: "idempotency key \(submission.key) was used before with a different request")
                }
                return (try JSONDecoder().decode(Answer.self, from: Data(buffer: stored)), true)
            }
            let reader = PostgresReader(connection: connection, logger: logger)
            let payloads = try await decide(reader, &counters.state)
            _ = try await Self.authorAsHub(
                payloads, authoring: &counters.state, connection: connection, logger: logger, staff: staff, now: now)
            try await counters.save(connection, logger: logger)
            let value = try await read(reader)
            try await connection.query(
                """
                INSERT INTO hub_idempotency (channel, key, request_digest, receipt, created_at)
                VALUES (\(channel.node.rawValue), \(submission.key), \(submission.digest), \(ByteBuffer(bytes: try JSONEncoder().encode(value))), \(now))
                """, logger: logger)
            return (value, false)
        }
        if !answer.replayed { feedChanges.ring() }
        return answer
    }
}
