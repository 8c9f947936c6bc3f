import ArgumentParser
import Benchmarks
import Foundation

extension BenchCommand {
    /// `returnsync-bench stock-query`: consolidated stock of one SKU across every store.
    struct StockQuery: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stock-query",
            abstract: "Head office's consolidated stock for one SKU across all stores (p50/p99), and company totals.",
            discussion: """
                Fills a hub with a stores × SKUs stock matrix and times `stock(sku:)` for random SKUs, \
                as the head-office API calls it. Up to 200k store-SKU pairs the hub is filled entirely \
                through push (opening-stock goods receipts, then store traffic); bigger matrices get the \
                opening stock written straight into the stock table (see docs/performance.md). \
                Goal: p99 < 5 ms at 1,000 stores × 10k SKUs.
                """)
        @Option(help: "Stores.") var stores = 1_000
        @Option(help: "SKUs.") var skus = 10_000
        @Option(help: "Timed queries.") var queries = 2_000
        @Option(help: "Store traffic events pushed on top of the opening stock.") var traffic = 50_000
        @Option(
            help:
                "How to fill the hub: ingest (all through push) or direct (opening stock into the table); default by size."
        )
        var populate: String?
        @Flag(
            help: "Small sizes (100 stores × 1,000 SKUs through push, 500 queries), for `returnsync-bench all --quick`."
        ) var quick = false
        @OptionGroup var storage: BenchStorageOptions

        func validate() throws {
            if let populate, StockQueryBenchmark.Populate(rawValue: populate) == nil {
                throw ValidationError("input.invalidPopulate: --populate is ingest or direct")
            }
        }

        func run() async throws {
            let backend = try storage.make()
            let options = StockQueryBenchmark.Options(
                stores: quick ? 100 : stores, skus: quick ? 1_000 : skus, queries: quick ? 500 : queries,
                trafficEvents: quick ? 10_000 : traffic, populate: populate.flatMap(StockQueryBenchmark.Populate.init))
            let r = try await backend.cleaningUp {
                try await StockQueryBenchmark(options: options, backend: backend).run(progress: benchProgress)
            }
            print("")
            print(
                "stock query benchmark (\(r.backend), \(r.stores) stores × \(r.skus) SKUs, \(r.stockRows) stock rows, filled by \(r.populate.rawValue) in \(fixed(r.populateSeconds)) s)"
            )
            var t = TextTable()
            t.row("one SKU, all stores: p50 (ms)", fixed(r.p50Millis, 3))
            t.row("one SKU, all stores: p99 (ms)", fixed(r.p99Millis, 3), "goal < 5")
            t.row("rows per answer", fixed(r.rowsPerQuery))
            t.row("company totals (ms)", fixed(r.totalsMillis, 1), "units per location over every store and SKU")
            t.row("units in stock", "\(r.totalUnits)")
            print(t.render())
            var json = JSONLine()
            json.add("backend", r.backend)
            json.add("p50_ms", r.p50Millis, decimals: 3)
            json.add("p99_ms", r.p99Millis, decimals: 3)
            json.add("totals_ms", r.totalsMillis, decimals: 1)
            json.add("stores", r.stores)
            json.add("skus", r.skus)
            json.add("stock_rows", r.stockRows)
            json.add("populate", r.populate.rawValue)
            print(json)
        }
    }

    /// `returnsync-bench scale`: merge cost per event with 10, 100 and 1,000 stores pushing.
    struct Scale: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The hub's merge cost per event with 10, 100 and 1,000 stores pushing.",
            discussion: """
                Two series. Equal events per store: each number of stores pushes into a fresh hub, every \
                store the same number of events in change sets of the same size (so every point times the \
                same mix), and the hub grows with the stores. Equal hub size: every point pushes the same \
                total (the largest point's) split between its stores, so only the number of stores pushing \
                changes (and the stores' age: each point prints its share of return events). Goal: flat, \
                ≤ 1.2 × from 10 to 1,000 stores.
                """)
        @Option(help: "Events each store pushes.") var eventsPerStore = 200
        @Option(help: "Events per change set.") var batch = 50
        @Option(help: "Store counts, comma-separated.") var stores = "10,100,1000"
        @Option(help: "SKUs.") var skus = 5_000
        @Flag(help: "Small sizes (60 events per store in change sets of 20), for `returnsync-bench all --quick`.")
        var quick = false
        @OptionGroup var storage: BenchStorageOptions

        func run() async throws {
            let counts = stores.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !counts.isEmpty, counts.allSatisfy({ $0 > 0 }) else {
                throw ValidationError("input.invalidStores: --stores is a list of positive counts")
            }
            let backend = try storage.make()
            let options = ScaleBenchmark.Options(
                storeCounts: counts, eventsPerStore: quick ? 60 : eventsPerStore, changeSetSize: quick ? 20 : batch,
                skus: quick ? 2_000 : skus)
            let r = try await backend.cleaningUp {
                try await ScaleBenchmark(options: options, backend: backend).run(progress: benchProgress)
            }
            print("")
            print(
                "scale benchmark (\(r.backend), \(r.eventsPerStore) events per store in change sets of \(r.changeSetSize))"
            )
            func table(_ points: [ScaleBenchmark.Point], flatness: Double, cpu: Double, note: String) -> String {
                var t = TextTable()
                t.row("stores", "µs/event", "CPU µs/event, events/s, return-event share")
                for p in points {
                    t.row(
                        "\(p.stores) × \(p.events / max(p.stores, 1))", fixed(p.microsPerEvent, 2),
                        "\(fixed(p.cpuMicrosPerEvent, 2)), \(fixed(p.eventsPerSecond, 0)), \(fixed(p.returnEventShare * 100, 1)) %"
                    )
                }
                t.row("flatness (last / first)", fixed(flatness, 3), "CPU \(fixed(cpu, 3)); \(note)")
                return t.render()
            }
            print(table(r.points, flatness: r.flatness, cpu: r.cpuFlatness, note: "the hub grows with the stores"))
            print("")
            print("equal hub size: \(r.equalTotal) events in all at every point, in change sets of \(r.changeSetSize)")
            print(
                table(r.equalSizePoints, flatness: r.equalSizeFlatness, cpu: r.equalSizeCPUFlatness, note: "goal ≤ 1.2")
            )
            var json = JSONLine()
            json.add("backend", r.backend)
            json.add("flatness", r.flatness, decimals: 3)
            json.add("cpu_flatness", r.cpuFlatness, decimals: 3)
            json.add(
                "us_per_event",
                raw: "{" + r.points.map { "\"\($0.stores)\":\(fixed($0.microsPerEvent, 2))" }.joined(separator: ",")
                    + "}")
            json.add("equal_hub_flatness", r.equalSizeFlatness, decimals: 3)
            json.add("equal_hub_cpu_flatness", r.equalSizeCPUFlatness, decimals: 3)
            json.add("equal_hub_events", r.equalTotal)
            json.add(
                "equal_hub_us_per_event",
                raw: "{"
                    + r.equalSizePoints.map { "\"\($0.stores)\":\(fixed($0.microsPerEvent, 2))" }.joined(separator: ",")
                    + "}")
            json.add("events_per_store", r.eventsPerStore)
            json.add("change_set", r.changeSetSize)
            print(json)
        }
    }

    /// `returnsync-bench memory`: the hub's peak RSS while it ingests 1M events.
    struct Memory: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The hub's peak resident memory while it ingests 1M events.",
            discussion: """
                Pushes a streamed workload into a fresh hub in this process and reads the peak resident set \
                size (VmHWM, /proc/self/status) afterwards. Run it on its own (`returnsync-bench all` gives each \
                benchmark its own process). Goal: < 300 MB.
                """)
        @Option(help: "Events to ingest.") var events = 1_000_000
        @Option(help: "Stores.") var stores = 100
        @Option(help: "SKUs.") var skus = 10_000
        @Flag(help: "Small sizes (100k events), for `returnsync-bench all --quick`.") var quick = false
        @OptionGroup var storage: BenchStorageOptions

        func run() async throws {
            let backend = try storage.make()
            let o = WorkloadOptions(
                stores: stores, skus: skus, customers: 100_000, events: quick ? 100_000 : events, changeSetSize: 500)
            let r = try await backend.cleaningUp {
                try await MemoryBenchmark(options: .init(workload: o), backend: backend).run(
                    progress: benchProgress)
            }
            func mb(_ b: Int?) -> Double? { b.map { Double($0) / 1_048_576 } }
            print("")
            print(
                "memory benchmark (\(r.backend), \(r.events) events ingested at \(fixed(r.eventsPerSecond, 0)) events/s)"
            )
            var t = TextTable()
            t.row("peak RSS before ingest (MB)", mb(r.peakBeforeBytes).map { fixed($0) } ?? "n/a")
            t.row("peak RSS after ingest (MB)", mb(r.peakAfterBytes).map { fixed($0) } ?? "n/a", "goal < 300")
            t.row("RSS after ingest (MB)", mb(r.residentAfterBytes).map { fixed($0) } ?? "n/a")
            print(t.render())
            var json = JSONLine()
            json.add("backend", r.backend)
            json.add("peak_rss_mb", mb(r.peakAfterBytes))
            json.add("peak_rss_before_mb", mb(r.peakBeforeBytes))
            json.add("events", r.events)
            json.add("events_per_s", r.eventsPerSecond)
            print(json)
        }
    }
}
