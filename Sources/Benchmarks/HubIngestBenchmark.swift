public import Foundation
public import HubStore
import Replication
import ReturnsDomain

/// `returnsync bench hub-ingest`: events merged per second by a hub from pushed change sets,
/// against raw batched inserts of the same event rows into the same storage, in the same run.
///
/// The traffic is a `Workload` (stores pushing in turn, change sets of `changeSetSize`); the hub
/// takes each change set through `HubStore.push` exactly as the sync route does after decoding
/// (decoding the HTTP body is not timed; encoding the stored bytes is). Head office's set-up
/// (stores, catalog, policy) is pushed first and not timed. The raw figure inserts the traffic's
/// event rows — same columns, key and index, bytes already encoded — in the same batches, one
/// durable transaction each.
public struct HubIngestBenchmark {
    public struct Options: Sendable {
        public var workload: WorkloadOptions
        /// Also time the raw inserts (off for the memory benchmark).
        public var raw: Bool
        /// After the ingest, run `HubStore.verify()` and count the exceptions (slow on big runs).
        public var verify: Bool
        /// The first this many traffic events are pushed before the clock starts (the stores'
        /// earlier history), so that the timed events come from stores in their steady state.
        public var warmup: Int
        /// Events per change set of that history (default: the workload's).
        public var warmupChangeSetSize: Int?
        public init(
            workload: WorkloadOptions, raw: Bool = true, verify: Bool = false, warmup: Int = 0,
            warmupChangeSetSize: Int? = nil
        ) {
            self.workload = workload
            self.raw = raw
            self.verify = verify
            self.warmup = warmup
            self.warmupChangeSetSize = warmupChangeSetSize
        }
    }

    public struct Result: Sendable, Codable {
        public var backend: String
        public var events: Int
        public var changeSets: Int
        public var changeSetSize: Int
        public var stores: Int
        public var hubSeconds: Double
        public var hubEventsPerSecond: Double
        /// Microseconds of hub time per event (wall clock).
        public var microsPerEvent: Double
        /// Microseconds of CPU per event during the pushes (all threads of the process; the
        /// generator is idle then): steadier than wall time on a shared machine.
        public var cpuMicrosPerEvent: Double
        public var pushP50Millis: Double
        public var pushP99Millis: Double
        public var rawRowsPerSecond: Double?
        public var ratio: Double?
        public var mix: WorkloadStats
        public var verified: Bool?
        public var verifyMismatches: Int?
        public var exceptions: Int?
    }

    public let options: Options
    public let backend: HubBenchBackend
    public init(options: Options, backend: HubBenchBackend) {
        self.options = options
        self.backend = backend
    }

    public func run(label: String = "ingest", progress: (String) -> Void = { _ in }) async throws -> Result {
        let workload = Workload(options.workload)
        let o = options.workload
        let hub = try await backend.makeHub(label)
        try await workload.enroll(into: hub, now: 1)
        let setup = workload.setup()
        progress("hub (\(backend.name)): set-up of \(setup.reduce(0) { $0 + $1.count }) head-office events, not timed")
        for b in setup { _ = try await hub.push(b.changeSet, from: b.node, now: Workload.hubClock) }

        let traffic = workload.traffic()
        if options.warmup > 0 {
            progress("hub (\(backend.name)): \(options.warmup) events of earlier store history, not timed")
            var pushed = 0
            traffic.changeSetSize = options.warmupChangeSetSize ?? o.changeSetSize
            while pushed < options.warmup, let b = traffic.next() {
                _ = try await hub.push(b.changeSet, from: b.node, now: Workload.hubClock)
                pushed += b.count
            }
            traffic.changeSetSize = o.changeSetSize
        }
        let untimed = traffic.stats
        let timedEvents = o.events - untimed.events
        progress(
            "hub (\(backend.name)): merging \(timedEvents) events from \(o.stores) stores in change sets of \(o.changeSetSize)"
        )
        var latency = LatencyRecorder()
        var hubNanos: UInt64 = 0
        var cpuNanos: UInt64 = 0
        var done = 0
        var nextReport = max(timedEvents / 10, 1)
        while let b = traffic.next() {
            let c0 = processCPUNanos()
            let t0 = monotonicNanos()
            _ = try await hub.push(b.changeSet, from: b.node, now: Workload.hubClock)
            let dt = monotonicNanos() - t0
            cpuNanos += processCPUNanos() - c0
            hubNanos += dt
            latency.record(dt)
            done += b.count
            if done >= nextReport {
                progress(
                    "  \(done)/\(timedEvents) events, \(fixed(Double(done) / (Double(hubNanos) / 1e9), 0)) events/s so far"
                )
                nextReport += max(timedEvents / 10, 1)
            }
        }
        let hubSeconds = Double(hubNanos) / 1e9
        let timed = traffic.stats.minus(untimed)
        var result = Result(
            backend: backend.name, events: timed.events, changeSets: timed.changeSets,
            changeSetSize: o.changeSetSize, stores: o.stores, hubSeconds: hubSeconds,
            hubEventsPerSecond: Double(timed.events) / hubSeconds,
            microsPerEvent: hubSeconds * 1e6 / Double(max(1, timed.events)),
            cpuMicrosPerEvent: Double(cpuNanos) / 1e3 / Double(max(1, timed.events)),
            pushP50Millis: latency.percentileMillis(50), pushP99Millis: latency.percentileMillis(99),
            rawRowsPerSecond: nil,
            ratio: nil, mix: timed)

        if options.verify {
            progress("hub: verifying (projections against a rebuild, feed, acknowledgements)")
            let report = try await hub.verify()
            result.verified = report.isOK
            result.verifyMismatches = report.mismatches.count
            for m in report.mismatches.prefix(5) { progress("  mismatch: \(m)") }
            result.exceptions = try await hub.state().exceptions().count
        }

        if options.raw {
            progress("raw (\(backend.name)): the same \(timed.events) event rows in the same batches")
            let sink = try await backend.makeRawSink(label + "-raw")
            var rawNanos: UInt64 = 0
            let again = workload.traffic()
            again.changeSetSize = options.warmupChangeSetSize ?? o.changeSetSize
            var skipped = 0
            while skipped < untimed.events, let b = again.next() { skipped += b.count }
            again.changeSetSize = o.changeSetSize
            for b in again {
                let rows = try b.changeSet.events.map(RawEventRow.init)
                let t0 = monotonicNanos()
                try await sink.insert(rows)
                rawNanos += monotonicNanos() - t0
            }
            let rawRate = Double(timed.events) / (Double(rawNanos) / 1e9)
            result.rawRowsPerSecond = rawRate
            result.ratio = result.hubEventsPerSecond / rawRate
        }
        return result
    }
}
