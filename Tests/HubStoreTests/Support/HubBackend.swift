import Foundation
import HubStore
import HubStorePostgres
import HubStoreSQLite
import ReturnsDomain

/// The backends the behaviour suite runs against; every test takes a backend as its argument and
/// sees only `any HubStore`.
///
/// PostgreSQL is never skipped: `scripts/test` starts a throwaway cluster and exports its URL as
/// `RETURNSYNC_TEST_POSTGRES_URL`; without it the PostgreSQL cases fail and say so.
enum HubBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    case postgres

    static var all: [HubBackend] { allCases }

    var description: String { rawValue }

    /// The test cluster's URL (any database on it).
    static func postgresServerURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["RETURNSYNC_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw HubError(
                code: "test.noPostgres",
                message: "RETURNSYNC_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL")
        }
        return url
    }

    /// A fresh, empty hub database.
    func makeHub() async throws -> HubHandle {
        switch self {
        case .sqlite:
            let folder = TemporaryFolder()
            let path = folder.url.appendingPathComponent("hub.sqlite").path
            return HubHandle(
                store: try SQLiteHubStore.create(atPath: path, currency: Fixtures.eur),
                reopen: { try SQLiteHubStore.open(atPath: path) }, cleanUp: folder.remove)
        case .postgres:
            let url = try await PostgresDatabases.create(serverURL: try Self.postgresServerURL(), prefix: "hubtest_")
            let store = try await PostgresHubStore.connect(url: url, currency: Fixtures.eur, maxConnections: 4)
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
struct HubHandle: Sendable {
    let store: any HubStore
    private let reopenStore: @Sendable () async throws -> any HubStore
    private let cleanUp: @Sendable () -> Void

    init(
        store: any HubStore, reopen: @escaping @Sendable () async throws -> any HubStore,
        cleanUp: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.reopenStore = reopen
        self.cleanUp = cleanUp
    }

    /// A second handle on the same hub database, as after a restart.
    func reopen() async throws -> any HubStore { try await reopenStore() }

    func remove() { cleanUp() }
}

/// A folder under the system's temporary directory, removed by `remove()`.
struct TemporaryFolder: Sendable {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("returnsync-hub-\(UUID().uuidString)")
    }

    @Sendable func remove() { try? FileManager.default.removeItem(at: url) }
}
