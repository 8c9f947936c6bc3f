public import Foundation
import Subprocess
import SystemPackage

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

// Child processes for the end-to-end tests and the fault matrix (`returnsync-chaos`): running a
// command to its end and finding a free loopback port. No product depends on it.

/// What one run of a command did.
public struct ChildResult: Sendable, CustomStringConvertible {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    public var ok: Bool { status == 0 }
    public var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }
}

/// A child that was still running at its deadline (it was killed).
public struct ChildTimedOut: Error, CustomStringConvertible {
    public var command: String
    public var seconds: Double
    public var description: String { "\(command) did not finish in \(Int(seconds)) s; killed" }
}

/// Runs `executable` to its end, its output in files (a chatty child never fills a pipe), without
/// blocking a thread of the concurrency pool; `environment` is the child's whole environment.
/// With `seconds`, a child still running then is killed and `ChildTimedOut` thrown.
///
/// Started with swift-subprocess rather than Foundation's `Process`, whose `run()` on Linux now
/// and then reads past a buffer while it lists `/proc/self/fd` and kills the whole test process
/// (swift-corelibs-foundation#5472; seen in 2 of 5 runs of the suite).
public func runChild(
    _ executable: URL, _ arguments: [String], environment: [String: String], within seconds: Double? = nil
) async throws -> ChildResult {
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    let out = scratch.appendingPathComponent("stdout")
    let err = scratch.appendingPathComponent("stderr")
    func file(_ url: URL) throws -> FileDescriptor {
        try FileDescriptor.open(
            FilePath(url.path), .writeOnly, options: [.create, .truncate], permissions: [.ownerReadWrite])
    }
    let watch = Watchdog()
    let result = try await Subprocess.run(
        .path(FilePath(executable.path)), arguments: Arguments(arguments),
        environment: .custom(
            Dictionary(
                uniqueKeysWithValues: environment.compactMap { k, v in Environment.Key(rawValue: k).map { ($0, v) } })),
        input: .none,
        output: .fileDescriptor(try file(out), closeAfterSpawningProcess: true),
        error: .fileDescriptor(try file(err), closeAfterSpawningProcess: true)
    ) { execution in
        if let seconds { watch.start(pid: execution.processIdentifier.value, after: seconds) }
    }
    watch.stop()
    if watch.fired, let seconds {
        throw ChildTimedOut(
            command: ([executable.lastPathComponent] + arguments).joined(separator: " "), seconds: seconds)
    }
    let status: Int32 =
        switch result.terminationStatus {
        case .exited(let code): code
        case .signaled(let signal): signal
        }
    return ChildResult(
        status: status, stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
        stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
}

/// Kills a child with SIGKILL at its deadline.
private final class Watchdog: @unchecked Sendable {
    private let lock = NSLock()
    private var task: Task<Void, Never>?
    private var killed = false

    var fired: Bool { lock.withLock { killed } }

    func start(pid: pid_t, after seconds: Double) {
        let task = Task { [self] in
            guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
            lock.withLock { killed = true }
            kill(pid, SIGKILL)
        }
        lock.withLock { self.task = task }
    }

    func stop() { lock.withLock { task?.cancel() } }
}

/// A failure to find a free port.
public struct NoFreePort: Error, CustomStringConvertible {
    public var description: String
}

/// A TCP port on loopback that was free a moment ago: bind port 0, read what the kernel chose,
/// close. (Another process could take it in between; on a test machine that is rare enough.)
public func freeLoopbackPort() throws -> Int {
    #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw NoFreePort(description: "no socket for a free port") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0 else { throw NoFreePort(description: "cannot bind a loopback port") }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw NoFreePort(description: "cannot read a loopback port") }
    return Int(UInt16(bigEndian: address.sin_port))
}
