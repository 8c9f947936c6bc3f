import Foundation
public import GRDB
import GRDBSQLite
public import Replication
public import ReturnsDomain
import Synchronization

/// Who this replica is: a node, fixed at `node init`, or the embedded hub (node `hub`).
public struct NodeIdentity: Hashable, Sendable, Codable {
    public var node: NodeID
    public var store: StoreID
    public var currency: Currency
    public init(node: NodeID, store: StoreID, currency: Currency) {
        self.node = node
        self.store = store
        self.currency = currency
    }
}

/// The SQLite replica a node and the embedded hub keep: one file in WAL mode, opened through GRDB.
///
/// A recorded refund means cash has left the till, so every commit must survive power loss:
/// the writer runs with `synchronous = FULL`, which fsyncs the WAL at every commit. (With the
/// default NORMAL a commit can be lost on power failure, though never corrupted.)
public final class ReplicaDatabase: Sendable {
    public let writer: DatabasePool
    public let identity: NodeIdentity
    public let path: String
    /// Transactions running or waiting through `transaction` and `transactionSync`: 0 means the
    /// writer is idle, and an async transaction may run on the caller's thread.
    private let writerJobs = Atomic<Int>(0)

    /// Creates a new replica database file at `path` (which must not exist yet; missing folders are
    /// made). `migrations` registers further migrations after the replica's own, for a database
    /// that is a replica plus tables of its own (the hub); give them identifiers of their own.
    /// `pageSize` is the new file's page size (SQLite's default, 4096, unless given).
    public static func create(
        atPath path: String, identity: NodeIdentity, pageSize: Int = 4096,
        migrations: (inout DatabaseMigrator) -> Void = { _ in }
    ) throws -> ReplicaDatabase {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard !FileManager.default.fileExists(atPath: path) else {
            throw ReplicaStoreError(
                code: "node.alreadyInitialised", message: "a node database already exists at \(path)")
        }
        let pool = try openPool(path, pageSize: pageSize, migrations: migrations)
        try pool.write { db in
            for (k, v) in [
                ("node", identity.node.rawValue), ("store", identity.store.rawValue),
                ("currency", identity.currency.rawValue), ("seq", "0"), ("hlc", "0.0"),
            ] {
                try db.execute(sql: "INSERT INTO meta (key, value) VALUES (?, ?)", arguments: [k, v])
            }
        }
        return ReplicaDatabase(writer: pool, identity: identity, path: path)
    }

    /// Opens the replica database file at `path`, running the replica's migrations and then
    /// `migrations` (the same ones given to `create(atPath:identity:migrations:)`).
    public static func open(atPath path: String, migrations: (inout DatabaseMigrator) -> Void = { _ in }) throws
        -> ReplicaDatabase
    {
        guard FileManager.default.fileExists(atPath: path) else {
            throw ReplicaStoreError(code: "node.notInitialised", message: "no replica database at \(path)")
        }
        let pool = try openPool(path, migrations: migrations)
        let identity = try pool.read { db -> NodeIdentity in
            func meta(_ key: String) throws -> String {
                guard let v = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key])
                else {
                    throw ReplicaStoreError(code: "node.corrupt", message: "meta \(key) missing")
                }
                return v
            }
            return NodeIdentity(
                node: NodeID(try meta("node")), store: StoreID(try meta("store")),
                currency: Currency(try meta("currency")))
        }
        return ReplicaDatabase(writer: pool, identity: identity, path: path)
    }

    private init(writer: DatabasePool, identity: NodeIdentity, path: String) {
        self.writer = writer
        self.identity = identity
        self.path = path
    }

    /// `pageSize`, for a file not created yet, is set before its first page is written (on a
    /// file that exists it would change nothing).
    static func openPool(_ path: String, pageSize: Int? = nil, migrations: (inout DatabaseMigrator) -> Void = { _ in })
        throws -> DatabasePool
    {
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            if let pageSize { try db.execute(sql: "PRAGMA page_size = \(pageSize)") }
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let pool = try DatabasePool(path: path, configuration: config)
        try pool.writeWithoutTransaction { db in
            // GRDB sets NORMAL on the writer after prepareDatabase; durability needs FULL.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // SQLite checkpoints the WAL into the file every 1,000 pages by default: 4 MB at 4 KB
            // pages, but every 1 MB, four times as often, at a node's 1 KB. Keep it at 4 MB.
            let page = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(max(1000, 4_194_304 / page))")
        }
        var migrator = Schema.migrator
        migrations(&migrator)
        try migrator.migrate(pool)
        return pool
    }

    /// The file's page size in bytes.
    public func pageSize() throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    /// The writer connection's `synchronous` setting (2 = FULL).
    public func synchronousSetting() throws -> Int {
        try writer.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// Runs `body` in one IMMEDIATE transaction: all of it commits durably, or none of it does.
    ///
    /// When no other transaction is running or waiting, it runs at once on the caller's thread
    /// (GRDB's synchronous write, which takes the writer's queue without a thread switch), and
    /// otherwise waits its turn on the writer's queue without blocking (GRDB's async write). The
    /// async write costs two thread switches, resuming the writer's thread and then the caller's,
    /// a noticeable share of a return's time.
    /// So at most one caller's thread at a time is held by the disk, and only for its own commit.
    /// The product's writes after opening go through this, `transactionSync` or `bulkWrite`, so
    /// that the count sees them (a benchmark's own setup on `writer` may not; it only waits).
    @discardableResult
    public func transaction<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        if writerJobs.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged {
            defer { writerJobs.subtract(1, ordering: .releasing) }
            return try onThisThread(body)
        }
        writerJobs.add(1, ordering: .acquiringAndReleasing)
        defer { writerJobs.subtract(1, ordering: .releasing) }
        return try await writer.writeWithoutTransaction { db in try Self.immediateTransaction(db, body) }
    }

    /// The synchronous variant, for the CLI and benchmarks.
    @discardableResult
    public func transactionSync<T>(_ body: (Database) throws -> T) throws -> T {
        writerJobs.add(1, ordering: .acquiringAndReleasing)
        defer { writerJobs.subtract(1, ordering: .releasing) }
        return try onThisThread(body)
    }

    /// GRDB's async write without a transaction around it, for a load that commits in steps of its
    /// own (a snapshot bootstrap); counted like a transaction, so that none waits for it on the
    /// caller's thread.
    package func bulkWrite<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        writerJobs.add(1, ordering: .acquiringAndReleasing)
        defer { writerJobs.subtract(1, ordering: .releasing) }
        return try await writer.writeWithoutTransaction(body)
    }

    /// GRDB's synchronous write (a synchronous function, so that the overload is not the async one).
    private func onThisThread<T>(_ body: (Database) throws -> T) throws -> T {
        try writer.writeWithoutTransaction { db in try Self.immediateTransaction(db, body) }
    }

    /// `body` between `BEGIN IMMEDIATE` and `COMMIT`, rolled back when it (or the commit) throws.
    /// GRDB's `inTransaction` does the same but prepares both statements anew each time; these are
    /// prepared once per connection, which is measurable when every return is a transaction.
    static func immediateTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try body(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK TRANSACTION") }
            throw error
        }
    }
}

/// Errors of the replica store, with stable codes (`NodeStoreError` in `NodeStore`).
public struct ReplicaStoreError: Error, Hashable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { "\(code): \(message)" }
}
