import ArgumentParser
import Benchmarks
import Foundation
import HTTPSupport
import HubServer
import HubStoreSQLite
import Hummingbird
import Logging
import NIOCore
import NodeStore
import ServiceLifecycle
import SyncClient

extension BenchCommand {
    /// `returnsync-bench bootstrap`: seconds for a new node to start from a snapshot.
    struct Bootstrap: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Start a new node from the hub's snapshot of a company of N events, against raw inserts of the same rows.",
            discussion: """
                A seeded company (stores selling, returning, exchanging, receiving goods) is pushed into an \
                embedded hub first (not timed). Then a new node of the first store starts: the hub reads its \
                snapshot in one read transaction (the feed's head as checkpoint and every event relevant to \
                the node), the node stores every event with one prepared statement, folds each record once, \
                writes its projections and the checkpoint in one durable transaction, and a pull from the \
                checkpoint finds nothing more: that is the timed figure, in process and again over HTTP on \
                loopback (GET /sync/v1/snapshot, streamed, by the sync agent). The raw floor inserts the same \
                event rows into a bare events table in one transaction. `node verify` of the result is timed \
                apart. Goal: < 20 s for 1,000,000 events.
                """)
        @Option(help: "Events in the company (the stores' traffic).") var events = 1_000_000
        @Flag(help: "About 100k events, for `returnsync-bench all --quick`.") var quick = false
        @Flag(help: "Skip the node verify after the load.") var noVerify = false
        @OptionGroup var company: CompanyOptions

        func run() async throws {
            let r = try await BootstrapBenchmark(
                options: .init(
                    events: quick ? 100_000 : events, stores: company.stores, verify: !noVerify,
                    directory: company.folder,
                    companyCache: company.cache)
            ).run(http: company.noHTTP ? nil : BenchHTTP.runner(bootstrap: true), progress: benchProgress)
            print("")
            print(
                "bootstrap benchmark (embedded SQLite hub, synchronous=FULL; company of \(r.companyEvents) events, snapshot of \(r.snapshotEvents) for a new node of store 1)"
            )
            var t = TextTable()
            t.row("bootstrap s (in process)", fixed(r.seconds, 2), "goal < 20 s for 1M events")
            t.row("events/s (in process)", fixed(r.eventsPerSecond))
            if let e = r.eventsPhaseSeconds {
                t.row("  of which: events in s", fixed(e, 2), "receive, decode, insert")
                t.row(
                    "  of which: projections s", fixed(r.seconds - e, 2),
                    "fold each record once, write projections, build indexes, commit")
            }
            if let http = r.httpSeconds { t.row("bootstrap s (HTTP loopback)", fixed(http, 2)) }
            t.row("records folded", String(r.records))
            t.row("raw insert s, same rows", fixed(r.rawSeconds, 2))
            t.row("ratio (raw s / bootstrap s)", fixed(r.ratio, 3))
            if let v = r.verifySeconds { t.row("node verify s", fixed(v, 2), r.verified == true ? "ok" : "NOT OK") }
            if let peak = r.peakRSSBytes { t.row("peak RSS MB", fixed(Double(peak) / 1_048_576)) }
            t.row("company build s (untimed)", fixed(r.companySeconds, 1))
            print(t.render())
            var json = JSONLine()
            json.add("company_events", r.companyEvents)
            json.add("snapshot_events", r.snapshotEvents)
            json.add("records", r.records)
            json.add("bootstrap_s", r.seconds, decimals: 3)
            json.add("events_per_s", r.eventsPerSecond)
            json.add("events_phase_s", r.eventsPhaseSeconds, decimals: 3)
            json.add("http_bootstrap_s", r.httpSeconds, decimals: 3)
            json.add("raw_s", r.rawSeconds, decimals: 3)
            json.add("ratio", r.ratio, decimals: 3)
            json.add("verify_s", r.verifySeconds, decimals: 3)
            if let ok = r.verified { json.add("verified", ok) }
            json.add("peak_rss_mb", r.peakRSSBytes.map { Double($0) / 1_048_576 })
            json.add("goal_s", 20.0)
            print(json)
            if r.verified == false { throw ExitCode.failure }
        }
    }
}

/// The HTTP half of the pull and bootstrap benchmarks: the hub served on a loopback port of this
/// process, the node synced by the real sync agent through `HubClient`.
enum BenchHTTP {
    static func runner(bootstrap: Bool) -> BenchHTTPRunner {
        { hub, node in
            let token = TokenHash.newToken()
            try await hub.enroll(
                node: node.identity.node, store: node.identity.store, role: .storeNode, secretHash: TokenHash.of(token),
                now: 0)
            let port = PortBox()
            var logger = Logger(label: "bench.hub")
            logger.logLevel = .error
            let app = Application(
                router: buildHubRouter(store: hub),
                configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "bench"),
                onServerRunning: { channel in port.set(channel.localAddress?.port ?? 0) }, logger: logger)
            // Stopped gracefully below, never by cancelling its task (a connection accepted then
            // is dropped unserved, which NIO traps on: apple/swift-nio#3481).
            let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
            let server = Task { try await group.run() }
            func stop() async {
                await group.triggerGracefulShutdown()
                _ = try? await server.value
            }
            while port.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
            var agent = SyncAgent(
                service: node, transport: HubClient(baseURL: "http://127.0.0.1:\(port.value)", token: token))
            agent.bootstrapFromSnapshot = bootstrap
            let t0 = monotonicNanos()
            let report: SyncReport
            do {
                report = try await agent.syncOnce(progress: benchProgress)
            } catch {
                await stop()
                throw error
            }
            let seconds = Double(monotonicNanos() - t0) / 1e9
            await stop()
            if bootstrap && report.bootstrapped == 0 {
                throw BenchError("bench.noSnapshot: the node did not bootstrap from the snapshot")
            }
            return seconds
        }
    }
}

/// The port the server bound, set from its event loop.
final class PortBox: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    var value: Int { lock.withLock { port } }
    func set(_ p: Int) { lock.withLock { port = p } }
}
