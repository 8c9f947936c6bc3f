import Foundation
import HTTPSupport
import HubStore
import Hummingbird

/// The hub's metrics in Prometheus text format, written by hand: request and sync counters kept
/// in memory, per-node lag and exception counts read from the store at scrape time.
final class HubMetrics: @unchecked Sendable {
    private let lock = NSLock()
    private var requestsByStatus: [Int: Int] = [:]
    private var problemsByCode: [String: Int] = [:]
    private var eventsPushed = 0
    private var eventsPulled = 0
    private var escrowGrants = 0

    func record(status: Int, problemCode: String?) {
        lock.withLock {
            requestsByStatus[status, default: 0] += 1
            if let problemCode { problemsByCode[problemCode, default: 0] += 1 }
        }
    }
    /// A refusal a route answers itself rather than by throwing (the middleware counts only thrown ones).
    func refused(problemCode: String) { lock.withLock { problemsByCode[problemCode, default: 0] += 1 } }
    func pushed(_ n: Int) { lock.withLock { eventsPushed += n } }
    func pulled(_ n: Int) { lock.withLock { eventsPulled += n } }
    func escrowClaimed() { lock.withLock { escrowGrants += 1 } }

    func render(status: [NodeSyncStatus], exceptions: Int, incidents: Int) -> String {
        let (requests, problems, pushed, pulled, grants) = lock.withLock {
            (requestsByStatus, problemsByCode, eventsPushed, eventsPulled, escrowGrants)
        }
        var out = ""
        func v(_ value: some CustomStringConvertible) -> String { Prometheus.labelValue(value) }
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(String, String)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for (labels, value) in samples { out += "\(name)\(labels) \(value)\n" }
        }
        family(
            "returnsync_hub_events_pushed_total", "counter", "Events stored from pushes since start.",
            [("", "\(pushed)")])
        family(
            "returnsync_hub_events_pulled_total", "counter", "Events sent to nodes since start.", [("", "\(pulled)")])
        family(
            "returnsync_hub_escrow_grants_total", "counter",
            "Escrow claims answered with a grant since start (refusals are in returnsync_hub_http_problems_total).",
            [("", "\(grants)")])
        family(
            "returnsync_hub_http_requests_total", "counter", "Answered requests by status.",
            requests.sorted { $0.key < $1.key }.map { ("{status=\"\($0.key)\"}", "\($0.value)") })
        family(
            "returnsync_hub_http_problems_total", "counter", "Refused or failed requests by problem code.",
            problems.sorted { $0.key < $1.key }.map { ("{code=\"\(v($0.key))\"}", "\($0.value)") })
        family(
            "returnsync_hub_node_lag_events", "gauge", "Feed events a node has not pulled yet.",
            status.map { ("{node=\"\(v($0.node))\"}", "\($0.lag)") })
        family(
            "returnsync_hub_node_acked_seq", "gauge", "Highest contiguous seq held from each node.",
            status.map { ("{node=\"\(v($0.node))\"}", "\($0.acked)") })
        family(
            "returnsync_hub_node_last_push_timestamp_seconds", "gauge", "When each node last pushed.",
            status.compactMap { s in s.lastPushAt.map { ("{node=\"\(v(s.node))\"}", "\(Double($0) / 1000)") } })
        family(
            "returnsync_hub_node_last_pull_timestamp_seconds", "gauge", "When each node last pulled.",
            status.compactMap { s in s.lastPullAt.map { ("{node=\"\(v(s.node))\"}", "\(Double($0) / 1000)") } })
        family(
            "returnsync_hub_node_revoked", "gauge", "1 for a revoked node id, else 0.",
            status.map { ("{node=\"\(v($0.node))\"}", $0.revoked ? "1" : "0") })
        family(
            "returnsync_hub_node_info", "gauge",
            "Each enrolled node's store and role (always 1), to join the node_* gauges on.",
            status.map {
                (
                    "{node=\"\(v($0.node))\",store=\"\(v($0.store?.rawValue ?? ""))\",role=\"\(v($0.role.rawValue))\"}",
                    "1"
                )
            })
        family("returnsync_hub_exceptions", "gauge", "Open exceptions for head office.", [("", "\(exceptions)")])
        family("returnsync_hub_incidents", "gauge", "Clone or restore incidents recorded.", [("", "\(incidents)")])
        return out
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
            let text = metrics.render(
                status: try await store.syncStatus(), exceptions: try await store.state().exceptions().count,
                incidents: try await store.incidents().count)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: .init(string: text)))
        }
    }
}
