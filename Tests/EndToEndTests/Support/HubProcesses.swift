import AsyncHTTPClient
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A `returnsync` child process that runs in the background (`hub serve`, or a `node sync --once`
/// the test wants to interrupt), with its output in a log file. `stop()` always ends it.
final class HubChildProcess: @unchecked Sendable {
    let process = Process()
    let arguments: [String]
    let log: URL
    private let logHandle: FileHandle

    init(_ arguments: [String], log: URL) throws {
        self.arguments = arguments
        self.log = log
        if !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        logHandle = try FileHandle(forWritingTo: log)
        logHandle.seekToEndOfFile()
        process.executableURL = try ReturnsyncBinary.url()
        process.arguments = arguments
        process.standardOutput = logHandle
        process.standardError = logHandle
        process.standardInput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["RETURNSYNC_DATA"] = nil
        environment["RETURNSYNC_HUB_DATA"] = nil
        process.environment = environment
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var logText: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    func send(_ signal: Int32) { if process.isRunning { _ = kill(pid, signal) } }

    /// Waits for the process to end; how it ended, or nil if it still runs after `seconds`.
    func waitForExit(within seconds: Double = 20) async throws -> (reason: Process.TerminationReason, status: Int32)? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        guard !process.isRunning else { return nil }
        return (process.terminationReason, process.terminationStatus)
    }

    /// Ends the process (SIGKILL if it still runs) and reaps it. Safe to call more than once.
    func stop() {
        if process.isRunning { _ = kill(pid, SIGKILL) }
        process.waitUntilExit()
        try? logHandle.close()
    }
}

/// `returnsync hub serve` on a fixed loopback port (nodes are connected to its URL, so a restart
/// after a crash comes back on the same port).
final class HubServerProcess: @unchecked Sendable {
    let child: HubChildProcess
    let port: Int
    var baseURL: String { "http://127.0.0.1:\(port)" }

    struct StartupFailed: Error, CustomStringConvertible { var description: String }

    /// Starts `hub serve` on the SQLite hub in `data` and returns once `/healthz` answers 200.
    static func start(data: String, port: Int, log: URL, within seconds: Double = 20) async throws -> HubServerProcess {
        try await start(storage: ["--data", data], port: port, log: log, within: seconds)
    }

    /// Starts `hub serve` with `storage` (`--data DIR` or `--database URL`) once `/healthz` answers 200.
    static func start(storage: [String], port: Int, log: URL, within seconds: Double = 20) async throws
        -> HubServerProcess
    {
        let server = HubServerProcess(
            child: try HubChildProcess(
                ["hub", "serve"] + storage + ["--host", "127.0.0.1", "--port", String(port)], log: log),
            port: port)
        do {
            try await server.waitUntilHealthy(within: seconds)
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(child: HubChildProcess, port: Int) {
        self.child = child
        self.port = port
    }

    func waitUntilHealthy(within seconds: Double) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            guard child.isRunning else {
                throw StartupFailed(
                    description: "hub serve exited with \(child.process.terminationStatus):\n\(child.logText)")
            }
            var request = HTTPClientRequest(url: baseURL + "/healthz")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)) {
                _ = try? await response.body.collect(upTo: 1 << 16)
                if response.status == .ok { return }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw StartupFailed(description: "hub serve did not become healthy in \(seconds) s:\n\(child.logText)")
    }

    func send(_ signal: Int32) { child.send(signal) }
    func waitForExit(within seconds: Double = 20) async throws -> (reason: Process.TerminationReason, status: Int32)? {
        try await child.waitForExit(within: seconds)
    }
    func stop() { child.stop() }
}
