public import Foundation
import GRDB
public import HubStore
public import HubStoreSQLite
public import NodeStore
import ReplicaStore
public import Replication
public import ReturnsDomain

/// A company built for the pull and bootstrap benchmarks: the seeded `Workload` pushed into a
/// fresh embedded hub through its real push path, plus the store that the measured node joins.
public struct BenchCompany: Sendable {
    public let hub: SQLiteHubStore
    public let folder: URL
    /// Events the hub holds.
    public let events: Int
    /// The store the measured node belongs to: its goods-in and repairs come with the others.
    public let store: StoreID
    public let seconds: Double

    /// Builds a company of about `events` events from `stores` stores in a hub under `folder`.
    /// With `cache`, a company built before with the same figures is copied from there instead
    /// (and a new one is saved there): the hub file is the same, byte for byte.
    public static func build(
        events: Int, stores: Int, folder: URL, cache: URL? = nil, progress: (String) -> Void
    ) async throws -> BenchCompany {
        let fm = FileManager.default
        try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        let options = WorkloadOptions(
            seed: 7, stores: stores, skus: 2_000, customers: max(1_000, events / 20), events: events,
            changeSetSize: 1_000)
        let workload = Workload(options)
        let path = folder.appendingPathComponent("hub.sqlite").path
        let cached = cache?.appendingPathComponent("company-\(events)-\(stores).sqlite")
        let t0 = monotonicNanos()
        let hub: SQLiteHubStore
        if let cached, fm.fileExists(atPath: cached.path) {
            progress("company: copying the company of \(events) events built before (\(cached.path))")
            try fm.copyItem(atPath: cached.path, toPath: path)
            hub = try SQLiteHubStore.open(atPath: path)
        } else {
            hub = try SQLiteHubStore.create(atPath: path, currency: options.currency)
            progress("company: pushing \(events) events from \(stores) stores into an embedded hub (setup, not timed)")
            try await workload.load(into: hub, now: Workload.hubClock) { pushed in
                progress("company: \(pushed) events pushed")
            }
            if let cached {
                try await hub.database.writer.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
                try fm.createDirectory(at: cached.deletingLastPathComponent(), withIntermediateDirectories: true)
                try fm.copyItem(atPath: path, toPath: cached.path)
            }
        }
        let held = try await hub.state().eventCount()
        return BenchCompany(
            hub: hub, folder: folder, events: held, store: workload.storeParticipants[0].store!,
            seconds: Double(monotonicNanos() - t0) / 1e9)
    }

    /// A fresh node of the company's first store, enrolled (with a made-up secret hash) unless
    /// `enroll` is false (the HTTP runner enrols it with a real token).
    public func newNode(_ name: String, enroll: Bool = true) async throws -> NodeService {
        let node = NodeID("N-\(name)")
        let database = try NodeDatabase.create(
            in: folder.appendingPathComponent("node-\(name)"),
            identity: NodeIdentity(node: node, store: store, currency: Currency("EUR")))
        if enroll {
            try await hub.enroll(node: node, store: store, role: .storeNode, secretHash: "bench-\(name)", now: 0)
        }
        return NodeService(database: database, clock: { Workload.hubClock })
    }

    /// How many events the feed holds for `node` (what a pull from 0 or a snapshot hands out).
    public func relevantEvents(for node: NodeID) async throws -> Int {
        try await hub.snapshot(for: node, now: 0).expectedEvents ?? 0
    }
}

/// Node-side work done over HTTP by the CLI (the `Benchmarks` target has no HTTP stack): given
/// the hub and a fresh, not yet enrolled node, enrol it, serve the hub on loopback and sync the
/// node through `HubClient`; answers the seconds the sync took.
public typealias BenchHTTPRunner = @Sendable (_ hub: SQLiteHubStore, _ node: NodeService) async throws -> Double

/// `returnsync bench bootstrap`: seconds from "new node" to "bootstrapped and ready" for a company
/// of N events: the hub reads its snapshot (one read transaction), the node stores every event,
/// folds each record once, writes its projections and the checkpoint in one transaction. In the
/// same run: the raw floor, SQLite inserting the same event rows into a bare copy of the node's
/// events table in one transaction.
public struct BootstrapBenchmark {
    public struct Options: Sendable {
        public var events: Int
        public var stores: Int
        public var verify: Bool
        public var directory: URL
        /// Where built companies are kept between runs (nil: built every time).
        public var companyCache: URL?
        public init(
            events: Int = 1_000_000, stores: Int = 20, verify: Bool = true, directory: URL, companyCache: URL? = nil
        ) {
            self.events = events
            self.stores = stores
            self.verify = verify
            self.directory = directory
            self.companyCache = companyCache
        }
    }

    public struct Result: Sendable, Codable {
        public var companyEvents: Int
        /// Events in the snapshot (the company less other stores' private records).
        public var snapshotEvents: Int
        public var records: Int
        /// In process: `HubStore.snapshot` straight into `NodeService.loadSnapshot`.
        public var seconds: Double
        public var eventsPerSecond: Double
        /// Over HTTP on loopback: `GET /sync/v1/snapshot` streamed into the node by the sync agent.
        public var httpSeconds: Double?
        /// Raw floor: the same rows inserted into a bare events table in one transaction.
        public var rawSeconds: Double
        /// raw seconds / bootstrap seconds (1 = as fast as merely storing the rows).
        public var ratio: Double
        /// Of `seconds`: until every event was received, decoded and stored (the rest is folding,
        /// projections, index builds and the commit).
        public var eventsPhaseSeconds: Double?
        public var verifySeconds: Double?
        public var verified: Bool?
        public var peakRSSBytes: Int?
        public var companySeconds: Double
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(http: BenchHTTPRunner? = nil, progress: @escaping @Sendable (String) -> Void = { _ in })
        async throws -> Result
    {
        let fm = FileManager.default
        let root = options.directory.appendingPathComponent("bench-bootstrap-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        let company = try await BenchCompany.build(
            events: options.events, stores: options.stores, folder: root, cache: options.companyCache,
            progress: progress)

        // In process.
        progress("bootstrap: a new node of \(company.store) loads its snapshot (in process)")
        let start = monotonicNanos()
        let service = try await company.newNode("BOOT")
        let snapshot = try await company.hub.snapshot(for: service.identity.node, now: 0)
        let phases = PhaseClock()
        let load = try await service.loadSnapshot(
            epoch: snapshot.epoch, expectedEvents: snapshot.expectedEvents,
            next: { try await snapshot.next().map(SnapshotPart.init) },
            progress: {
                if $0.phase == .projections { phases.set($0.seconds) }
                progress($0.line)
            })
        // Ready: the node's first sync finds nothing more to pull.
        let page = try await company.hub.pull(for: service.identity.node, after: load.checkpoint, limit: 1, now: 0)
        guard page.events.isEmpty, try await !service.canBootstrap() else {
            throw NodeStoreError(code: "bench.notReady", message: "the bootstrapped node is not caught up")
        }
        let seconds = Double(monotonicNanos() - start) / 1e9
        let peak = ProcessMemory.peakResidentBytes()

        var verifySeconds: Double?
        var verified: Bool?
        if options.verify {
            progress(
                "verify: rebuilding every projection of the bootstrapped node from its events (not timed in the figure)"
            )
            let t0 = monotonicNanos()
            let report = try service.database.verify()
            verifySeconds = Double(monotonicNanos() - t0) / 1e9
            verified = report.isOK
            if !report.isOK { progress("verify: NOT OK: \(report.mismatches.prefix(5))") }
        }

        var httpSeconds: Double?
        if let http {
            progress("bootstrap: another new node over HTTP on loopback")
            let node = try await company.newNode("BOOT-HTTP", enroll: false)
            httpSeconds = try await http(company.hub, node)
            let count = try await node.read { try $0.eventCount() }
            guard count == load.events else {
                throw NodeStoreError(
                    code: "bench.mismatch",
                    message: "over HTTP the node holds \(count) events, in process \(load.events)")
            }
        }

        progress("raw: the same \(load.events) event rows into a bare events table, one transaction")
        let rawSeconds = try await Self.rawInsert(
            from: service.database, into: root.appendingPathComponent("raw.sqlite").path)

        return Result(
            companyEvents: company.events, snapshotEvents: load.events, records: load.records, seconds: seconds,
            eventsPerSecond: Double(load.events) / seconds, httpSeconds: httpSeconds, rawSeconds: rawSeconds,
            ratio: rawSeconds / seconds, eventsPhaseSeconds: phases.value, verifySeconds: verifySeconds,
            verified: verified, peakRSSBytes: peak,
            companySeconds: company.seconds)
    }

    /// Inserts the node's event rows into a bare table with the node's key and index, in one
    /// transaction with `synchronous = FULL`: one `INSERT … SELECT` from the node's file (SQLite
    /// copying rows, nothing else).
    static func rawInsert(from node: NodeDatabase, into path: String) async throws -> Double {
        let raw = try DatabaseQueue(path: path)
        try await raw.writeWithoutTransaction { db in
            try db.execute(sql: SQLiteRawEventTable.pageSize)
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: SQLiteRawEventTable.create)
            try db.execute(sql: "ATTACH DATABASE ? AS source", arguments: [node.path])
        }
        let t0 = monotonicNanos()
        try await raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA cache_size = -65536")
            try db.inTransaction(.immediate) {
                try db.execute(
                    sql:
                        "INSERT INTO main.events SELECT node, seq, record, kind, hlc_wall, hlc_logical, body FROM source.events"
                )
                return .commit
            }
        }
        return Double(monotonicNanos() - t0) / 1e9
    }
}

extension SnapshotPart {
    /// The node's view of a piece the hub store hands out.
    public init(_ part: HubSnapshotPart) {
        switch part {
        case .events(let bodies): self = .events(bodies)
        case .end(let checkpoint): self = .end(checkpoint: checkpoint, events: nil)
        }
    }
}

/// When the events phase of a load ended, reported from its progress callback.
final class PhaseClock: @unchecked Sendable {
    private let lock = NSLock()
    private var seconds: Double?
    func set(_ s: Double) { lock.withLock { seconds = s } }
    var value: Double? { lock.withLock { seconds } }
}
