import Admission
import Foundation
public import HubStore
import Logging
import NIOCore
import PostgresNIO
public import Replication
public import ReturnsDomain

extension PostgresHubStore {
    /// As the embedded hub: the channel's return becomes the hub's own events (node `hub`), taken
    /// in like pushed events. Submissions are serialised by the lock on the hub's own seq counter
    /// (taken before the idempotency check, so two processes given one key answer once).
    public func submitChannelReturn(
        _ request: ChannelReturnRequest, from channel: HubCredential, idempotencyKey: String, staff: StaffID, now: Int64
    ) async throws -> (receipt: ChannelReturnReceipt, replayed: Bool) {
        let submission = try ChannelSubmission(request, from: channel, idempotencyKey: idempotencyKey)
        let (store, key, digest) = (submission.store, submission.key, submission.digest)
        let logger = self.logger
        let currency = self.currency
        let answer: (receipt: ChannelReturnReceipt, replayed: Bool) = try await transaction { connection in
            let counters = try await HubCounters.lock(connection, logger: logger)
            for try await (storedDigest, receipt) in try await connection.query(
                "SELECT request_digest, receipt FROM hub_idempotency WHERE channel = \(channel.node.rawValue) AND key = \(key)",
                logger: logger
            ).decode((String, ByteBuffer).self) {
                guard storedDigest == digest else {
                    throw HubError(
                        code: HubError.Code.idempotencyConflict,
                        message: "idempotency key \(key) was used before with a different request")
                }
                return (try JSONDecoder().decode(ChannelReturnReceipt.self, from: Data(buffer: receipt)), true)
            }
            let reader = PostgresReader(connection: connection, logger: logger)
            var sale: Sale?
            if let id = request.sale {
                guard let found = try await reader.sale(id) else {
                    throw HubError(
                        code: "sale.notFound", message: "the hub holds no sale \(id)", values: ["receipt": "\(id)"])
                }
                sale = found
            }
            let skus = Set(request.lines.compactMap(\.sku) + (sale?.lines.map(\.sku) ?? [])).sorted()
            let products = Dictionary(
                uniqueKeysWithValues: try await reader.records(skus.map { .product($0) }).compactMap(\.product).map {
                    ($0.sku, $0)
                })
            let at = try ReturnIntake.businessDate(of: request, sale: sale, now: Instant(millis: now))
            let policy = try await reader.policy(
                of: store, for: sale,
                categories: ReturnIntake.categories(of: request, sale: sale) { products[$0] }, at: at,
                chainCurrency: currency)
            var receiptless = 0
            if let counted = ReturnIntake.receiptlessCount(of: request, sale: sale, at: at) {
                receiptless = try await reader.receiptlessReturns(of: counted.customer, since: counted.since)
            }
            var authoring = counters
            let id = ReturnID(authoring.state.mint("RT-\(store)"))
            let outcome = try ReturnIntake.take(
                request, id: id, store: store, sale: sale, defaultMethod: .onlineSelfService,
                alreadyReturned: try await Self.returnedOrClaimed(
                    connection, logger: logger, reader: reader, sale: request.sale, now: now),
                product: { products[$0] },
                policy: policy, receiptlessReturnsLast90Days: receiptless, at: at)
            var context = VersionVector()
            let events = outcome.events.map { payload in
                let event = authoring.state.author(
                    payload, on: .returnOrder(id), context: context, staff: staff, now: now)
                context.record(event.dot)
                return event
            }
            try await PostgresIngest(connection: connection, logger: logger).apply(events, scoping: .everyone) { _ in
                // The channel API is a door like any other: the hub's own events pass the same gate.
                var owners = RecordOwners()
                do {
                    try AdmissionRules.admit(
                        events, by: EventAuthor(node: Self.hubNode, role: .hub, store: nil), owners: &owners, now: now)
                } catch let error as AdmissionError {
                    throw HubError(error)
                }
            }
            try await authoring.save(connection, logger: logger)
            guard let state = RecordFold.fold(key: .returnOrder(id), events: events).returnOrder,
                let recorded = state.request
            else {
                throw HubError(code: HubError.Code.corrupt, message: "return \(id) vanished")
            }
            let receipt = ChannelReturnReceipt(
                id: id, status: state.status, request: recorded, verdict: outcome.verdict)
            try await connection.query(
                """
                INSERT INTO hub_idempotency (channel, key, request_digest, receipt, created_at)
                VALUES (\(channel.node.rawValue), \(key), \(digest), \(ByteBuffer(bytes: try JSONEncoder().encode(receipt))), \(now))
                """, logger: logger)
            return (receipt, false)
        }
        // Committed: wake the pulls held for new events.
        if !answer.replayed { feedChanges.ring() }
        return answer
    }

    public func exceptionResolutions() async throws -> [ExceptionResolution] {
        let logger = self.logger
        return try await client.withConnection { connection in
            var out: [ExceptionResolution] = []
            for try await (id, note, by, at) in try await connection.query(
                "SELECT id, note, resolved_by, resolved_at FROM hub_resolutions ORDER BY resolved_at, id",
                logger: logger
            ).decode((String, String, String, Int64).self) {
                out.append(ExceptionResolution(id: id, note: note, resolvedBy: NodeID(by), resolvedAt: at))
            }
            return out
        }
    }
}

/// The hub's own authoring state (`EventAuthoring`) as `hub_meta` stores it: its last seq, its
/// HLC and its document counters. `lock` takes the `seq` row FOR UPDATE, so one transaction at a
/// time authors hub events.
struct HubCounters {
    var state: EventAuthoring

    static func lock(_ connection: PostgresConnection, logger: Logger) async throws -> HubCounters {
        try await connection.query(
            "INSERT INTO hub_meta (key, value) VALUES ('seq', '0'), ('hlc', '0.0') ON CONFLICT (key) DO NOTHING",
            logger: logger)
        var values: [String: String] = [:]
        for try await (key, value) in try await connection.query(
            "SELECT key, value FROM hub_meta WHERE key = 'seq' OR key = 'hlc' OR key LIKE 'counter.%' ORDER BY key FOR UPDATE",
            logger: logger
        ).decode((String, String).self) {
            values[key] = value
        }
        var counters: [String: Int] = [:]
        for (key, value) in values where key.hasPrefix("counter.") {
            counters[String(key.dropFirst("counter.".count))] = Int(value) ?? 0
        }
        return HubCounters(
            state: EventAuthoring(
                node: PostgresHubStore.hubNode, store: PostgresHubStore.hubStore,
                seq: UInt64(values["seq"] ?? "0") ?? 0,
                clock: HybridLogicalClock(last: EventAuthoring.parseClock(values["hlc"] ?? "0.0")), counters: counters))
    }

    func save(_ connection: PostgresConnection, logger: Logger) async throws {
        var keys = ["seq", "hlc"]
        var values = [String(state.seq), EventAuthoring.clockText(state.clock.last)]
        for (prefix, value) in state.counters.sorted(by: { $0.key < $1.key }) {
            keys.append("counter.\(prefix)")
            values.append(String(value))
        }
        try await connection.query(
            """
            INSERT INTO hub_meta (key, value) SELECT * FROM unnest(\(keys), \(values))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }
}
