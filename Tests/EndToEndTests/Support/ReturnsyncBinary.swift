import ChildProcesses
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
typealias CLIResult = ChildResult

/// Runs the CLI as a child process and waits for it without blocking a thread of the
/// concurrency pool. Output goes to files, so a chatty command can never fill a pipe and hang.
func returnsync(_ arguments: String...) async throws -> CLIResult {
    try await returnsync(arguments)
}

func returnsync(_ arguments: [String]) async throws -> CLIResult {
    try await run(try ReturnsyncBinary.url(), arguments)
}

/// Runs `executable` with `arguments` as a child process (as `returnsync(_:)` does) and waits, at
/// most `seconds` (then it is killed and `ChildTimedOut` thrown). The end-to-end tests have no
/// fixed time limit: each of their waits has its own deadline, like this one.
func run(_ executable: URL, _ arguments: [String], within seconds: Double = 120) async throws -> CLIResult {
    var environment = ProcessInfo.processInfo.environment
    environment["RETURNSYNC_DATA"] = nil
    return try await runChild(executable, arguments, environment: environment, within: seconds)
}
