import AsyncHTTPClient
import ChildProcesses
import Foundation
import NIOCore

/// The hub of a run: one `hub serve` on SQLite, or several over one PostgreSQL database, each on
/// a fixed loopback port so that a restart after `kill -9` comes back where the proxy expects it.
final class ChaosHub: @unchecked Sendable {
    /// `--data DIR` or `--database URL`.
    let storage: [String]
    let ports: [Int]
    let folder: URL
    private var servers: [ServerProcess?]
    private var restarts = 0

    var urls: [String] { ports.map { "http://127.0.0.1:\($0)" } }

    init(storage: [String], processes: Int, folder: URL) throws {
        self.storage = storage
        self.folder = folder
        ports = try (0..<processes).map { _ in try freeLoopbackPort() }
        servers = Array(repeating: nil, count: processes)
    }

    /// Starts hub process `i` and waits until `/healthz` answers 200.
    func start(_ i: Int) async throws {
        restarts += 1
        let log = folder.appendingPathComponent("hub-\(i).log")
        let child = try ServerProcess(
            name: "hub-\(i)",
            ["hub", "serve"] + storage + ["--host", "127.0.0.1", "--port", String(ports[i])],
            log: log)
        servers[i] = child
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            guard child.isRunning else { throw ChaosError("hub serve \(i) exited; see \(log.path)") }
            var request = HTTPClientRequest(url: urls[i] + "/healthz")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)) {
                _ = try? await response.body.collect(upTo: 1 << 16)
                if response.status == .ok { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChaosError("hub serve \(i) did not become healthy; see \(log.path)")
    }

    func startAll() async throws {
        for i in ports.indices { try await start(i) }
    }

    func kill9(_ i: Int) { servers[i]?.kill9() }

    /// Starts every process that is not running (after kills, or one that died on a full disk).
    func ensureRunning() async throws {
        for i in ports.indices where !(servers[i]?.isRunning ?? false) { try await start(i) }
    }

    func stopAll() async {
        for server in servers { await server?.terminate(within: 10) }
    }

    /// A head-office read straight from hub process 0 (never through the proxy).
    func get(_ path: String, token: String) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: urls[0] + path)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 512 << 20)
        return HTTPAnswer(status: response.status.code, body: Data(body.readableBytesView))
    }
}
