public import Foundation
public import HubStore
import Replication
import ReturnsDomain

/// `returnsync bench stock-query`: head office asks the hub for one SKU's consolidated stock across
/// every store and location (`HubStateView.stock(sku:store:)`, what `GET /api/v1/stock?sku=` calls)
/// over a stores × SKUs matrix; p50/p99 per query. Also the company totals (units per location over
/// every store and SKU, one aggregate query).
///
/// How the hub is filled, `Populate`:
/// - `.ingest`: entirely through `HubStore.push`: head office books an opening stock of every SKU
///   into every store (`WorkloadOptions.openingStock`, stores × SKUs goods receipts), then the
///   stores trade (`trafficEvents` of workload traffic). Every table is what the hub's merge wrote.
/// - `.direct`: for matrices too big to push in reasonable time (1,000 × 10k is 10M receipts):
///   head office's set-up and the traffic go through `push` as above, but the opening stock is
///   written straight into the stock projection table (`HubBenchBackend.fillStock`): the same rows
///   the receipts would have produced there, and nothing else (no events, journal or ledger for it,
///   so such a hub would not pass `verify`; it is thrown away).
public struct StockQueryBenchmark {
    public enum Populate: String, Sendable, Codable {
        case ingest, direct
    }

    public struct Options: Sendable {
        public var stores: Int
        public var skus: Int
        public var queries: Int
        public var trafficEvents: Int
        public var populate: Populate
        public var seed: UInt64
        public init(
            stores: Int = 1_000, skus: Int = 10_000, queries: Int = 2_000, trafficEvents: Int = 50_000,
            populate: Populate? = nil, seed: UInt64 = 42
        ) {
            self.stores = stores
            self.skus = skus
            self.queries = queries
            self.trafficEvents = trafficEvents
            // Up to 200k receipts go through the real path; bigger matrices are filled directly.
            self.populate = populate ?? (stores * skus <= 200_000 ? .ingest : .direct)
            self.seed = seed
        }
    }

    public struct Result: Sendable, Codable {
        public var backend: String
        public var stores: Int
        public var skus: Int
        public var populate: Populate
        public var populateSeconds: Double
        public var stockRows: Int
        public var queries: Int
        public var rowsPerQuery: Double
        public var p50Millis: Double
        public var p99Millis: Double
        public var meanMillis: Double
        public var totalsMillis: Double
        public var totalUnits: Int
    }

    public let options: Options
    public let backend: HubBenchBackend
    public init(options: Options, backend: HubBenchBackend) {
        self.options = options
        self.backend = backend
    }

    static let openingUnits = 20

    public func run(progress: (String) -> Void = { _ in }) async throws -> Result {
        let o = options
        let workload = Workload(
            WorkloadOptions(
                seed: o.seed, stores: o.stores, skus: o.skus, customers: max(1_000, o.stores * 100),
                events: o.trafficEvents,
                changeSetSize: 500, openingStock: o.populate == .ingest ? Self.openingUnits : 0))
        let hub = try await backend.makeHub("stock")
        let t0 = monotonicNanos()
        try await workload.enroll(into: hub, now: 1)
        let setup = workload.setup()
        progress(
            "populate (\(o.populate.rawValue)): \(setup.reduce(0) { $0 + $1.count }) head-office events through push")
        var pushed = 0
        for b in setup {
            _ = try await hub.push(b.changeSet, from: b.node, now: Workload.hubClock)
            pushed += b.count
            if pushed % 100_000 < b.count { progress("  \(pushed) events") }
        }
        if o.populate == .direct {
            guard let fill = backend.fillStock else {
                throw BenchError("backend \(backend.name) cannot fill stock directly")
            }
            progress("populate (direct): \(o.stores) × \(o.skus) opening stock rows straight into the stock table")
            var rng = SplitMix64(seed: o.seed ^ 0x5_70C4)
            let skus = (0..<o.skus).map { Catalog.sku($0) }
            for s in 0..<o.stores {
                let store = Workload.storeID(s)
                var rows: [StockLevel] = []
                rows.reserveCapacity(o.skus + o.skus / 10)
                for sku in skus {
                    rows.append(StockLevel(store: store, location: .sellable, sku: sku, quantity: Self.openingUnits))
                }
                // A few returned units wait in the back rooms, as in a store that has traded a while.
                for sku in skus where rng.chance(0.03) {
                    let location: StockLocation = [.pendingInspection, .refurbished, .repair][rng.int(0...2)]
                    rows.append(StockLevel(store: store, location: location, sku: sku, quantity: rng.int(1...3)))
                }
                try await fill(hub, rows)
                if (s + 1) % max(1, o.stores / 10) == 0 { progress("  \(s + 1)/\(o.stores) stores") }
            }
        }
        progress("populate: \(o.trafficEvents) events of store traffic through push")
        for b in workload.traffic() { _ = try await hub.push(b.changeSet, from: b.node, now: Workload.hubClock) }
        let populateSeconds = Double(monotonicNanos() - t0) / 1e9

        progress("query: consolidated stock of \(o.queries) random SKUs across \(o.stores) stores")
        var rng = SplitMix64(seed: o.seed ^ 0x0511)
        var latency = LatencyRecorder()
        var rows = 0
        // A few untimed queries warm the connection and the page cache, as on a running hub.
        for _ in 0..<20 { _ = try await hub.state().stock(sku: Catalog.sku(rng.int(0...(o.skus - 1))), store: nil) }
        for _ in 0..<o.queries {
            let sku = Catalog.sku(rng.int(0...(o.skus - 1)))
            let start = monotonicNanos()
            let levels = try await hub.state().stock(sku: sku, store: nil)
            var total = 0
            for l in levels { total += l.quantity }
            latency.record(monotonicNanos() - start)
            rows += levels.count
            precondition(total != Int.min)
        }
        progress("query: company totals per location")
        var totals: [UInt64] = []
        var units = 0
        var stockRows = 0
        for _ in 0..<5 {
            let start = monotonicNanos()
            let t = try await backend.stockTotals(hub)
            totals.append(monotonicNanos() - start)
            units = t.units.values.reduce(0, +)
            stockRows = t.rows
        }
        totals.sort()
        return Result(
            backend: backend.name, stores: o.stores, skus: o.skus, populate: o.populate,
            populateSeconds: populateSeconds,
            stockRows: stockRows, queries: o.queries, rowsPerQuery: Double(rows) / Double(o.queries),
            p50Millis: latency.percentileMillis(50), p99Millis: latency.percentileMillis(99),
            meanMillis: latency.meanMillis,
            totalsMillis: Double(totals[totals.count / 2]) / 1e6, totalUnits: units)
    }
}
