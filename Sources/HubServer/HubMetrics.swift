import Foundation
import HTTPSupport
import HubStore
import Hummingbird

/// The hub's metrics (docs/operations.md lists them): request, sync and escrow counters recorded
/// as they happen, per-node lag and exception counts read from the store at scrape time; all
/// through swift-metrics into the hub's own Prometheus registry (`ServerMetrics`).
final class HubMetrics: Sendable {
    let server = ServerMetrics()

    func record(status: Int, problemCode: String?) {
        server.counter("returnsync_hub_http_requests_total", [("status", String(status))]).increment()
        if let problemCode { refused(problemCode: problemCode) }
    }
    /// A refusal a route answers itself rather than by throwing (the middleware counts only thrown ones).
    func refused(problemCode: String) {
        server.counter("returnsync_hub_http_problems_total", [("code", problemCode)]).increment()
    }
    func pushed(_ n: Int) { server.counter("returnsync_hub_events_pushed_total").increment(by: n) }
    func pulled(_ n: Int) { server.counter("returnsync_hub_events_pulled_total").increment(by: n) }
    func escrowClaimed() { server.counter("returnsync_hub_escrow_grants_total").increment() }

    /// Sets the gauges read from the store, then answers the exposition.
    func scrape(status: [NodeSyncStatus], exceptions: Int, incidents: Int, heldPulls: Int, notHeld: Int) -> Response {
        // Counters show from the first scrape, at zero until something happens.
        for name in ["pushed", "pulled"] { server.counter("returnsync_hub_events_\(name)_total").increment(by: 0) }
        server.counter("returnsync_hub_escrow_grants_total").increment(by: 0)
        for s in status {
            let node = [("node", s.node.rawValue)]
            server.gauge("returnsync_hub_node_lag_events", node).record(s.lag)
            server.gauge("returnsync_hub_node_acked_seq", node).record(Int64(clamping: s.acked))
            if let at = s.lastPushAt {
                server.gauge("returnsync_hub_node_last_push_timestamp_seconds", node).record(Double(at) / 1000)
            }
            if let at = s.lastPullAt {
                server.gauge("returnsync_hub_node_last_pull_timestamp_seconds", node).record(Double(at) / 1000)
            }
            server.gauge("returnsync_hub_node_revoked", node).record(s.revoked ? 1 : 0)
            server.gauge(
                "returnsync_hub_node_info", node + [("store", s.store?.rawValue ?? ""), ("role", s.role.rawValue)]
            ).record(1)
        }
        server.gauge("returnsync_hub_exceptions").record(exceptions)
        server.gauge("returnsync_hub_incidents").record(incidents)
        server.gauge("returnsync_hub_pulls_held").record(heldPulls)
        server.gauge("returnsync_hub_pulls_not_held").record(notHeld)
        return server.response()
    }
}

extension HubRoutes {
    /// `/healthz`, `/livez` and `/metrics`, no credential needed (keep them on an internal network).
    /// `/healthz` reads from the database, so a readiness probe sees a hub whose database is gone
    /// (503); `/livez` only says the process answers, for a liveness probe that must not restart
    /// hubs because their database is down.
    func addProbeRoutes(to router: Router<HubRequestContext>) {
        router.get("livez") { _, _ in
            try JSONCoding.response(["status": "ok"])
        }
        router.get("healthz") { _, _ in
            try await store.checkDatabase()
            return try JSONCoding.response(["status": "ok", "epoch": try await store.epoch()])
        }
        router.get("metrics") { _, _ in
            metrics.scrape(
                status: try await store.syncStatus(), exceptions: try await store.state().exceptions().count,
                incidents: try await store.incidents().count, heldPulls: longPolls.held,
                notHeld: longPolls.notHeld)
        }
    }
}
