import Foundation
import HubStore
import HubStoreSQLite
import ReturnsDomain

/// The backends the behaviour suite runs against. PostgreSQL joins `all` when its backend lands;
/// every test takes a backend as its argument and sees only `any HubStore`.
enum HubBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite

    static var all: [HubBackend] { [.sqlite] }

    var description: String { rawValue }

    /// A fresh, empty hub database.
    func makeHub() throws -> HubHandle {
        switch self {
        case .sqlite:
            let folder = TemporaryFolder()
            let path = folder.url.appendingPathComponent("hub.sqlite").path
            return HubHandle(
                store: try SQLiteHubStore.create(atPath: path, currency: Fixtures.eur),
                reopen: { try SQLiteHubStore.open(atPath: path) }, cleanUp: folder.remove)
        }
    }
}

/// A hub under test: its store, the same storage opened again, and clean-up.
struct HubHandle: Sendable {
    let store: any HubStore
    private let reopenStore: @Sendable () throws -> any HubStore
    private let cleanUp: @Sendable () -> Void

    init(
        store: any HubStore, reopen: @escaping @Sendable () throws -> any HubStore,
        cleanUp: @escaping @Sendable () -> Void
    ) {
        self.store = store
        self.reopenStore = reopen
        self.cleanUp = cleanUp
    }

    /// A second handle on the same hub database, as after a restart.
    func reopen() throws -> any HubStore { try reopenStore() }

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
