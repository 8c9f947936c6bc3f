import ChildProcesses
import Foundation
import HubStorePostgres
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `hub serve` runs its store and its HTTP server in one service group: SIGTERM stops the server,
/// then closes the store (PostgreSQL's pool), and the process exits 0.
@Suite("hub serve stops gracefully")
struct HubStopTests {
    @Test("SIGTERM ends hub serve with status 0, on SQLite and on PostgreSQL", arguments: ["sqlite", "postgres"])
    func sigterm(storage: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hubstop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let arguments: [String]
        if storage == "postgres" {
            let url = try await PostgresDatabases.create(serverURL: try postgresServerURL(), prefix: "hubstop_")
            arguments = ["--database", url]
        } else {
            let data = folder.appendingPathComponent("hub").path
            try await HubFixture.expectSuccess(["hub", "init", "--data", data])
            arguments = ["--data", data]
        }
        let hub = try await HubServerProcess.start(
            storage: arguments, port: try freeLoopbackPort(), log: folder.appendingPathComponent("hub.log"))
        defer { hub.stop() }
        hub.send(SIGTERM)
        let exit = try await hub.waitForExit(within: 20)
        #expect(exit?.reason == .exit && exit?.status == 0, "\(hub.child.logText)")
    }
}
