import ArgumentParser
import Benchmarks
import Foundation

extension BenchCommand {
    /// `returnsync-bench pull`: events per second a node receives from the feed and applies.
    struct Pull: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Pull a company's feed into a new node page by page, against raw batched inserts of the same rows.",
            discussion: """
                A seeded company is pushed into an embedded hub first (not timed). Then a new node of the first \
                store pulls the whole feed from checkpoint 0 in pages of 1,000: the hub's pull (one read \
                snapshot per page) and the node's apply (the page's events, each touched record folded once, \
                its projections and the checkpoint in one durable transaction). Timed in process, and again \
                over HTTP on loopback with the sync agent (snapshot bootstrap off). The raw figure inserts the \
                same event rows into a bare events table, 1,000 per durable transaction. Goal: ≥ 100k events/s.
                """)
        @Option(help: "Events in the company (the stores' traffic).") var events = 200_000
        @Flag(help: "About 50k events, for `returnsync-bench all --quick`.") var quick = false
        @OptionGroup var company: CompanyOptions

        func run() async throws {
            let r = try await PullBenchmark(
                options: .init(
                    events: quick ? 50_000 : events, stores: company.stores, directory: company.folder,
                    companyCache: company.cache)
            )
            .run(http: company.noHTTP ? nil : BenchHTTP.runner(bootstrap: false), progress: benchProgress)
            print("")
            print(
                "pull benchmark (embedded SQLite hub, synchronous=FULL; \(r.pulledEvents) events pulled in \(r.pages) pages of ≤ 1,000 from a company of \(r.companyEvents))"
            )
            var t = TextTable()
            t.row("pull events/s (in process)", fixed(r.eventsPerSecond), "goal ≥ 100000")
            if let http = r.httpEventsPerSecond { t.row("pull events/s (HTTP loopback)", fixed(http)) }
            t.row("  of which: node applying s", fixed(r.applySeconds, 2), "one transaction per ~5,000 events")
            t.row("  of which: waiting for the hub s", fixed(r.waitSeconds, 2), "next page not read yet")
            t.row("raw batched rows/s", fixed(r.rawRowsPerSecond))
            t.row("ratio (pull / raw)", fixed(r.ratio, 3))
            if let h = r.httpRatio { t.row("ratio (HTTP pull / raw)", fixed(h, 3)) }
            t.row("company build s (untimed)", fixed(r.companySeconds, 1))
            print(t.render())
            var json = JSONLine()
            json.add("company_events", r.companyEvents)
            json.add("pulled_events", r.pulledEvents)
            json.add("events_per_s", r.eventsPerSecond)
            json.add("http_events_per_s", r.httpEventsPerSecond)
            json.add("raw_rows_per_s", r.rawRowsPerSecond)
            json.add("apply_s", r.applySeconds, decimals: 3)
            json.add("wait_s", r.waitSeconds, decimals: 3)
            json.add("ratio", r.ratio, decimals: 3)
            json.add("http_ratio", r.httpRatio, decimals: 3)
            json.add("goal_events_per_s", 100_000)
            print(json)
        }
    }
}
