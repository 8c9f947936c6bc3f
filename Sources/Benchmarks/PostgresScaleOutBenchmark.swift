import Foundation
import HubStore
import HubStorePostgres
import Replication
import ReturnsDomain

/// `returnsync bench hub-ingest --backend postgres --hubs N`: events merged per second when N
/// hubs push into one PostgreSQL database at the same time.
///
/// Each hub is a `PostgresHubStore` with its own connection pool, as a `hub serve` process has;
/// they run in this one process (so the figure leaves out HTTP, as `hub-ingest` does) and the
/// database sees N independent sessions pushing at once. The stores are split between the hubs
/// (store i pushes through hub i mod N, its change sets in order, as a node's agent does), and the
/// figure is all traffic events over the wall time from the first push to the last answer.
public struct PostgresScaleOutBenchmark {
    public struct Result: Sendable {
        public var hubs: Int
        public var events: Int
        public var seconds: Double
        public var eventsPerSecond: Double
        public var verified: Bool?
    }

    public let serverURL: String
    public let workload: WorkloadOptions
    public let hubs: Int
    public let verify: Bool

    public init(serverURL: String, workload: WorkloadOptions, hubs: Int, verify: Bool = false) {
        self.serverURL = serverURL
        self.workload = workload
        self.hubs = max(1, hubs)
        self.verify = verify
    }

    public func run(progress: (String) -> Void = { _ in }) async throws -> Result {
        let url = try await PostgresDatabases.create(serverURL: serverURL, prefix: "returnsync_bench_")
        var stores: [PostgresHubStore] = []
        for _ in 0..<hubs { stores.append(try await PostgresHubStore.connect(url: url)) }
        defer { stores.forEach { $0.close() } }
        let generator = Workload(workload)
        try await generator.enroll(into: stores[0], now: 1)
        for b in generator.setup() { _ = try await stores[0].push(b.changeSet, from: b.node, now: Workload.hubClock) }

        // Each hub's share of the traffic, in the order the nodes made it.
        var nodeHub: [NodeID: Int] = [:]
        var shares = Array(repeating: [PushBatch](), count: hubs)
        var events = 0
        for b in generator.traffic() {
            let hub = nodeHub[b.node] ?? (nodeHub.count % hubs)
            nodeHub[b.node] = hub
            shares[hub].append(b)
            events += b.count
        }
        progress(
            "hub (postgres × \(hubs)): merging \(events) events from \(nodeHub.count) stores through \(hubs) hubs at once"
        )
        let started = monotonicNanos()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, share) in shares.enumerated() {
                let store = stores[i]
                group.addTask {
                    for b in share { _ = try await store.push(b.changeSet, from: b.node, now: Workload.hubClock) }
                }
            }
            try await group.waitForAll()
        }
        let seconds = Double(monotonicNanos() - started) / 1e9
        var result = Result(hubs: hubs, events: events, seconds: seconds, eventsPerSecond: Double(events) / seconds)
        if verify {
            progress("hub: verifying")
            let report = try await stores[0].verify()
            result.verified = report.isOK
            for m in report.mismatches.prefix(5) { progress("  mismatch: \(m)") }
        }
        return result
    }
}
