import Admission
import EventCoding
public import Foundation
import GRDB
import ReplicaStore
public import Replication

/// Where this node stands with the hub: what it has pulled, from which hub database.
public struct SyncCheckpoint: Hashable, Sendable, Codable {
    /// The last hub sequence number applied.
    public var checkpoint: UInt64
    /// The hub database's epoch the checkpoint belongs to; empty before the first pull.
    public var epoch: String
    public init(checkpoint: UInt64, epoch: String) {
        self.checkpoint = checkpoint
        self.epoch = epoch
    }
}

/// What applying a pulled page did.
public struct PullApplication: Hashable, Sendable, Codable {
    public var applied: Int
    public var duplicates: Int
    /// Dots the hub sent with content different from what this node holds (never applied).
    public var conflicts: [Dot]
}

extension NodeService {
    /// The oldest unacknowledged own events as one change set of consecutive seqs, or nil when the
    /// outbox is empty.
    public func outboxChangeSet(limit: Int) async throws -> ChangeSet? {
        try await outboxBatch(limit: limit)?.changeSet
    }

    /// The next change set to push and each event's bytes as stored, which the sync agent sends as
    /// they are (`EventCodec.encodeChangeSet`).
    public func outboxBatch(limit: Int) async throws -> (changeSet: ChangeSet, bodies: [Data])? {
        let node = identity.node
        return try await database.writer.read { db in
            let bodies = try Data.fetchAll(
                db, sql: "SELECT body FROM events WHERE node = ? AND seq > \(Outbox.acknowledged) ORDER BY seq LIMIT ?",
                arguments: [node.rawValue, limit])
            guard !bodies.isEmpty else { return nil }
            return (ChangeSet(node: node, events: try bodies.map { try EventCodec.decodeEvent($0) }), bodies)
        }
    }

    /// The hub holds every own event up to `seq`: they leave the outbox.
    public func acknowledge(through seq: UInt64) async throws {
        try await database.transaction { db in
            try Outbox.acknowledge(db, through: seq)
        }
    }

    public func syncCheckpoint() async throws -> SyncCheckpoint {
        try await database.writer.read { db in try Self.checkpoint(db) }
    }

    static func checkpoint(_ db: Database) throws -> SyncCheckpoint {
        let checkpoint =
            try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'pull.checkpoint'").flatMap { UInt64($0) }
            ?? 0
        let epoch = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'pull.epoch'") ?? ""
        return SyncCheckpoint(checkpoint: checkpoint, epoch: epoch)
    }

    /// Applies a page pulled from the hub and moves the checkpoint, in one transaction: after a
    /// crash either both happened or neither did, so nothing is skipped and nothing counted twice.
    /// The sync agent restarts from checkpoint 0 when the hub's epoch differs from the stored one
    /// (a rebuilt hub): duplicates are no-ops, so a full re-pull is safe.
    ///
    /// `bodies`, when given, are the events' JSON as received (same order): they are stored as
    /// they are instead of being encoded again. Each touched record is folded and projected once
    /// for the whole page (`BulkApply`).
    public func applyPulled(_ events: [Event], bodies: [Data?]? = nil, checkpoint: UInt64, epoch: String) async throws
        -> PullApplication
    {
        precondition(bodies == nil || bodies!.count == events.count, "one body per event")
        let now = clock()
        // Values are checked again on this side (who authored what, the hub has checked on push).
        for e in events { try FeedRefusal.check(e, now: now) }
        return try await database.transaction { db in
            var bulk = BulkApply(db: db, knownRecords: nil, rememberDecoded: true)
            bulk.documentsOf = self.identity.store
            for (i, e) in events.enumerated() { try bulk.insert(e, body: bodies?[i] ?? nil) }
            try bulk.finish(now: now)
            try Self.setCheckpoint(db, checkpoint: checkpoint, epoch: epoch)
            return PullApplication(applied: bulk.applied, duplicates: bulk.duplicates, conflicts: bulk.conflicts)
        }
    }

    static func setCheckpoint(_ db: Database, checkpoint: UInt64, epoch: String) throws {
        for (k, v) in [("pull.checkpoint", String(checkpoint)), ("pull.epoch", epoch)] {
            try db.execute(
                sql:
                    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                arguments: [k, v])
        }
    }
}

extension NodeService {
    /// Puts this node's own events from `seq` on back into the outbox, for a hub that lost them.
    public func requeue(from seq: UInt64) async throws {
        try await database.transaction { db in
            try db.execute(
                sql: "UPDATE meta SET value = CAST(MIN(CAST(value AS INTEGER), ?) AS TEXT) WHERE key = 'outbox.acked'",
                arguments: [Int64(seq) - 1])
        }
    }
}

/// Where this node's hub is and the credential it was enrolled with.
public struct HubConnection: Hashable, Sendable, Codable {
    public var url: String
    public var token: String
    public init(url: String, token: String) {
        self.url = url
        self.token = token
    }
}

extension NodeService {
    /// Remembers the hub to sync with (`returnsync node connect`).
    public func connect(_ connection: HubConnection) async throws {
        try await database.transaction { db in
            for (k, v) in [("hub.url", connection.url), ("hub.token", connection.token)] {
                try db.execute(
                    sql:
                        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    arguments: [k, v])
            }
        }
    }

    /// The hub this node syncs with, if connected.
    public func hubConnection() async throws -> HubConnection? {
        try await database.writer.read { db in
            guard let url = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hub.url'"),
                let token = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'hub.token'")
            else { return nil }
            return HubConnection(url: url, token: token)
        }
    }
}

/// An event of the hub's feed (a pulled page or a snapshot) that this node refuses to take in: it
/// fails `AdmissionRules.checkValues`. Nothing of its page is stored; the sync agent reports it
/// to the hub (an incident for head office) and stops pulling at it.
public struct FeedRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    public var dot: Dot
    public var code: String
    public var message: String

    static func check(_ event: Event, now: Int64) throws(FeedRefusal) {
        do {
            try AdmissionRules.checkValues(event, now: now)
        } catch {
            throw FeedRefusal(dot: event.dot, code: error.code.rawValue, message: error.message)
        }
    }

    public var description: String { "\(code): the hub's feed holds an event this node refuses: \(message)" }
}
