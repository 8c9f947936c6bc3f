import ArgumentParser
import Benchmarks
import Foundation

extension BenchCommand {
    /// `returnsync-bench hub-ingest`: events merged per second at the hub.
    struct HubIngest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "hub-ingest",
            abstract: "Merge pushed change sets at the hub, against raw batched inserts of the same event rows.",
            discussion: """
                A seeded workload (stores selling SKUs with a Zipf skew, customers, returns with reasons, \
                inspections, dispositions, refunds, exchanges, repairs) is pushed into a fresh hub, the \
                stores taking turns, one change set each. Each push is one durable transaction: duplicate \
                and gap checks, the events, their projections and the feed. Head office's catalog set-up \
                is pushed first, untimed. The raw figure inserts the same event rows (same table, key and \
                index, bytes pre-encoded) in the same batches, one durable transaction each. \
                Goal: ≥ 100k events/s on SQLite and ratio ≥ 0.3.
                """)
        @Option(help: "Simulated stores.") var stores = 20
        @Option(help: "Traffic events in total (the stores' events; the catalog set-up comes on top).") var events =
            200_000
        @Option(help: "Events per change set (a node's sync agent pushes 500).") var batch = 500
        @Option(help: "Products in the catalog.") var skus = 10_000
        @Option(help: "Customers.") var customers = 50_000
        @Option(help: "Seed of the workload.") var seed: UInt64 = 42
        @Flag(help: "Small sizes (10 stores, 30k events, 2k SKUs), for `returnsync-bench all --quick`.") var quick =
            false
        @Flag(help: "Skip the raw inserts.") var noRaw = false
        @Flag(
            help: "Afterwards check the hub against a rebuild from its events (HubStore.verify) and count exceptions.")
        var verify = false
        @OptionGroup var storage: BenchStorageOptions

        func run() async throws {
            let backend = try storage.make()
            let o = WorkloadOptions(
                seed: seed, stores: quick ? 10 : stores, skus: quick ? 2_000 : skus,
                customers: quick ? 10_000 : customers,
                events: quick ? 30_000 : events, changeSetSize: batch)
            let r = try await backend.cleaningUp {
                try await HubIngestBenchmark(
                    options: .init(workload: o, raw: !noRaw, verify: verify), backend: backend
                )
                .run(progress: benchProgress)
            }
            print("")
            print(
                "hub ingest benchmark (\(r.backend), \(r.events) events from \(r.stores) stores, change sets of \(r.changeSetSize))"
            )
            var t = TextTable()
            t.row("hub events merged/s", fixed(r.hubEventsPerSecond), "goal ≥ 100000 (SQLite)")
            t.row("hub µs per event", fixed(r.microsPerEvent, 2), "wall clock")
            t.row("hub CPU µs per event", fixed(r.cpuMicrosPerEvent, 2), "all threads, during the pushes")
            t.row("push p50 / p99 (ms)", "\(fixed(r.pushP50Millis, 2)) / \(fixed(r.pushP99Millis, 2))")
            if let raw = r.rawRowsPerSecond { t.row("raw batched rows/s", fixed(raw)) }
            if let ratio = r.ratio { t.row("ratio (hub / raw)", fixed(ratio, 3), "goal ≥ 0.3") }
            if let ok = r.verified {
                t.row("verify", ok ? "ok" : "\(r.verifyMismatches ?? 0) mismatches", "\(r.exceptions ?? 0) exceptions")
            }
            print(t.render())
            print(
                "  mix: \(r.mix.sales) sales, \(r.mix.goodsReceipts) goods receipts, \(r.mix.returnsOpened) returns (\(r.mix.crossStoreReturns) cross-store, \(r.mix.receiptlessReturns) without receipt), \(r.mix.refunds) refunds, \(r.mix.exchanges) exchanges, \(r.mix.repairsOpened) repairs"
            )
            var json = JSONLine()
            json.add("backend", r.backend)
            json.add("hub_events_per_s", r.hubEventsPerSecond)
            json.add("raw_rows_per_s", r.rawRowsPerSecond)
            json.add("ratio", r.ratio, decimals: 3)
            json.add("us_per_event", r.microsPerEvent, decimals: 2)
            json.add("cpu_us_per_event", r.cpuMicrosPerEvent, decimals: 2)
            json.add("push_p99_ms", r.pushP99Millis, decimals: 2)
            json.add("events", r.events)
            json.add("stores", r.stores)
            json.add("change_set", r.changeSetSize)
            if let ok = r.verified { json.add("verified", ok) }
            print(json)
        }
    }
}

/// Two or three columns: a label, a figure, a note.
struct TextTable {
    private var rows: [[String]] = []
    mutating func row(_ cells: String...) { rows.append(cells) }
    func render() -> String {
        let w0 = rows.map { $0[0].count }.max() ?? 0
        let w1 = rows.map { $0.count > 1 ? $0[1].count : 0 }.max() ?? 0
        return rows.map { r in
            var line = "  " + r[0] + String(repeating: " ", count: w0 - r[0].count)
            if r.count > 1 { line += "  " + String(repeating: " ", count: w1 - r[1].count) + r[1] }
            if r.count > 2 { line += "   " + r[2] }
            return line
        }.joined(separator: "\n")
    }
}
