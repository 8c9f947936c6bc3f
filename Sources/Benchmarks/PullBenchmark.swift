public import Foundation
import GRDB
import HubStore
import HubStoreSQLite
import NodeStore
import Replication
import ReturnsDomain

/// `returnsync bench pull`: events per second a node receives from the feed and applies: the
/// hub's real pull path (`SQLiteHubStore.pull`, pages of 1,000 read in one snapshot each) and the
/// node's (`NodeService.applyPulled`: the page and its checkpoint in one durable transaction),
/// page after page from checkpoint 0, applied in groups of about 5,000 events (one transaction
/// each) as the sync agent applies them. In the same run: the raw rate of inserting the same event
/// rows into a bare events table in transactions of 1,000 (`synchronous = FULL`).
public struct PullBenchmark {
    public struct Options: Sendable {
        public var events: Int
        public var stores: Int
        public var directory: URL
        /// Where built companies are kept between runs (nil: built every time).
        public var companyCache: URL?
        public init(events: Int = 200_000, stores: Int = 20, directory: URL, companyCache: URL? = nil) {
            self.events = events
            self.stores = stores
            self.directory = directory
            self.companyCache = companyCache
        }
    }

    public struct Result: Sendable, Codable {
        public var companyEvents: Int
        /// Events the node received and applied (the company less other stores' private records).
        public var pulledEvents: Int
        public var pages: Int
        /// In process: hub pull → node apply.
        public var eventsPerSecond: Double
        /// Over HTTP on loopback: `SyncAgent` with `HubClient` against the hub server.
        public var httpEventsPerSecond: Double?
        /// The same rows into a bare table, 1,000 per transaction.
        public var rawRowsPerSecond: Double
        public var ratio: Double
        public var httpRatio: Double?
        public var companySeconds: Double
        /// Of the in-process run: seconds spent applying groups, and waiting for the hub's next
        /// page once a group was applied.
        public var applySeconds: Double
        public var waitSeconds: Double
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(http: BenchHTTPRunner? = nil, progress: @escaping @Sendable (String) -> Void = { _ in })
        async throws -> Result
    {
        let fm = FileManager.default
        let root = options.directory.appendingPathComponent("bench-pull-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: root) }
        let company = try await BenchCompany.build(
            events: options.events, stores: options.stores, folder: root, cache: options.companyCache,
            progress: progress)

        progress("pull: a new node of \(company.store) pulls the whole feed page by page (in process)")
        let service = try await company.newNode("PULL")
        let node = service.identity.node
        var checkpoint: UInt64 = 0
        var pulled = 0
        var pages = 0
        let start = monotonicNanos()
        var lastReport = start
        var group: [Event] = []
        var bodies: [Data?] = []
        var applyNanos: UInt64 = 0
        var waitNanos: UInt64 = 0
        let hub = company.hub
        var page = try await hub.pull(for: node, after: 0, limit: PullPage.maxEvents, now: 0)
        while true {
            // As the sync agent does: the next page is read while the current group is applied,
            // and pages are applied in groups of about 5,000 events, one transaction each, with
            // the last page's checkpoint.
            group += page.events.map(\.event)
            bodies += page.events.map(\.body)
            pages += 1
            checkpoint = page.checkpoint
            let after = checkpoint
            let now = Int64(pages)
            let prefetch =
                page.more
                ? Task { try await hub.pull(for: node, after: after, limit: PullPage.maxEvents, now: now) } : nil
            if group.count >= 5_000 || !page.more {
                let a0 = monotonicNanos()
                let applied = try await service.applyPulled(
                    group, bodies: bodies, checkpoint: page.checkpoint, epoch: page.epoch)
                applyNanos += monotonicNanos() - a0
                pulled += applied.applied
                group = []
                bodies = []
            }
            let t = monotonicNanos()
            if t - lastReport > 1_000_000_000 {
                lastReport = t
                progress("pull: \(pulled) events, \(Int(Double(pulled) / (Double(t - start) / 1e9))) events/s")
            }
            guard let prefetch else { break }
            let w0 = monotonicNanos()
            page = try await prefetch.value
            waitNanos += monotonicNanos() - w0
        }
        let seconds = Double(monotonicNanos() - start) / 1e9
        let rate = Double(pulled) / seconds

        var httpRate: Double?
        if let http {
            progress("pull: another new node over HTTP on loopback (sync agent, snapshot off)")
            let other = try await company.newNode("PULL-HTTP", enroll: false)
            let httpSeconds = try await http(company.hub, other)
            let count = try await other.read { try $0.eventCount() }
            guard count == pulled else {
                throw NodeStoreError(
                    code: "bench.mismatch", message: "over HTTP the node holds \(count) events, in process \(pulled)")
            }
            httpRate = Double(count) / httpSeconds
        }

        progress("raw: the same \(pulled) event rows into a bare events table, 1,000 per transaction")
        let rawSeconds = try await Self.rawInsert(
            from: service.database, into: root.appendingPathComponent("raw.sqlite").path, batch: PullPage.maxEvents)
        let rawRate = Double(pulled) / rawSeconds
        return Result(
            companyEvents: company.events, pulledEvents: pulled, pages: pages, eventsPerSecond: rate,
            httpEventsPerSecond: httpRate, rawRowsPerSecond: rawRate, ratio: rate / rawRate,
            httpRatio: httpRate.map { $0 / rawRate }, companySeconds: company.seconds,
            applySeconds: Double(applyNanos) / 1e9, waitSeconds: Double(waitNanos) / 1e9)
    }

    /// Reads the node's event rows into memory, then times inserting them into a bare table with
    /// the node's key and index, `batch` rows per durable transaction.
    static func rawInsert(from node: NodeDatabase, into path: String, batch: Int) async throws -> Double {
        let rows = try await node.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT node, seq, record, kind, hlc_wall, hlc_logical, body FROM events")
                .map { Array($0.databaseValues) }
        }
        var config = Configuration()
        config.prepareDatabase { db in try db.execute(sql: SQLiteRawEventTable.pageSize) }
        let raw = try DatabasePool(path: path, configuration: config)
        try await raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: SQLiteRawEventTable.create)
        }
        let t0 = monotonicNanos()
        var i = 0
        while i < rows.count {
            let chunk = rows[i..<min(i + batch, rows.count)]
            try await raw.write { db in
                let statement = try db.cachedStatement(
                    sql:
                        "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES (?, ?, ?, ?, ?, ?, ?)"
                )
                for values in chunk { try statement.execute(arguments: StatementArguments(values)) }
            }
            i += batch
        }
        return Double(monotonicNanos() - t0) / 1e9
    }
}
