import Foundation
public import HubStore
public import Logging
import PostgresNIO
public import Replication
public import ReturnsDomain
import ServiceLifecycle

/// The chain's hub: `HubStore` on PostgreSQL, for one or several hub processes over one database.
///
/// Every hub process is stateless: the events, the feed, the enrolled nodes and the company-wide
/// projections live in PostgreSQL and every push is one transaction that commits (WAL flushed,
/// `synchronous_commit` as the server sets it, `on` by default) before the receipt is returned.
///
/// Concurrency between hub processes is PostgreSQL's row locking, always taken in one order so
/// that two pushes never deadlock: the pushing node's row in `hub_nodes`, then the touched
/// records' rows in `records` (sorted by key), then the projection rows each table's deltas touch
/// (sorted), and last the feed head. The feed head is one row: a push moves it by the number of
/// events it brings and keeps its lock until it commits, so hub sequence numbers are handed out
/// in commit order and a pull can never see hub seq n + 1 committed while n is still in flight
/// (see `pull`). Every statement's values are bound parameters.
public final class PostgresHubStore: HubStore {
    /// The hub's node id: the author of the events it records itself (online-channel returns).
    public static let hubNode: NodeID = "hub"
    /// The hub's store: head office.
    public static let hubStore: StoreID = "HQ"

    let client: PostgresClient
    /// The pool's run loop when the store runs it itself (`connect`); nil when the store is a
    /// service that runs it in the caller's service group (`prepared`).
    let runner: Task<Void, Never>?
    let logger: Logger
    private let epochBox: EpochCell
    var epochValue: String { epochBox.value }
    /// The chain's default currency (as the embedded hub's `NodeIdentity.currency`).
    public let currency: Currency
    /// Rung after this process's commits that append to the feed, and by `listener` for the others'.
    let feedChanges = FeedSignal()
    let listener: PostgresFeedListener

    /// Connects to the database `url` names (`postgres://user:password@host:port/database`),
    /// applies the migrations it lacks, and on a new database mints the epoch and records
    /// `currency`. `maxConnections` bounds this process's pool.
    public static func connect(
        url: String, currency: Currency = Currency("EUR"), maxConnections: Int = 16, logger: Logger? = nil
    ) async throws -> PostgresHubStore {
        let logger = logger ?? Logger(label: "returnsync.hub.postgres")
        let configuration = try PostgresURL.configuration(url, maxConnections: maxConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet(logger))
        let runner = Task { await client.run() }
        do {
            try await PostgresSchema.migrate(client, logger: logger)
            let (epoch, stored) = try await PostgresSchema.identity(client, currency: currency, logger: logger)
            return PostgresHubStore(client: client, runner: runner, logger: logger, epoch: epoch, currency: stored)
        } catch {
            runner.cancel()
            throw error
        }
    }

    /// A store for a service group (`hub serve`): the migrations are applied and the identity read
    /// now, over a short-lived pool; the store's own pool runs when the group runs the store (its
    /// `run()`), and closes when the group shuts down.
    public static func prepared(
        url: String, currency: Currency = Currency("EUR"), maxConnections: Int = 16, logger: Logger? = nil
    ) async throws -> PostgresHubStore {
        let logger = logger ?? Logger(label: "returnsync.hub.postgres")
        let (epoch, stored) = try await withTemporaryClient(url: url, logger: logger) { client in
            try await PostgresSchema.migrate(client, logger: logger)
            return try await PostgresSchema.identity(client, currency: currency, logger: logger)
        }
        let configuration = try PostgresURL.configuration(url, maxConnections: maxConnections)
        let client = PostgresClient(configuration: configuration, backgroundLogger: quiet(logger))
        return PostgresHubStore(client: client, runner: nil, logger: logger, epoch: epoch, currency: stored)
    }

    /// Runs `body` with a pool of two connections that lives only as long as `body`.
    static func withTemporaryClient<T: Sendable>(
        url: String, logger: Logger, _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(
            configuration: try PostgresURL.configuration(url, maxConnections: 2), backgroundLogger: quiet(logger))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        return try await body(client)
    }

    /// Runs the connection pool until the service group shuts down (a store from `prepared`); a
    /// store from `connect` runs its pool itself and here only waits for the shutdown, then closes.
    public func run() async throws {
        if runner == nil {
            // The listener gives its connection back before the pool closes.
            let listener = self.listener
            try await cancelWhenGracefulShutdown {
                await withTaskCancellationHandler {
                    await self.client.run()
                } onCancel: {
                    listener.stop()
                }
            }
            listener.stop()
        } else {
            try? await gracefulShutdown()
            close()
        }
    }

    /// Applies the migrations the database at `url` lacks and returns their names (empty when it
    /// was up to date): `returnsync hub migrate`.
    public static func migrate(url: String, logger: Logger? = nil) async throws -> [String] {
        let logger = logger ?? Logger(label: "returnsync.hub.postgres")
        return try await withTemporaryClient(url: url, logger: logger) { client in
            try await PostgresSchema.migrate(client, logger: logger)
        }
    }

    private init(client: PostgresClient, runner: Task<Void, Never>?, logger: Logger, epoch: String, currency: Currency)
    {
        self.client = client
        self.runner = runner
        self.logger = logger
        self.epochBox = EpochCell(epoch)
        self.currency = currency
        self.listener = PostgresFeedListener(signal: feedChanges)
    }

    deinit {
        listener.stop()
        runner?.cancel()
    }

    /// Closes the connection pool of a store from `connect`. The store is unusable afterwards.
    public func close() {
        listener.stop()
        runner?.cancel()
    }

    /// The feed's signal; the first call starts listening for the other hub processes' appends.
    public func feedSignal() -> FeedSignal {
        listener.start(client: client, logger: logger)
        return feedChanges
    }

    public func epoch() async throws -> String { epochValue }

    public func checkDatabase() async throws {
        try await HubError.probing {
            try await self.transaction { connection -> Void in
                _ = try await connection.query(
                    """
                    INSERT INTO hub_meta (key, value) VALUES ('probe', \(String(Int64(Date().timeIntervalSince1970 * 1000))))
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    """, logger: self.logger)
            }
        }
    }

    public func rotateEpoch() async throws -> String {
        let epoch = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let logger = self.logger
        try await transaction { connection in
            try await connection.query("UPDATE hub_meta SET value = \(epoch) WHERE key = 'epoch'", logger: logger)
        }
        epochBox.value = epoch
        return epoch
    }

    public func state() async throws -> any HubStateView { PostgresHubStateView(store: self) }

    // MARK: Transactions

    /// Runs `body` in one READ COMMITTED transaction and commits it; rolls back on any error and
    /// rethrows it as thrown (not wrapped). A deadlock or serialization failure — which the lock
    /// order makes unexpected — is retried a few times from the start.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        var attempt = 0
        while true {
            do {
                return try await client.withConnection { connection in
                    try await connection.query("BEGIN", logger: logger)
                    let value: T
                    do {
                        value = try await body(connection)
                    } catch {
                        _ = try? await connection.query("ROLLBACK", logger: logger)
                        throw error
                    }
                    try await connection.query("COMMIT", logger: logger)
                    return value
                }
            } catch let error as PSQLError where attempt < 5 && error.isRetryable {
                attempt += 1
                logger.notice("retrying a transaction after \(error.sqlState ?? "?")")
            }
        }
    }

    /// Runs `body` in one REPEATABLE READ, READ ONLY transaction: one snapshot for every statement.
    func snapshot<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let value = try await body(connection)
                try await connection.query("COMMIT", logger: logger)
                return value
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}

/// The pool's background logger: errors only. Its warning that a connection was asked for before
/// `run()` got going (the task that runs it starts a moment after the first query is queued) is
/// noise; failures reach the caller as thrown errors anyway.
func quiet(_ logger: Logger) -> Logger {
    var copy = logger
    copy.logLevel = .error
    return copy
}

extension PSQLError {
    /// The SQLSTATE the server sent, if it sent one.
    var sqlState: String? { serverInfo?[.sqlState] }

    /// Deadlock detected or serialization failure: safe to run the transaction again.
    var isRetryable: Bool { sqlState == "40P01" || sqlState == "40001" }

    /// A unique constraint refused the row.
    var isUniqueViolation: Bool { sqlState == "23505" }
}

/// Reads a `postgres://` URL into the client's configuration.
enum PostgresURL {
    static func configuration(_ text: String, maxConnections: Int) throws -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), url.scheme == "postgres" || url.scheme == "postgresql",
            let host = url.host, !host.isEmpty
        else {
            throw HubError(
                code: "config.badDatabaseURL",
                message: "a PostgreSQL database is named postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE, not \(text)")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        let mode = url.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let tls: PostgresClient.Configuration.TLS
        switch mode {
        case "disable": tls = .disable
        case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
        case "require": tls = .require(.makeClientConfiguration())
        default:
            throw HubError(
                code: "config.badDatabaseURL", message: "sslmode \(mode) is not one of disable, prefer, require")
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: url.port ?? 5432, username: url.user ?? "postgres", password: url.password,
            database: database.isEmpty ? nil : database, tls: tls)
        configuration.options.maximumConnections = max(1, maxConnections)
        return configuration
    }
}

/// Fresh databases on a PostgreSQL server, for the demo, the benchmarks and the tests: each run
/// gets its own database, so runs never see each other's data.
public enum PostgresDatabases {
    /// Creates a database named `prefix` + a random suffix on the server `serverURL` points to
    /// (any database of it) and returns the URL of the new database. `prefix` may hold only
    /// lower-case letters, digits and underscores: a database name cannot be a bound parameter,
    /// so this is the one statement whose text is built, from checked characters only.
    public static func create(serverURL: String, prefix: String = "returnsync_", logger: Logger? = nil) async throws
        -> String
    {
        guard !prefix.isEmpty, prefix.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else {
            throw HubError(
                code: "config.badDatabaseName", message: "a database prefix is lower-case letters, digits and _")
        }
        let name = prefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let logger = logger ?? Logger(label: "returnsync.hub.postgres")
        let client = PostgresClient(
            configuration: try PostgresURL.configuration(serverURL, maxConnections: 1), backgroundLogger: quiet(logger))
        let runner = Task { await client.run() }
        defer { runner.cancel() }
        try await client.withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        }
        guard var url = URLComponents(string: serverURL) else {
            throw HubError(code: "config.badDatabaseURL", message: "cannot read \(serverURL)")
        }
        url.path = "/" + name
        guard let text = url.string else {
            throw HubError(code: "config.badDatabaseURL", message: "cannot write the URL of \(name)")
        }
        return text
    }
}
