public import Foundation
public import HubStore
import Replication
import ReturnsDomain

/// `returnsync bench scale`: the hub's merge cost per event as the number of stores pushing grows.
///
/// At each point every store pushes the same number of events (`eventsPerStore`), in change sets
/// of the same size, into a fresh hub, the stores taking turns: so every point times stores of the
/// same age, with the same mix of sales, goods receipts and return steps (a store's first events
/// are mostly sales; its returns come later, so a point with fewer events per store would time a
/// different mix), and per-push costs are shared over the same number of events. The company —
/// and the hub's tables — grow with the number of stores, as they do in life. The figure is hub
/// time per event; the goal is a flat curve (1,000 stores ≤ 1.2 × 10 stores): nothing in the merge
/// may grow with the number of stores (version vectors are per record and sparse; B-trees grow,
/// logarithmically in cost).
///
/// In that series the hub's size grows with the stores too (1,000 × 200 events is a hub 100 times
/// the size of 10 × 200), so it measures the hub's size as much as the number of stores. A second
/// series holds the hub's size equal: every point pushes the same total (the largest point's,
/// stores × `eventsPerStore`) into a fresh hub, split between its stores, so that the number of
/// stores pushing is the only thing that changes — except the stores' age, and with it the mix
/// (few stores pushing many events each have more return steps), which each point reports.
public struct ScaleBenchmark {
    public struct Options: Sendable {
        public var storeCounts: [Int]
        public var eventsPerStore: Int
        public var changeSetSize: Int
        public var skus: Int
        public var seed: UInt64
        public init(
            storeCounts: [Int] = [10, 100, 1_000], eventsPerStore: Int = 200, changeSetSize: Int = 50,
            skus: Int = 5_000,
            seed: UInt64 = 42
        ) {
            self.storeCounts = storeCounts
            self.eventsPerStore = eventsPerStore
            self.changeSetSize = changeSetSize
            self.skus = skus
            self.seed = seed
        }
    }

    public struct Point: Sendable, Codable {
        public var stores: Int
        public var events: Int
        public var changeSets: Int
        public var seconds: Double
        public var microsPerEvent: Double
        /// CPU microseconds per event (steadier than wall time on a shared machine).
        public var cpuMicrosPerEvent: Double
        public var eventsPerSecond: Double
        /// Share of the events that are return-lifecycle events: the same at every point.
        public var returnEventShare: Double
    }

    public struct Result: Sendable, Codable {
        public var backend: String
        public var changeSetSize: Int
        public var eventsPerStore: Int
        public var points: [Point]
        /// Cost per event at the largest store count over the smallest (wall clock).
        public var flatness: Double
        /// The same in CPU time.
        public var cpuFlatness: Double
        /// The series with the hub's size held equal: every point pushes `equalTotal` events.
        public var equalTotal: Int
        public var equalSizePoints: [Point]
        public var equalSizeFlatness: Double
        public var equalSizeCPUFlatness: Double
    }

    public let options: Options
    public let backend: HubBenchBackend
    public init(options: Options, backend: HubBenchBackend) {
        self.options = options
        self.backend = backend
    }

    public func run(progress: (String) -> Void = { _ in }) async throws -> Result {
        var points: [Point] = []
        for n in options.storeCounts {
            progress("scale: \(n) stores × \(options.eventsPerStore) events in change sets of \(options.changeSetSize)")
            points.append(try await point(stores: n, events: n * options.eventsPerStore, progress: progress))
        }
        // The same total at every point: the largest point's, which is reused as it is.
        let total = (options.storeCounts.max() ?? 0) * options.eventsPerStore
        var equal: [Point] = []
        for n in options.storeCounts {
            if let same = points.first(where: { $0.stores == n && $0.events == total }) {
                equal.append(same)
                continue
            }
            progress(
                "scale, equal hub size: \(n) stores × \(total / n) events in change sets of \(options.changeSetSize)")
            equal.append(try await point(stores: n, events: total, progress: progress))
        }
        func ratio(_ p: [Point], _ value: (Point) -> Double) -> Double {
            (p.last.map(value) ?? 0) / max(p.first.map(value) ?? 1, 1e-9)
        }
        return Result(
            backend: backend.name, changeSetSize: options.changeSetSize, eventsPerStore: options.eventsPerStore,
            points: points, flatness: ratio(points, \.microsPerEvent), cpuFlatness: ratio(points, \.cpuMicrosPerEvent),
            equalTotal: total, equalSizePoints: equal, equalSizeFlatness: ratio(equal, \.microsPerEvent),
            equalSizeCPUFlatness: ratio(equal, \.cpuMicrosPerEvent))
    }

    /// `stores` stores pushing `events` in all into a fresh hub.
    func point(stores n: Int, events: Int, progress: (String) -> Void) async throws -> Point {
        let o = WorkloadOptions(
            seed: options.seed, stores: n, skus: options.skus, customers: 20_000, events: events,
            changeSetSize: options.changeSetSize)
        let r = try await HubIngestBenchmark(options: .init(workload: o, raw: false), backend: backend)
            .run(label: "scale-\(n)-\(events)")
        let returnEvents = r.mix.byKind.filter { $0.key.hasPrefix("return.") }.reduce(0) { $0 + $1.value }
        progress("  \(fixed(r.microsPerEvent, 2)) µs/event, \(fixed(r.cpuMicrosPerEvent, 2)) CPU µs/event")
        return Point(
            stores: n, events: r.events, changeSets: r.changeSets, seconds: r.hubSeconds,
            microsPerEvent: r.microsPerEvent, cpuMicrosPerEvent: r.cpuMicrosPerEvent,
            eventsPerSecond: r.hubEventsPerSecond,
            returnEventShare: Double(returnEvents) / Double(max(1, r.events)))
    }
}

/// `returnsync bench memory`: the hub process's peak resident memory while it ingests a large
/// workload (1M events by default), read from the kernel (`VmHWM` in `/proc/self/status`) after
/// the ingest. The generator streams, so what is measured is the hub, its SQLite caches and the
/// process's runtime; the peak before the ingest (after the catalog set-up) is shown too.
public struct MemoryBenchmark {
    public struct Options: Sendable {
        public var workload: WorkloadOptions
        public init(workload: WorkloadOptions) { self.workload = workload }
    }

    public struct Result: Sendable, Codable {
        public var backend: String
        public var events: Int
        public var peakBeforeBytes: Int?
        public var peakAfterBytes: Int?
        public var residentAfterBytes: Int?
        public var eventsPerSecond: Double
    }

    public let options: Options
    public let backend: HubBenchBackend
    public init(options: Options, backend: HubBenchBackend) {
        self.options = options
        self.backend = backend
    }

    public func run(progress: (String) -> Void = { _ in }) async throws -> Result {
        let before = ProcessMemory.peakResidentBytes()
        let r = try await HubIngestBenchmark(options: .init(workload: options.workload, raw: false), backend: backend)
            .run(label: "memory", progress: progress)
        return Result(
            backend: backend.name, events: r.events, peakBeforeBytes: before,
            peakAfterBytes: ProcessMemory.peakResidentBytes(),
            residentAfterBytes: ProcessMemory.residentBytes(), eventsPerSecond: r.hubEventsPerSecond)
    }
}
