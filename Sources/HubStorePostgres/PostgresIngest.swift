import EventCoding
import Foundation
import HubStore
import Logging
import NIOCore
import PostgresNIO
import Replication
import ReturnsDomain

/// Takes events the hub does not hold yet into the database, inside the caller's transaction:
/// the events, their place in the feed, and the projections of every record they touch — one
/// fold per touched record and a handful of set-based statements per batch, whatever its size.
struct PostgresIngest {
    let connection: PostgresConnection
    let logger: Logger

    /// How an event's feed scope is decided: by `FeedRelevance` for pushed events (with the
    /// author's store), or NULL for the hub's own events, which every node receives.
    enum Scoping {
        case relevance(authorStore: StoreID?)
        case everyone
    }

    /// Locks the records `events` touch, folds them with and without the events, moves the
    /// projections by the difference, numbers the events under the feed-head lock and inserts
    /// them. Returns the hub sequence numbers given, in `events` order.
    /// `admit`, when given, is called with the touched records' states before `events` (as this
    /// transaction holds them) and may refuse the batch before anything is written.
    @discardableResult
    func apply(
        _ events: [Event], scoping: Scoping, admit: (([RecordKey: RecordState]) throws -> Void)? = nil
    ) async throws -> [UInt64] {
        guard !events.isEmpty else { return [] }
        let keys = Set(events.map(\.record)).sorted()
        let keyTexts = keys.map(\.description)
        try await lock(keys)

        var held: [RecordKey: [Event]] = [:]
        for try await (record, body) in try await connection.query(
            "SELECT record, body FROM hub_events WHERE record = ANY(\(keyTexts)) ORDER BY record, node, seq",
            logger: logger
        ).decode((String, ByteBuffer).self) {
            guard let key = RecordKey(record) else { continue }
            held[key, default: []].append(try EventCodec.decodeEvent(Data(buffer: body)))
        }
        var arriving: [RecordKey: [Event]] = [:]
        for event in events { arriving[event.record, default: []].append(event) }

        var oldStates: [RecordKey: RecordState] = [:]
        for key in keys {
            let before = held[key] ?? []
            oldStates[key] = before.isEmpty ? RecordState(key: key) : RecordFold.fold(key: key, events: before)
        }
        // Before the arriving events are folded: the fold may rely on what admission bounds.
        try admit?(oldStates)
        var writes = ProjectionWrites()
        var newStates: [RecordKey: RecordState] = [:]
        for key in keys {
            let new = RecordFold.fold(
                key: key, events: ((held[key] ?? []) + (arriving[key] ?? [])).sorted { $0.dot < $1.dot })
            try writes.add(old: oldStates[key]!, new: new)
            newStates[key] = new
        }
        try await writes.execute(on: connection, keys: keyTexts, logger: logger)

        // Last, under the feed head's lock until commit: number the events and insert them. The
        // NOTIFY is delivered when the transaction commits (never if it rolls back), to every hub
        // process listening: they wake the pulls they hold (`PostgresFeedListener`).
        let rows = try await connection.query(
            """
            WITH moved AS (UPDATE hub_feed_head SET head = head + \(Int64(events.count)) WHERE id = 1 RETURNING head)
            SELECT moved.head FROM moved, pg_notify('\(unescaped: PostgresFeedListener.channel)', moved.head::text)
            """, logger: logger
        ).collect()
        guard let head = try rows.first?.decode(Int64.self) else {
            throw HubError(code: HubError.Code.corrupt, message: "the hub database has no feed head")
        }
        let first = UInt64(head) - UInt64(events.count) + 1
        var columns = EventColumns()
        for (offset, event) in events.enumerated() {
            let scope: StoreID?
            switch scoping {
            case .everyone: scope = nil
            case .relevance(let authorStore):
                var recordStore: StoreID?
                if event.record.kind == .repairOrder, case .repairOrder(let repair)? = newStates[event.record]?.body {
                    recordStore = repair.order?.store
                }
                scope = FeedRelevance.scope(of: event, recordStore: recordStore, authorStore: authorStore)
            }
            try columns.append(event, hubSeq: first + UInt64(offset), scope: scope)
        }
        do {
            try await connection.query(
                """
                INSERT INTO hub_events (node, seq, record, record_kind, kind, hlc_wall, hlc_logical, body, hub_seq, scope)
                SELECT n, s, r, rk, k, w, l, b, h, NULLIF(sc, '') FROM unnest(
                    \(columns.node), \(columns.seq), \(columns.record), \(columns.recordKind), \(columns.kind),
                    \(columns.wall), \(columns.logical), \(columns.body), \(columns.hubSeq), \(columns.scope)
                ) AS t(n, s, r, rk, k, w, l, b, h, sc)
                """, logger: logger)
        } catch let error as PSQLError where error.isUniqueViolation {
            throw HubError(
                code: HubError.Code.corrupt,
                message: "the hub already holds one of the dots it was about to take in as new")
        }
        return (0..<events.count).map { first + UInt64($0) }
    }

    /// Creates the records' rows if they are new, then locks them, in key order (the lock order
    /// every transaction follows).
    private func lock(_ keys: [RecordKey]) async throws {
        let texts = keys.map(\.description)
        let kinds = keys.map(\.kind.rawValue)
        try await connection.query(
            """
            INSERT INTO records (key, kind, vector, pending)
            SELECT k, kd, '', 0 FROM unnest(\(texts), \(kinds)) AS t(k, kd) ORDER BY k
            ON CONFLICT (key) DO NOTHING
            """, logger: logger)
        try await connection.query(
            "SELECT key FROM records WHERE key = ANY(\(texts)) ORDER BY key FOR UPDATE", logger: logger)
    }
}

/// The column arrays of a batch of event rows.
struct EventColumns {
    var node: [String] = []
    var seq: [Int64] = []
    var record: [String] = []
    var recordKind: [String] = []
    var kind: [String] = []
    var wall: [Int64] = []
    var logical: [Int64] = []
    var body: [ByteBuffer] = []
    var hubSeq: [Int64] = []
    var scope: [String] = []

    mutating func append(_ event: Event, hubSeq number: UInt64, scope store: StoreID?) throws {
        node.append(event.dot.node.rawValue)
        seq.append(Int64(event.dot.seq))
        record.append(event.record.description)
        recordKind.append(event.record.kind.rawValue)
        kind.append(event.payload.kind)
        wall.append(event.hlc.wall)
        logical.append(Int64(event.hlc.logical))
        body.append(ByteBuffer(bytes: try EventCodec.encode(event)))
        hubSeq.append(Int64(number))
        scope.append(store?.rawValue ?? "")
    }
}
