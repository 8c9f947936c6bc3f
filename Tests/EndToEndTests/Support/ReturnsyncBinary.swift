import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The real `returnsync` executable that SwiftPM built next to this test bundle.
enum ReturnsyncBinary {
    struct NotFound: Error, CustomStringConvertible {
        var searched: [String]
        var description: String { "returnsync binary not found; looked in: \(searched.joined(separator: ", "))" }
    }

    /// `RETURNSYNC_BINARY` if set, else `returnsync` in the folder of the running test bundle
    /// (`.build/<triple>/debug/`), found from the process's own path.
    static func url() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["RETURNSYNC_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var folders: [URL] = []
        if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            folders.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
        }
        folders.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        folders.append(Bundle.main.bundleURL)
        folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
        // On macOS the bundle is `<name>.xctest/Contents/MacOS/<name>`.
        folders += folders.map {
            $0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        }
        let candidates = folders.map { $0.appendingPathComponent("returnsync") }
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw NotFound(searched: candidates.map(\.path))
        }
        return found
    }
}

/// What one run of the CLI did.
struct CLIResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// Runs the CLI as a child process and waits for it without blocking a thread of the
/// concurrency pool. Output goes to files, so a chatty command can never fill a pipe and hang.
func returnsync(_ arguments: String...) async throws -> CLIResult {
    try await returnsync(arguments)
}

func returnsync(_ arguments: [String]) async throws -> CLIResult {
    try await run(try ReturnsyncBinary.url(), arguments)
}

/// A child process that was still running at its deadline (it is killed).
struct TimedOut: Error, CustomStringConvertible {
    var command: String
    var seconds: Double
    var description: String { "\(command) did not finish in \(Int(seconds)) s; killed" }
}

/// Runs `executable` with `arguments` as a child process (as `returnsync(_:)` does) and waits, at
/// most `seconds` (then it is killed and `TimedOut` thrown). The end-to-end tests have no fixed
/// time limit: each of their waits has its own deadline, like this one.
func run(_ executable: URL, _ arguments: [String], within seconds: Double = 120) async throws -> CLIResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("e2e-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("stdout")
    let err = scratch.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out)
    let errHandle = try FileHandle(forWritingTo: err)

    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    process.standardOutput = outHandle
    process.standardError = errHandle
    process.standardInput = FileHandle.nullDevice
    var environment = ProcessInfo.processInfo.environment
    environment["RETURNSYNC_DATA"] = nil
    process.environment = environment
    let child = Child(process)
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
            child.watch(within: seconds)
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    child.stopWatching()
    try outHandle.close()
    try errHandle.close()
    if child.killed {
        throw TimedOut(command: ([executable.lastPathComponent] + arguments).joined(separator: " "), seconds: seconds)
    }
    return CLIResult(
        status: status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// A running child and its deadline: past it, the child is killed with SIGKILL.
private final class Child: @unchecked Sendable {
    private let process: Process
    private let lock = NSLock()
    private var watchdog: Task<Void, Never>?
    private var wasKilled = false

    init(_ process: Process) { self.process = process }

    var killed: Bool { lock.withLock { wasKilled } }

    func watch(within seconds: Double) {
        let pid = process.processIdentifier
        let task = Task { [self] in
            guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
            lock.withLock { wasKilled = true }
            kill(pid, SIGKILL)
        }
        lock.withLock { watchdog = task }
    }

    func stopWatching() { lock.withLock { watchdog?.cancel() } }
}
