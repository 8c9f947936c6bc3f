import Foundation
import GRDB
public import HubStore
public import ReplicaStore
public import Replication
public import ReturnsDomain
import ServiceLifecycle

/// The embedded hub: one SQLite file (WAL, `synchronous = FULL`) on GRDB.
///
/// The hub is itself a replica. It uses the replica's schema and projection machinery (`ReplicaStore`:
/// `ReplicaDatabase`, `EventLog.receive` + `flush()`) under a fixed identity — node `hub`, store
/// `HQ` — that never authors events, so its projections are the company-wide state and are
/// maintained in the same transaction that takes events in. Its own tables (`HubSchema`) hold
/// the enrolled nodes, the feed, the incidents and the epoch.
///
/// SQLite has one writer: a push's transaction holds the write lock from `BEGIN IMMEDIATE` to
/// `COMMIT`, so hub sequence numbers are handed out in commit order and a reader never sees
/// hub seq n + 1 committed without n. See `pull` for why PostgreSQL needs more.
public final class SQLiteHubStore: HubStore {
    /// The hub's node id as a replica; reserved (`Enrollment.reservedNodes`).
    public static let hubNode: NodeID = "hub"
    /// The hub's store as a replica: head office.
    public static let hubStore: StoreID = "HQ"

    public var currency: Currency { database.identity.currency }

    /// The replica database underneath.
    public let database: ReplicaDatabase
    private let epochBox: EpochCell
    var epochValue: String { epochBox.value }
    /// One delivery at a time per feed subscriber in this process (`advance(subscriber:_:)`).
    let subscriberGate = SubscriberGate()
    /// Rung after every commit that appends to the feed: one process, so no other source.
    let feedChanges = FeedSignal()

    /// Creates a hub database at `path` (which must not exist yet). `currency` is the chain's
    /// default currency (the replica's `NodeIdentity.currency`).
    public static func create(atPath path: String, currency: Currency) throws -> SQLiteHubStore {
        let identity = NodeIdentity(node: hubNode, store: hubStore, currency: currency)
        return try SQLiteHubStore(
            ReplicaDatabase.create(atPath: path, identity: identity, migrations: HubSchema.register))
    }

    /// Opens the hub database at `path`.
    public static func open(atPath path: String) throws -> SQLiteHubStore {
        try SQLiteHubStore(ReplicaDatabase.open(atPath: path, migrations: HubSchema.register))
    }

    /// Opens the hub database at `path`, creating it first if there is none.
    public static func openOrCreate(atPath path: String, currency: Currency) throws -> SQLiteHubStore {
        FileManager.default.fileExists(atPath: path)
            ? try open(atPath: path) : try create(atPath: path, currency: currency)
    }

    private init(_ database: ReplicaDatabase) throws {
        guard database.identity.node == Self.hubNode else {
            throw HubError(
                code: HubError.Code.notAHub,
                message: "\(database.path) is the replica of node \(database.identity.node), not a hub")
        }
        self.database = database
        // The writer merges change sets of hundreds of events: a 64 MiB page cache keeps the
        // B-tree pages they touch (events, feed, projections) in memory across pushes, and a
        // checkpoint every 8,192 WAL pages (32 MiB) rather than every 1,000 lets pages written by
        // many pushes reach the database file once. Durability is unchanged: every commit still
        // fsyncs the WAL (synchronous = FULL).
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = 8192")
        }
        self.epochBox = try database.writer.read { db in
            guard let epoch = try String.fetchOne(db, sql: "SELECT value FROM hub_meta WHERE key = 'epoch'") else {
                throw HubError(code: HubError.Code.corrupt, message: "the hub database has no epoch")
            }
            return EpochCell(epoch)
        }
    }

    public func epoch() async throws -> String { epochValue }

    public func feedSignal() -> FeedSignal { feedChanges }

    public func checkDatabase() async throws {
        let database = self.database
        try await HubError.probing {
            try await database.transaction { db in
                try db.execute(
                    sql: """
                        INSERT INTO hub_meta (key, value) VALUES ('probe', ?)
                        ON CONFLICT (key) DO UPDATE SET value = excluded.value
                        """, arguments: [String(Int64(Date().timeIntervalSince1970 * 1000))])
            }
        }
    }

    public func rotateEpoch() async throws -> String {
        let epoch = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        try await database.transaction { db in
            try db.execute(sql: "UPDATE hub_meta SET value = ? WHERE key = 'epoch'", arguments: [epoch])
        }
        epochBox.value = epoch
        return epoch
    }

    public func state() async throws -> any HubStateView { SQLiteHubStateView(database: database) }
}

extension SQLiteHubStore {
    /// The embedded hub has nothing of its own to run: it waits in the service group until the
    /// group shuts down, so that it is closed after the server that uses it.
    public func run() async throws {
        try? await gracefulShutdown()
    }
}
