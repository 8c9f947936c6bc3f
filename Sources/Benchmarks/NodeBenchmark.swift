public import Foundation
import GRDB
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain

/// `returnsync bench node`: records returns durably the way the node's API does (policy check,
/// events, projections, outbox, one transaction each), through the API's own entry point
/// (`NodeService.createReturn(_:staff:claimer:)`, async, as the HTTP route calls it), one at a
/// time and then from a few tills at once, and, in the same run and on the same disk, the raw
/// rate of one-row SQLite transactions with the same `synchronous` setting.
public struct NodeBenchmark {
    public struct Options: Sendable {
        public var returns: Int
        public var rawTransactions: Int
        public var directory: URL
        /// How many clients record returns at once (a store's tills and desk).
        public var tills: Int
        public init(returns: Int = 2_000, rawTransactions: Int = 2_000, directory: URL, tills: Int = 2) {
            self.returns = returns
            self.rawTransactions = rawTransactions
            self.directory = directory
            self.tills = tills
        }
    }

    public struct Result: Sendable {
        public var returns: Int
        public var tills: Int
        /// Returns per second from one client, each return waiting for the one before (as the
        /// raw transactions do), and their latencies.
        public var nodeReturnsPerSecond: Double
        public var p50Millis: Double
        public var p99Millis: Double
        /// The same with `tills` clients at once; a return's latency as its client saw it
        /// (waiting for the writer included).
        public var tillsReturnsPerSecond: Double
        public var tillsP50Millis: Double
        public var tillsP99Millis: Double
        public var rawTransactionsPerSecond: Double
        public var rawP99Millis: Double
        /// Raw one-row transactions in a file with the node's page size (`NodeDatabase.nodePageSize`)
        /// instead of SQLite's default: smaller pages make every commit shorter, raw ones too.
        public var rawNodePageTransactionsPerSecond: Double
        public var ratio: Double
        public var synchronous: Int
        /// The storage floor of a return: only its row writes (same tables, indexes, row sizes and
        /// durability, values bound through SQLite's C API, no domain logic), one transaction each.
        public var floorTransactionsPerSecond: Double
        /// floor / raw: the best ratio any implementation writing these rows could reach here.
        public var floorRatio: Double
        /// CPU time per transaction (µs) of the whole process, user and system (`ThreadCPU.process`):
        /// with several tills a return's work runs on several threads, so it can exceed the wall
        /// time per return. The rest of a one-at-a-time transaction's wall time is waiting (mostly
        /// for fsync).
        public var nodeCPUMicros: (user: Double, system: Double)
        public var tillsCPUMicros: (user: Double, system: Double)
        public var rawCPUMicros: (user: Double, system: Double)
        public var floorCPUMicros: (user: Double, system: Double)
    }

    public let options: Options
    public init(options: Options) { self.options = options }

    /// How many turns the node, raw and floor measurements take.
    static let rounds = 10

    /// The part of `0..<total` that round `round` measures.
    static func slice(_ total: Int, _ round: Int) -> Range<Int> {
        (total * round / rounds)..<(total * (round + 1) / rounds)
    }

    /// Event bodies of the sizes the node's return events have (read after the first round).
    struct FloorRows {
        var requested: Data
        var approved: Data
        init(_ db: NodeDatabase) throws {
            let sizes = try db.writer.read { db in
                try Row.fetchAll(
                    db,
                    sql:
                        "SELECT kind, CAST(AVG(LENGTH(body)) AS INTEGER) FROM events WHERE kind IN ('returnRequested', 'returnApproved') GROUP BY kind"
                )
                .reduce(into: [String: Int]()) { $0[$1[0]] = $1[1] }
            }
            requested = Data(repeating: 0x7B, count: sizes["returnRequested"] ?? 650)
            approved = Data(repeating: 0x7B, count: sizes["returnApproved"] ?? 260)
        }
    }

    /// One-row transactions run in each raw database before the timed ones. Until its first
    /// checkpoint a new database's WAL grows with every commit, and on this kind of disk an fsync
    /// that must also record the file's new size takes half as long again or more (ext4 here:
    /// about 110 µs for an appended 4 KB against 65 for one written over). After the checkpoint
    /// (1,000 pages, SQLite's default) the WAL starts over and is written over from then on, as it is
    /// in a database that has been running; so is the node's, whose seeding writes more than that.
    /// 1,200 transactions take both raw files (4 KB pages and 1 KB) past their first checkpoint.
    static let rawWarmUp = 1_200

    /// A raw one-row table: WAL, synchronous = FULL, `pageSize` (nil: SQLite's default).
    static func rawDatabase(_ path: String, pageSize: Int?) throws -> DatabasePool {
        var config = Configuration()
        config.busyMode = .timeout(10)
        if let pageSize { config.prepareDatabase { db in try db.execute(sql: "PRAGMA page_size = \(pageSize)") } }
        let raw = try DatabasePool(path: path, configuration: config)
        try raw.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "CREATE TABLE t (id INTEGER PRIMARY KEY, body BLOB NOT NULL)")
        }
        return raw
    }

    /// `count` raw one-row transactions; returns the seconds taken.
    static func rawTransactions(_ raw: DatabasePool, count: Int, latency: inout LatencyRecorder) throws -> Double {
        let payload = Data(repeating: 0x61, count: 256)
        let start = monotonicNanos()
        for _ in 0..<count {
            let t0 = monotonicNanos()
            try raw.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.cachedStatement(sql: "INSERT INTO t (body) VALUES (?)").execute(arguments: [payload])
                    return .commit
                }
            }
            latency.record(monotonicNanos() - t0)
        }
        return Double(monotonicNanos() - start) / 1e9
    }

    /// Records the returns against sales `range` through the API's entry point, `tills` at a
    /// time; returns the seconds taken.
    static func recordReturns(
        _ service: NodeService, _ range: Range<Int>, tills: Int, staff: StaffID, latency: inout LatencyRecorder
    ) async throws -> Double {
        let start = monotonicNanos()
        let measured = try await withThrowingTaskGroup(of: [UInt64].self) { group in
            for till in 0..<tills {
                group.addTask {
                    var times: [UInt64] = []
                    for i in stride(from: range.lowerBound + till, to: range.upperBound, by: tills) {
                        let command = CreateReturnCommand(
                            sale: SaleID("R-BENCH-\(i)"),
                            lines: [
                                RequestedLine(
                                    saleLine: 1, quantity: 1, reason: i % 3 == 0 ? .defective : .changedMind,
                                    condition: .unopened)
                            ])
                        let t0 = monotonicNanos()
                        _ = try await service.createReturn(command, staff: staff)
                        times.append(monotonicNanos() - t0)
                    }
                    return times
                }
            }
            var all: [UInt64] = []
            for try await times in group { all += times }
            return all
        }
        let seconds = Double(monotonicNanos() - start) / 1e9
        for t in measured { latency.record(t) }
        return seconds
    }

    /// Runs the measurements; `progress` gets a line now and then for people watching.
    public func run(progress: (String) -> Void = { _ in }) async throws -> Result {
        let fm = FileManager.default
        try fm.createDirectory(at: options.directory, withIntermediateDirectories: true)
        let nodeDir = options.directory.appendingPathComponent("bench-node-\(UUID().uuidString)")
        let rawDir = options.directory.appendingPathComponent("bench-raw-\(UUID().uuidString)")
        defer {
            try? fm.removeItem(at: nodeDir)
            try? fm.removeItem(at: rawDir)
        }

        // The raw limit: one-row transactions, WAL, synchronous = FULL, same disk; once with
        // SQLite's default page size (the ratio's), once with the node's.
        try fm.createDirectory(at: rawDir, withIntermediateDirectories: true)
        let raw = try Self.rawDatabase(rawDir.appendingPathComponent("raw.sqlite").path, pageSize: nil)
        let rawSmall = try Self.rawDatabase(
            rawDir.appendingPathComponent("raw-node-pages.sqlite").path, pageSize: NodeDatabase.nodePageSize)
        var rawLatency = LatencyRecorder()
        var rawSmallLatency = LatencyRecorder()
        // Unmeasured, so that the timed ones see the WAL as a running database does (below).
        progress("raw: \(Self.rawWarmUp) unmeasured transactions in each raw database, until its WAL has started over")
        for database in [raw, rawSmall] {
            var unused = LatencyRecorder()
            _ = try Self.rawTransactions(database, count: Self.rawWarmUp, latency: &unused)
        }

        // The node: a store with a catalog and a sale for every return (one set for the tills,
        // one for the single till).
        // At least 4,000 sales: their one transaction writes more than the 4 MB after which the
        // node's WAL is checkpointed, so that the returns then write over the WAL as in a running
        // node, as the raw transactions do after their warm-up (`rawWarmUp`).
        let seededSales = max(2 * options.returns, 4_000)
        progress("node: seeding catalog and \(seededSales) sales")
        // (Sales 0..<returns are returned one at a time, the rest from the tills.)
        let eur = Currency("EUR")
        let db = try NodeDatabase.create(
            in: nodeDir, identity: NodeIdentity(node: "BENCH-node", store: "BENCH", currency: eur))
        let base = Instant.date(2026, 11, 1).millis
        let clock = BenchClock(start: base)
        let service = NodeService(database: db, clock: { clock.tick() })
        let staff = StaffID("bench")
        let skus = (0..<50).map { SKU("SKU-\($0)") }
        try service.transactionSync { _, log in
            for (i, sku) in skus.enumerated() {
                let p = Product(
                    sku: sku, name: "Item \(i)", category: i % 5 == 0 ? "audio" : "kitchen",
                    unitPrice: Money(Int64(1_000 + 100 * i), eur), unitCost: Money(Int64(600 + 50 * i), eur),
                    vatRate: VATRate(basisPoints: 2000))
                try log.author(.productDefined(p), on: .product(sku), staff: staff, now: clock.tick())
            }
            for i in 0..<seededSales {
                let sku = skus[i % skus.count]
                let line = SaleLine(
                    line: 1, sku: sku, quantity: 2, unitPrice: Money(Int64(1_000 + 100 * (i % skus.count)), eur),
                    unitCost: Money(600, eur), vatRate: VATRate(basisPoints: 2000))
                let sale = Sale(
                    id: SaleID("R-BENCH-\(i)"), store: "BENCH", customer: CustomerID("C-\(i % 500)"),
                    soldAt: Instant(millis: clock.tick()), currency: eur, lines: [line],
                    tenders: [TenderPayment(tender: .card, amount: line.gross)])
                try log.author(.saleRecorded(sale), on: .sale(sale.id), staff: staff, now: clock.tick())
            }
        }

        // The measurements take turns, a tenth of each per round, so that all of them see the disk
        // in the same state: its fsync time moves by a factor of two or more over a minute here,
        // and a ratio of figures taken minutes apart would measure that instead.
        let tills = max(1, options.tills)
        progress(
            "node: \(options.returns) returns one at a time and \(options.returns) from \(tills) tills at once; raw: \(options.rawTransactions) one-row transactions (twice: default and node page size); floor: \(options.returns) transactions of a return's rows; in \(Self.rounds) rounds"
        )
        var latency = LatencyRecorder()
        var tillsLatency = LatencyRecorder()
        var (seconds, tillsSeconds, rawSeconds, rawSmallSeconds, floorSeconds) = (0.0, 0.0, 0.0, 0.0, 0.0)
        var (cpu, tillsCPU, rawCPU, floorCPU) = (ThreadCPU(), ThreadCPU(), ThreadCPU(), ThreadCPU())
        var floorRows: FloorRows?
        for round in 0..<Self.rounds {
            let returns = Self.slice(options.returns, round)
            var cpuStart = ThreadCPU.process()
            seconds += try await Self.recordReturns(service, returns, tills: 1, staff: staff, latency: &latency)
            cpu = cpu + (ThreadCPU.process() - cpuStart)

            cpuStart = ThreadCPU.process()
            let fromTills = (options.returns + returns.lowerBound)..<(options.returns + returns.upperBound)
            tillsSeconds += try await Self.recordReturns(
                service, fromTills, tills: tills, staff: staff, latency: &tillsLatency)
            tillsCPU = tillsCPU + (ThreadCPU.process() - cpuStart)

            cpuStart = ThreadCPU.process()
            let rawCount = Self.slice(options.rawTransactions, round).count
            rawSeconds += try Self.rawTransactions(raw, count: rawCount, latency: &rawLatency)
            rawCPU = rawCPU + (ThreadCPU.process() - cpuStart)
            rawSmallSeconds += try Self.rawTransactions(rawSmall, count: rawCount, latency: &rawSmallLatency)

            // The floor's events have the sizes the node's real ones have.
            let rows = try floorRows ?? FloorRows(db)
            floorRows = rows
            cpuStart = ThreadCPU.process()
            floorSeconds += try Self.floor(db, rows: rows, returns: returns)
            floorCPU = floorCPU + (ThreadCPU.process() - cpuStart)
            progress("  round \(round + 1)/\(Self.rounds): \(returns.upperBound) returns")
        }
        let rate = Double(options.returns) / seconds
        let rawRate = Double(options.rawTransactions) / rawSeconds
        let floorRate = Double(options.returns) / floorSeconds
        return Result(
            returns: options.returns, tills: tills, nodeReturnsPerSecond: rate, p50Millis: latency.percentileMillis(50),
            p99Millis: latency.percentileMillis(99), tillsReturnsPerSecond: Double(options.returns) / tillsSeconds,
            tillsP50Millis: tillsLatency.percentileMillis(50), tillsP99Millis: tillsLatency.percentileMillis(99),
            rawTransactionsPerSecond: rawRate,
            rawP99Millis: rawLatency.percentileMillis(99),
            rawNodePageTransactionsPerSecond: Double(options.rawTransactions) / rawSmallSeconds,
            ratio: rate / rawRate, synchronous: try db.synchronousSetting(),
            floorTransactionsPerSecond: floorRate, floorRatio: floorRate / rawRate,
            nodeCPUMicros: cpu.micros(per: options.returns), tillsCPUMicros: tillsCPU.micros(per: options.returns),
            rawCPUMicros: rawCPU.micros(per: options.rawTransactions),
            floorCPUMicros: floorCPU.micros(per: options.returns))
    }

    /// The rows a recorded return writes, and nothing else, on the node database the returns were
    /// just recorded in (same schema, indexes and size): the document counter, the two events (with
    /// the byte sizes the real ones had; the outbox is every own event above a seq, no row of its
    /// own), the return's record row, its
    /// row in `returns` (with its indexes), its sale line's returned quantity, the node's seq and
    /// clock. Values are bound through SQLite's C API (`RowWriter`), one IMMEDIATE transaction per
    /// return, same `synchronous`. Returns the seconds taken.
    static func floor(_ db: NodeDatabase, rows: FloorRows, returns: Range<Int>) throws -> Double {
        let (requested, approved) = (rows.requested, rows.approved)
        let start = monotonicNanos()
        for i in returns {
            // Numbered like the node's own documents (zero-padded, so each lands after the last).
            let id = "RT-FLOOR-" + String(repeating: "0", count: max(0, 6 - String(i).count)) + String(i)
            try db.writer.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    var meta = RowWriter(
                        db, "INSERT INTO meta (key, value) VALUES ",
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", columns: 2)
                    meta.put("counter.RT-FLOOR")
                    meta.put(String(i))
                    try meta.finish()
                    var events = RowWriter(
                        db, "INSERT INTO events (node, seq, record, kind, hlc_wall, hlc_logical, body) VALUES ", "",
                        columns: 7)
                    for (n, (kind, body)) in [("returnRequested", requested), ("returnApproved", approved)].enumerated()
                    {
                        let seq = Int64(1_000_000 + 2 * i + n)
                        events.put("FLOOR")
                        events.put(seq)
                        events.put("return:\(id)")
                        events.put(kind)
                        events.put(seq)
                        events.put(0)
                        events.put(body)
                        try events.finish()
                    }
                    var record = RowWriter(
                        db, "INSERT INTO records (key, kind, vector, pending) VALUES ", "", columns: 4)
                    record.put("return:\(id)")
                    record.put("returnOrder")
                    record.put("FLOOR:\(1_000_001 + 2 * i)")
                    record.put(0)
                    try record.finish()
                    var row = RowWriter(
                        db,
                        "INSERT INTO returns (id, store, sale, customer, status, type, gross, currency, requested_at) VALUES ",
                        "", columns: 9)
                    for v in [id, "BENCH", "R-BENCH-\(i)", "C-\(i % 500)", "approved", "refund"] { row.put(v) }
                    row.put(1_200)
                    row.put("EUR")
                    row.put(Int64(i))
                    try row.finish()
                    var line = RowWriter(
                        db, "INSERT INTO sale_lines (sale, line, sold, returned) VALUES ",
                        "ON CONFLICT (sale, line) DO UPDATE SET returned = sale_lines.returned + 1", columns: 4)
                    line.put("R-BENCH-\(i)")
                    line.put(1)
                    line.put(2)
                    line.put(1)
                    try line.finish()
                    var clock = RowWriter(
                        db, "INSERT INTO meta (key, value) VALUES ",
                        "ON CONFLICT (key) DO UPDATE SET value = excluded.value", columns: 2)
                    clock.put("floor.seq")
                    clock.put(String(1_000_001 + 2 * i))
                    try clock.finish()
                    return .commit
                }
            }
        }
        return Double(monotonicNanos() - start) / 1e9
    }
}

/// A clock for the benchmark's business dates: a second per tick.
final class BenchClock: @unchecked Sendable {
    private let lock = NSLock()
    private var now: Int64
    init(start: Int64) { now = start }
    func tick() -> Int64 {
        lock.lock()
        defer { lock.unlock() }
        now += 1_000
        return now
    }
}
