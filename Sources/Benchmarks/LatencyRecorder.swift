import Dispatch
import Histogram

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Collects per-operation latencies in nanoseconds in an HDR histogram (three significant digits,
/// constant memory however many operations are timed) and reports percentiles and the mean.
public struct LatencyRecorder: Sendable {
    private var histogram = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
    public init() {}
    public mutating func record(_ nanos: UInt64) { _ = histogram.record(nanos) }

    public var count: UInt64 { histogram.totalCount }

    /// The `p`-th percentile (0…100) in milliseconds (to 0.1 % of the value).
    public func percentileMillis(_ p: Double) -> Double {
        histogram.totalCount == 0 ? 0 : Double(histogram.valueAtPercentile(p)) / 1_000_000
    }

    /// The mean in milliseconds.
    public var meanMillis: Double { histogram.totalCount == 0 ? 0 : histogram.mean / 1_000_000 }
}

/// Monotonic nanoseconds, for timing.
@inline(__always)
public func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

/// CPU time this thread has used, in nanoseconds: user (SQLite's and the program's own work) and
/// system (the kernel's work for its system calls: copying pages into the WAL, starting fsync),
/// not the time it waits for the disk. From `getrusage(RUSAGE_THREAD)`, which the kernel keeps
/// in ticks scaled to the thread's exact run time: good over many transactions, not for one.
public struct ThreadCPU: Sendable {
    public var user: UInt64 = 0
    public var system: UInt64 = 0
    public init() {}
    public static func now() -> ThreadCPU {
        var usage = rusage()
        #if os(Linux)
            // RUSAGE_THREAD (1) is declared only under _GNU_SOURCE, which Swift's Glibc does not set.
            getrusage(1, &usage)
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return ThreadCPU(usage)
    }

    /// CPU time every thread of the process has used: for work that runs on other threads than
    /// the caller's (an async API whose transactions run on GRDB's writer and reader queues).
    public static func process() -> ThreadCPU {
        var usage = rusage()
        #if os(Linux)
            getrusage(0, &usage)  // RUSAGE_SELF
        #else
            getrusage(RUSAGE_SELF, &usage)
        #endif
        return ThreadCPU(usage)
    }

    private init(_ usage: rusage) {
        user = UInt64(usage.ru_utime.tv_sec) * 1_000_000_000 + UInt64(usage.ru_utime.tv_usec) * 1_000
        system = UInt64(usage.ru_stime.tv_sec) * 1_000_000_000 + UInt64(usage.ru_stime.tv_usec) * 1_000
    }
    public static func + (a: ThreadCPU, b: ThreadCPU) -> ThreadCPU {
        var t = a
        t.user += b.user
        t.system += b.system
        return t
    }
    public static func - (a: ThreadCPU, b: ThreadCPU) -> ThreadCPU {
        var t = a
        t.user -= min(t.user, b.user)
        t.system -= min(t.system, b.system)
        return t
    }
    /// Microseconds per operation, user and system, over `count` operations.
    public func micros(per count: Int) -> (user: Double, system: Double) {
        (Double(user) / 1_000 / Double(count), Double(system) / 1_000 / Double(count))
    }
}

/// Formats a figure with a fixed number of decimals, for tables.
public func fixed(_ x: Double, _ decimals: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let r = (x * scale).rounded() / scale
    var s = "\(r)"
    if let dot = s.firstIndex(of: ".") {
        let have = s.distance(from: dot, to: s.endIndex) - 1
        if have < decimals { s += String(repeating: "0", count: decimals - have) }
    } else if decimals > 0 {
        s += "." + String(repeating: "0", count: decimals)
    }
    return s
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// CPU time this process has used (all threads), in nanoseconds: what a measurement cost in CPU,
/// which stays put when other work on a shared machine stretches the wall-clock time.
public func processCPUNanos() -> UInt64 {
    var t = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
    return UInt64(t.tv_sec) * 1_000_000_000 + UInt64(t.tv_nsec)
}
