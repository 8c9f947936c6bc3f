import EventCoding
import Foundation
import GRDB
public import HubStore
import ReplicaStore

extension SQLiteHubStore {
    public func merged(after checkpoint: UInt64, limit: Int) async throws -> [FeedEvent] {
        try await database.writer.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT f.hub_seq, e.body FROM hub_feed f JOIN events e ON e.node = f.node AND e.seq = f.seq
                        WHERE f.hub_seq > ? ORDER BY f.hub_seq LIMIT ?
                        """),
                arguments: [Int64(checkpoint), max(1, limit)])
            return try rows.map { row in
                let body = row[1] as Data
                return FeedEvent(hubSeq: UInt64(row[0] as Int64), event: try EventCodec.decodeEvent(body), body: body)
            }
        }
    }

    /// One SQLite hub is one process: the gate keeps two deliveries to one subscriber apart.
    public func advance(subscriber: String, _ deliver: @Sendable (UInt64) async throws -> UInt64) async throws {
        await subscriberGate.enter(subscriber)
        do {
            let next = try await deliver(try await checkpoint(of: subscriber))
            try await database.transaction { db in
                try db.execute(
                    sql: """
                        INSERT INTO hub_subscribers (name, checkpoint) VALUES (?, ?)
                        ON CONFLICT (name) DO UPDATE SET checkpoint = excluded.checkpoint
                        """, arguments: [subscriber, Int64(next)])
            }
            await subscriberGate.leave(subscriber)
        } catch {
            await subscriberGate.leave(subscriber)
            throw error
        }
    }

    public func checkpoint(of subscriber: String) async throws -> UInt64 {
        try await database.writer.read { db in
            UInt64(
                try Int64.fetchOne(
                    db, sql: "SELECT checkpoint FROM hub_subscribers WHERE name = ?", arguments: [subscriber]) ?? 0)
        }
    }
}

/// Lets one task at a time through per name; the others wait their turn.
actor SubscriberGate {
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    func enter(_ name: String) async {
        guard busy.contains(name) else {
            busy.insert(name)
            return
        }
        await withCheckedContinuation { waiting[name, default: []].append($0) }
    }

    func leave(_ name: String) {
        if var queue = waiting[name], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[name] = queue
            next.resume()
        } else {
            busy.remove(name)
        }
    }
}
