import ChildProcesses
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The `returnsync` binary the matrix drives: `RETURNSYNC_BINARY`, else the one next to this binary.
enum ReturnsyncBinary {
    static func url() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["RETURNSYNC_BINARY"] { return URL(fileURLWithPath: path) }
        let own =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0]
        let candidate = URL(fileURLWithPath: own).deletingLastPathComponent().appendingPathComponent("returnsync")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else {
            throw ChaosError("returnsync not found next to returnsync-chaos (\(candidate.path)); set RETURNSYNC_BINARY")
        }
        return candidate
    }
}

/// A failure of the matrix itself (not a violation): setup that did not work.
struct ChaosError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// What one run of a command did.
typealias CommandResult = ChildResult

/// Runs `executable` to the end (`runChild`), in this process's environment for children.
func runCommand(_ executable: URL, _ arguments: [String], environment: [String: String] = [:]) async throws
    -> CommandResult
{
    try await runChild(executable, arguments, environment: childEnvironment(environment))
}

/// Runs a script that leaves a daemon behind (`scripts/postgres-cluster crash-restart`) through
/// `system`, on a thread of its own: `system` waits for exactly that child, where `Process` would
/// also wait for the daemon that inherited its descriptors. The exit status.
func runShell(_ arguments: [String]) async -> Int32 {
    let quoted = arguments.map { "'\($0.replacingOccurrences(of: "'", with: "'\\''"))'" }
    let line = quoted.joined(separator: " ") + " >/dev/null 2>&1 </dev/null"
    return await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: system(line)) }.start()
    }
}

/// `returnsync ARGS`, to the end.
func returnsync(_ arguments: [String]) async throws -> CommandResult {
    try await runCommand(try ReturnsyncBinary.url(), arguments)
}

/// `returnsync ARGS`, required to succeed.
@discardableResult
func returnsyncOK(_ arguments: [String]) async throws -> CommandResult {
    let result = try await returnsync(arguments)
    guard result.ok else { throw ChaosError("returnsync \(arguments.joined(separator: " ")) failed: \(result)") }
    return result
}

/// This process's environment without the variables that would point a child at other data.
func childEnvironment(_ extra: [String: String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in ["RETURNSYNC_DATA", "RETURNSYNC_HUB_DATA", "RETURNSYNC_HUB_DATABASE"] { environment[key] = nil }
    return environment.merging(extra) { _, new in new }
}

/// A long-running `returnsync` child (`hub serve`, `node serve`), its output appended to a log.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let name: String
    let log: URL
    private let logHandle: FileHandle

    init(name: String, _ arguments: [String], log: URL, environment: [String: String] = [:]) throws {
        self.name = name
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
        process.environment = childEnvironment(environment)
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// SIGKILL: no chance to clean up, the crash the matrix is about.
    func kill9() {
        if process.isRunning { _ = kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? logHandle.close()
    }

    /// SIGTERM and wait (up to `seconds`, then SIGKILL). True if it stopped gracefully.
    @discardableResult
    func terminate(within seconds: Double = 20) async -> Bool {
        if process.isRunning { _ = kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        let graceful = !process.isRunning
        kill9()
        return graceful
    }
}

/// Progress for people watching, on stderr; stdout is the table.
func progress(_ line: String) {
    FileHandle.standardError.write(Data("chaos: \(line)\n".utf8))
}
