import EventCoding
import Foundation
public import HubStore
import Logging
import NIOCore
import PostgresNIO

extension PostgresHubStore {
    /// One statement, so one snapshot: it sees the feed head and, by the feed head's lock (see
    /// `pull`), every smaller hub sequence number committed.
    public func merged(after checkpoint: UInt64, limit: Int) async throws -> [FeedEvent] {
        let logger = self.logger
        return try await client.withConnection { connection in
            var events: [FeedEvent] = []
            for try await (hubSeq, body) in try await connection.query(
                """
                SELECT hub_seq, body FROM hub_events
                WHERE hub_seq > \(Int64(checkpoint)) AND hub_seq <= (SELECT head FROM hub_feed_head WHERE id = 1)
                ORDER BY hub_seq LIMIT \(Int64(max(1, limit)))
                """, logger: logger
            ).decode((Int64, ByteBuffer).self) {
                let data = Data(buffer: body)
                events.append(FeedEvent(hubSeq: UInt64(hubSeq), event: try EventCodec.decodeEvent(data), body: data))
            }
            return events
        }
    }

    /// The subscriber's row stays locked from reading its checkpoint to storing the next, so a
    /// second hub process delivering to the same subscriber waits and then starts where this one
    /// ended.
    public func advance(subscriber: String, _ deliver: @Sendable (UInt64) async throws -> UInt64) async throws {
        let logger = self.logger
        try await transaction { connection in
            try await connection.query(
                "INSERT INTO hub_subscribers (name, checkpoint) VALUES (\(subscriber), 0) ON CONFLICT (name) DO NOTHING",
                logger: logger)
            let rows = try await connection.query(
                "SELECT checkpoint FROM hub_subscribers WHERE name = \(subscriber) FOR UPDATE", logger: logger
            ).collect()
            let current = UInt64(try rows.first?.decode(Int64.self) ?? 0)
            let next = try await deliver(current)
            try await connection.query(
                "UPDATE hub_subscribers SET checkpoint = \(Int64(next)) WHERE name = \(subscriber)", logger: logger)
        }
    }

    public func checkpoint(of subscriber: String) async throws -> UInt64 {
        let logger = self.logger
        return try await client.withConnection { connection in
            let rows = try await connection.query(
                "SELECT checkpoint FROM hub_subscribers WHERE name = \(subscriber)", logger: logger
            ).collect()
            return UInt64(try rows.first?.decode(Int64.self) ?? 0)
        }
    }
}
