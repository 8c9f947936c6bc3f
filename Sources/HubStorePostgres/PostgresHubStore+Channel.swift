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
        return try await transaction { connection in
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
                    throw HubError(code: "sale.notFound", message: "the hub holds no sale \(id)")
                }
                sale = found
            }
            let customer = request.customer ?? sale?.customer
            var policy = ReturnPolicy.standard(currency: sale?.currency ?? currency)
            for policyKey in [store.rawValue, "default"] {
                if case .policy(_, let p) = try await reader.record(RecordKey(.policy, policyKey))?.body {
                    policy = p
                    break
                }
            }
            let skus = Set(request.lines.compactMap(\.sku) + (sale?.lines.map(\.sku) ?? [])).sorted()
            let products = Dictionary(
                uniqueKeysWithValues: try await reader.records(skus.map { .product($0) }).compactMap(\.product).map {
                    ($0.sku, $0)
                })
            var receiptless = 0
            if let customer {
                receiptless = try await reader.receiptlessReturns(of: customer, since: now - 90 * Instant.millisPerDay)
            }
            var authoring = counters
            let id = ReturnID(authoring.mint("RT-\(store)", hubStore: Self.hubStore))
            let (payload, verdict) = try ReturnDesk.requestReturn(
                id: id, store: store, sale: sale, customer: customer, type: request.type ?? .refund,
                method: request.method ?? .onlineSelfService, lines: request.lines,
                alreadyReturned: try await Self.returnedOrClaimed(
                    connection, logger: logger, reader: reader, sale: request.sale, now: now),
                product: { products[$0] },
                policy: policy,
                receiptlessReturnsLast90Days: receiptless,
                at: Instant(millis: now), trackingNumber: request.trackingNumber)
            var events = [authoring.author(payload, on: .returnOrder(id), context: VersionVector(), staff: staff, now: now)]
            if verdict.isAllowed {
                var context = VersionVector()
                context.record(events[0].dot)
                events.append(
                    authoring.author(
                        .returnApproved(at: Instant(millis: now), note: "policy allows"), on: .returnOrder(id),
                        context: context, staff: staff, now: now))
            }
            try await PostgresIngest(connection: connection, logger: logger).apply(events, scoping: .everyone) { _ in
                // The channel API is a door like any other: the hub's own events pass the same gate.
                var owners = RecordOwners()
                do {
                    try AdmissionRules.admit(events, by: EventAuthor(node: Self.hubNode, role: .hub, store: nil), owners: &owners, now: now)
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
            let receipt = ChannelReturnReceipt(id: id, status: state.status, request: recorded, verdict: verdict)
            try await connection.query(
                """
                INSERT INTO hub_idempotency (channel, key, request_digest, receipt, created_at)
                VALUES (\(channel.node.rawValue), \(key), \(digest), \(ByteBuffer(bytes: try JSONEncoder().encode(receipt))), \(now))
                """, logger: logger)
            return (receipt, false)
        }
    }

    public func resolveException(_ id: String, note: String, by node: NodeID, now: Int64) async throws -> ExceptionResolution {
        let trimmed = note.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw HubError(code: "input.missingNote", message: "say what was done about the exception")
        }
        guard try await state().exceptions().contains(where: { $0.id == id }) else {
            throw HubError(code: "exception.notFound", message: "no current exception has the id \(id)")
        }
        let logger = self.logger
        try await transaction { connection in
            try await connection.query(
                """
                INSERT INTO hub_resolutions (id, note, resolved_by, resolved_at)
                VALUES (\(id), \(trimmed), \(node.rawValue), \(now))
                ON CONFLICT (id) DO UPDATE SET note = excluded.note, resolved_by = excluded.resolved_by,
                    resolved_at = excluded.resolved_at
                """, logger: logger)
        }
        return ExceptionResolution(id: id, note: trimmed, resolvedBy: node, resolvedAt: now)
    }

    public func exceptionResolutions() async throws -> [ExceptionResolution] {
        let logger = self.logger
        return try await client.withConnection { connection in
            var out: [ExceptionResolution] = []
            for try await (id, note, by, at) in try await connection.query(
                "SELECT id, note, resolved_by, resolved_at FROM hub_resolutions ORDER BY resolved_at, id", logger: logger
            ).decode((String, String, String, Int64).self) {
                out.append(ExceptionResolution(id: id, note: note, resolvedBy: NodeID(by), resolvedAt: at))
            }
            return out
        }
    }
}

/// The hub's own authoring state in `hub_meta`: its last seq, its HLC and its document counters.
/// `lock` takes the `seq` row FOR UPDATE, so one transaction at a time authors hub events.
struct HubCounters {
    var seq: UInt64
    var clock: HybridLogicalClock
    var counters: [String: Int] = [:]

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
        let parts = (values["hlc"] ?? "0.0").split(separator: ".")
        var out = HubCounters(
            seq: UInt64(values["seq"] ?? "0") ?? 0,
            clock: HybridLogicalClock(
                last: HLCTimestamp(
                    wall: Int64(parts.first ?? "0") ?? 0, logical: UInt32(parts.count > 1 ? parts[1] : "0") ?? 0)))
        for (key, value) in values where key.hasPrefix("counter.") {
            out.counters[String(key.dropFirst("counter.".count))] = Int(value) ?? 0
        }
        return out
    }

    /// The next document number of `prefix`: `RT-WEB-HQ-000001` (as `EventLog.mint`).
    mutating func mint(_ prefix: String, hubStore: StoreID) -> String {
        let next = (counters[prefix] ?? 0) + 1
        counters[prefix] = next
        let digits = String(next)
        return "\(prefix)-\(hubStore)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    mutating func author(_ payload: DomainEvent, on record: RecordKey, context: VersionVector, staff: StaffID, now: Int64) -> Event {
        seq += 1
        return Event(
            dot: Dot(node: PostgresHubStore.hubNode, seq: seq), record: record, context: context,
            hlc: clock.tick(now: now), staff: staff, payload: payload)
    }

    func save(_ connection: PostgresConnection, logger: Logger) async throws {
        var keys = ["seq", "hlc"]
        var values = [String(seq), "\(clock.last.wall).\(clock.last.logical)"]
        for (prefix, value) in counters.sorted(by: { $0.key < $1.key }) {
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
