public import Foundation
import GRDB
import HubStore
import HubStoreSQLite
import NodeStore
import Replication
import ReturnsDomain

/// `returnsync bench hub-ingest`: events merged per second at the embedded hub from pushed change
/// sets (decode excluded: the events are pushed as values), against raw batched inserts of the same
/// event rows into SQLite in the same run and folder.
public struct HubIngestBenchmark {
    public struct Options: Sendable {
        public var nodes: Int
        public var eventsPerNode: Int
        public var batch: Int
        public var directory: URL
        public init(nodes: Int = 4, eventsPerNode: Int = 5_000, batch: Int = 500, directory: URL) {
            self.nodes = nodes
            self.eventsPerNode = eventsPerNode
            self.batch = batch
            self.directory = directory
        }
    }

    public struct Result: Sendable, Codable {
        public var events: Int
        public var hubEventsPerSecond: Double
        public var rawRowsPerSecond: Double
        public var ratio: Double
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    public func run(progress: (String) -> Void = { _ in }) async throws -> Result {
        let fm = FileManager.default
        let root = options.directory.appendingPathComponent("bench-hub-\(UUID().uuidString)")
        try fm.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? fm.removeItem(at: root) }
        let eur = Currency("EUR")

        // Realistic events: each node rings up sales and takes some back, through NodeService.
        progress("generating \(options.nodes) × \(options.eventsPerNode) events at simulated stores")
        var changeSets: [[ChangeSet]] = []
        for n in 0..<options.nodes {
            let store = StoreID("S-\(n)")
            let db = try NodeDatabase.create(in: root.appendingPathComponent("node-\(n)"), identity: NodeIdentity(node: NodeID("N-\(n)"), store: store, currency: eur))
            let clock = BenchClock(start: Instant.date(2026, 11, 1).millis)
            let service = NodeService(database: db, clock: { clock.tick() })
            let sku = SKU("SKU-\(n)")
            try service.transactionSync { _, log in
                try log.author(.productDefined(Product(sku: sku, name: "Item", category: "kitchen", unitPrice: Money(1_000, eur), unitCost: Money(600, eur), vatRate: VATRate(basisPoints: 2000))), on: .product(sku), staff: "bench", now: clock.tick())
                for i in 0..<(options.eventsPerNode - 1) {
                    let line = SaleLine(line: 1, sku: sku, quantity: 1, unitPrice: Money(1_000, eur), unitCost: Money(600, eur), vatRate: VATRate(basisPoints: 2000))
                    let sale = Sale(id: SaleID("R-\(n)-\(i)"), store: store, customer: CustomerID("C-\(i % 300)"), soldAt: Instant(millis: clock.tick()), currency: eur, lines: [line], tenders: [TenderPayment(tender: .card, amount: line.gross)])
                    try log.author(.saleRecorded(sale), on: .sale(sale.id), staff: "bench", now: clock.tick())
                }
            }
            var sets: [ChangeSet] = []
            while let cs = try await service.outboxChangeSet(limit: options.batch) {
                sets.append(cs)
                try await service.acknowledge(through: cs.lastSeq!)
            }
            changeSets.append(sets)
        }
        let total = changeSets.joined().reduce(0) { $0 + $1.events.count }

        progress("hub: merging \(total) events in change sets of \(options.batch)")
        let hub = try SQLiteHubStore.create(atPath: root.appendingPathComponent("hub/hub.sqlite").path, currency: eur)
        for n in 0..<options.nodes {
            try await hub.enroll(node: NodeID("N-\(n)"), store: StoreID("S-\(n)"), role: .storeNode, secretHash: "bench-\(n)", now: 0)
        }
        let start = monotonicNanos()
        // Interleave the nodes, as pushes arrive from many stores.
        let rounds = changeSets.map(\.count).max() ?? 0
        for r in 0..<rounds {
            for n in 0..<options.nodes where r < changeSets[n].count {
                _ = try await hub.push(changeSets[n][r], from: NodeID("N-\(n)"), now: 1)
            }
        }
        let hubSeconds = Double(monotonicNanos() - start) / 1e9

        progress("raw: the same \(total) event rows in batched inserts")
        let raw = try DatabasePool(path: root.appendingPathComponent("raw.sqlite").path)
        try await raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE events (node TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, body BLOB NOT NULL, PRIMARY KEY (node, seq)) WITHOUT ROWID")
        }
        let bodies: [[(String, Int64, String, Data)]] = try changeSets.joined().map { cs in
            try cs.events.map { (($0.dot.node.rawValue), Int64($0.dot.seq), $0.record.description, try JSONEncoder().encode($0)) }
        }
        let rawStart = monotonicNanos()
        for batch in bodies {
            try await raw.write { db in
                for row in batch {
                    try db.cachedStatement(sql: "INSERT INTO events (node, seq, record, body) VALUES (?, ?, ?, ?)").execute(arguments: [row.0, row.1, row.2, row.3])
                }
            }
        }
        let rawSeconds = Double(monotonicNanos() - rawStart) / 1e9
        let hubRate = Double(total) / hubSeconds
        let rawRate = Double(total) / rawSeconds
        return Result(events: total, hubEventsPerSecond: hubRate, rawRowsPerSecond: rawRate, ratio: hubRate / rawRate)
    }
}
