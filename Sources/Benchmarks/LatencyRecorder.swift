import Dispatch

/// Collects per-operation latencies in nanoseconds and reports percentiles.
public struct LatencyRecorder: Sendable {
    public private(set) var samples: [UInt64] = []
    public init(capacity: Int = 0) { samples.reserveCapacity(capacity) }
    public mutating func record(_ nanos: UInt64) { samples.append(nanos) }

    /// The `p`-th percentile (0…100) in milliseconds, nearest-rank.
    public func percentileMillis(_ p: Double) -> Double {
        guard !samples.isEmpty else { return 0 }
        let sorted = samples.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
        return Double(sorted[min(max(rank, 0), sorted.count - 1)]) / 1_000_000
    }
}

/// Monotonic nanoseconds, for timing.
@inline(__always)
public func monotonicNanos() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

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
