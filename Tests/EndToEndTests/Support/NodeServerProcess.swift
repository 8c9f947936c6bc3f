import AsyncHTTPClient
import ChildProcesses
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `returnsync node serve` running as a real child process on a loopback port.
final class NodeServerProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let log: URL
    /// A key to the node's API, made for this process with `node token add`.
    let key: String
    private let logHandle: FileHandle

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Makes a key with `node token add`, starts the server on `data` (with `environment` added to
    /// this process's) and returns once `/api/v1/healthz` answers 200.
    ///
    /// `settings` replaces the `--host 127.0.0.1 --port <free port>` it passes by default; `port` is
    /// then where the settings make it listen.
    static func start(
        data: String, log: URL, client: HTTPClient, environment: [String: String] = [:], settings: [String]? = nil,
        port: Int? = nil
    ) async throws -> NodeServerProcess {
        let made = try await returnsync(
            "node", "token", "add", "--data", data, "--name", "e2e-\(UUID().uuidString.prefix(8))")
        guard made.status == 0 else { throw StartupFailed(description: "node token add failed: \(made)") }
        let key = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try port ?? freeLoopbackPort()
        let server = try NodeServerProcess(
            data: data, port: port, log: log, key: key, environment: environment,
            settings: settings ?? ["--host", "127.0.0.1", "--port", String(port)])
        try await server.waitUntilHealthy(client: client)
        return server
    }

    private init(
        data: String, port: Int, log: URL, key: String, environment: [String: String], settings: [String]
    ) throws {
        self.port = port
        self.key = key
        self.log = log
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        logHandle = try FileHandle(forWritingTo: log)
        logHandle.seekToEndOfFile()
        process.executableURL = try ReturnsyncBinary.url()
        process.arguments = ["node", "serve", "--data", data] + settings
        process.standardOutput = logHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }

    /// A request to `path` on this node, carrying its key.
    func request(_ path: String) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Authorization", value: "Bearer \(key)")
        return request
    }

    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    struct StartupFailed: Error, CustomStringConvertible {
        var description: String
    }

    func waitUntilHealthy(client: HTTPClient, within seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard process.isRunning else {
                throw StartupFailed(description: "node serve exited with \(process.terminationStatus):\n\(logText)")
            }
            var request = HTTPClientRequest(url: baseURL + "/api/v1/healthz")
            request.method = .GET
            if let response = try? await client.execute(request, timeout: .seconds(1)) {
                _ = try? await response.body.collect(upTo: 1 << 16)
                if response.status == .ok { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StartupFailed(description: "node serve did not become healthy in \(seconds) s:\n\(logText)")
    }

    /// The `sync` part of `/healthz`: the node's link to its hub (nil when it has none).
    struct SyncHealth: Decodable {
        var online: Bool
        var failedRounds: Int
        var lastSuccess: [String: Int64]?
    }

    func syncHealth(client: HTTPClient) async throws -> SyncHealth? {
        struct Health: Decodable { var sync: SyncHealth? }
        let response = try await client.execute(request("/healthz"), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 16)
        return try JSONDecoder().decode(Health.self, from: Data(buffer: body)).sync
    }

    /// Reads `/healthz` until its sync part meets `condition` or `seconds` pass; the last reading.
    func waitForSync(
        client: HTTPClient, within seconds: Double, until condition: (SyncHealth) -> Bool
    ) async throws -> SyncHealth? {
        let deadline = Date().addingTimeInterval(seconds)
        var health = try await syncHealth(client: client)
        while !(health.map(condition) ?? false), Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            health = try await syncHealth(client: client)
        }
        return health
    }

    /// Sends `signal` (SIGKILL: no chance to clean up; SIGTERM: graceful shutdown).
    func send(_ signal: Int32) {
        _ = kill(pid, signal)
    }

    /// Waits for the process to end; returns how it ended, or nil if it is still running.
    func waitForExit(within seconds: Double = 10) async throws -> (reason: Process.TerminationReason, status: Int32)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        guard !process.isRunning else { return nil }
        return (process.terminationReason, process.terminationStatus)
    }

    /// Kills the process if a failed test left it running.
    func stop() {
        if process.isRunning { send(SIGKILL) }
        process.waitUntilExit()
        try? logHandle.close()
    }
}
