public import Foundation
public import HubStore
import HubStorePostgres
import HubStoreSQLite
public import ReturnsDomain

// Test support for the hub's suites (Tests/HubStoreTests, Tests/HubServerTests): the backends a
// hub test runs against, a fresh hub on each, and temporary folders. No product depends on it.

/// The backends the hub suites run against; every test takes a backend as its argument and sees
/// only `any HubStore`.
///
/// PostgreSQL is never skipped: `scripts/test` starts a throwaway cluster and exports its URL as
/// `RETURNSYNC_TEST_POSTGRES_URL`; without it the PostgreSQL cases fail and say so.
public enum HubBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    public static var all: [HubBackend] { allCases }

    public var description: String { rawValue }

    /// The test cluster's URL (any database on it).
    public static func postgresServerURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["RETURNSYNC_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw HubError(
                code: "test.noPostgres",
                message:
                    "RETURNSYNC_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL")
        }
        return url
    }

    /// A fresh, empty hub database whose default currency is `currency`.
    public func makeHub(currency: Currency) async throws -> HubHandle {
        switch self {
        case .sqlite:
            let folder = TemporaryFolder()
            let path = folder.url.appendingPathComponent("hub.sqlite").path
            return HubHandle(
                store: try SQLiteHubStore.create(atPath: path, currency: currency),
                reopen: { try SQLiteHubStore.open(atPath: path) }, cleanUp: folder.remove)
        case .postgres:
            let url = try await PostgresDatabases.create(serverURL: try Self.postgresServerURL(), prefix: "hubtest_")
            let store = try await PostgresHubStore.connect(url: url, currency: currency, maxConnections: 4)
            let opened = OpenedStores(first: store)
            return HubHandle(
                store: store,
                reopen: {
                    let again = try await PostgresHubStore.connect(url: url, maxConnections: 4)
                    opened.add(again)
                    return again
                }, cleanUp: opened.closeAll)
        }
    }
}

/// The PostgreSQL stores a test opened, closed together when it ends.
final class OpenedStores: @unchecked Sendable {
    private let lock = NSLock()
    private var stores: [PostgresHubStore]

    init(first: PostgresHubStore) { stores = [first] }

    func add(_ store: PostgresHubStore) { lock.withLock { stores.append(store) } }

    @Sendable func closeAll() { lock.withLock { stores.forEach { $0.close() } } }
}

/// A hub under test: its store, the same storage opened again, and clean-up.
public struct HubHandle: Sendable {
    public let store: any HubStore
    private let reopenStore: @Sendable () async throws -> any HubStore
    private let cleanUp: @Sendable () -> Void

    public init(
        store: any HubStore, reopen: @escaping @Sendable () async throws -> any HubStore,
        cleanUp: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.reopenStore = reopen
        self.cleanUp = cleanUp
    }

    /// A second handle on the same hub database, as after a restart.
    public func reopen() async throws -> any HubStore { try await reopenStore() }

    /// Closes the hub's connections and removes its files.
    public func remove() { cleanUp() }
}

/// A folder under the system's temporary directory (`returnsync-hub-[label-]UUID`), removed by
/// `remove()`.
public struct TemporaryFolder: Sendable {
    public let url: URL

    public init(_ label: String? = nil) {
        let name = ["returnsync-hub", label, UUID().uuidString].compactMap { $0 }.joined(separator: "-")
        url = FileManager.default.temporaryDirectory.appendingPathComponent(name)
    }

    @Sendable public func remove() { try? FileManager.default.removeItem(at: url) }
}
