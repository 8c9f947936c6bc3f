import ArgumentParser
import Benchmarks
import Foundation

extension BenchCommand {
    /// `returnsync-bench pg-hubs`: events merged per second by one and by several hubs over one
    /// PostgreSQL database.
    struct HubsOverPostgres: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pg-hubs",
            abstract: "Merge the same workload through 1, then N hubs pushing at once into one PostgreSQL database.",
            discussion: """
                Each hub is a PostgreSQL hub with its own connection pool, as a `hub serve` process has; \
                they run inside this process, so HTTP is left out (as in `hub-ingest`). The stores are \
                split between the hubs and push their change sets in order. Each run gets a fresh \
                database on the server (returnsync_bench_…), left in place. Prints events/s for 1 hub \
                and for --hubs hubs, and their ratio.

                Example:
                  returnsync-bench pg-hubs --database postgres://postgres@127.0.0.1:5432/postgres --hubs 2
                """)
        @Option(help: "A PostgreSQL server URL (any database on it).") var database: String
        @Option(help: "Hubs pushing at once in the second run.") var hubs = 2
        @Option(help: "Simulated stores.") var stores = 20
        @Option(help: "Traffic events in total.") var events = 100_000
        @Option(help: "Events per change set.") var batch = 500
        @Option(help: "Seed of the workload.") var seed: UInt64 = 42
        @Flag(help: "Small sizes (10 stores, 20k events), for `returnsync-bench all --quick`.") var quick = false
        @Flag(help: "Check each hub against a rebuild from its events afterwards.") var verify = false

        func run() async throws {
            let o = WorkloadOptions(
                seed: seed, stores: quick ? 10 : stores, skus: quick ? 2_000 : 10_000,
                customers: quick ? 10_000 : 50_000,
                events: quick ? 20_000 : events, changeSetSize: batch)
            var results: [PostgresScaleOutBenchmark.Result] = []
            for n in [1, max(2, hubs)] {
                results.append(
                    try await PostgresScaleOutBenchmark(serverURL: database, workload: o, hubs: n, verify: verify)
                        .run(progress: benchProgress))
            }
            print("")
            print(
                "hubs over one PostgreSQL (\(results[0].events) events from \(o.stores) stores, change sets of \(batch))"
            )
            var t = TextTable()
            for r in results {
                t.row(
                    "\(r.hubs) hub(s): events merged/s", fixed(r.eventsPerSecond),
                    r.verified.map { $0 ? "verify ok" : "VERIFY FAILED" } ?? "")
            }
            let ratio = results[1].eventsPerSecond / results[0].eventsPerSecond
            t.row("ratio (\(results[1].hubs) hubs / 1 hub)", fixed(ratio, 3))
            print(t.render())
            var json = JSONLine()
            json.add("backend", "postgres")
            json.add("one_hub_events_per_s", results[0].eventsPerSecond)
            json.add("hubs", results[1].hubs)
            json.add("n_hubs_events_per_s", results[1].eventsPerSecond)
            json.add("ratio", ratio, decimals: 3)
            json.add("events", results[0].events)
            print(json.description)
            if results.contains(where: { $0.verified == false }) { throw ExitCode.failure }
        }
    }
}
