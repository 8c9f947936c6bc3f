import Foundation
import HTTPSupport
import Hummingbird
import NodeStore

/// The node's metrics (docs/operations.md lists them), through swift-metrics into the node's own
/// Prometheus registry (`ServerMetrics`). Request counts are recorded as they happen (they restart
/// at zero with the process, as Prometheus counters may); the replica's figures are read at scrape
/// time, so they are never stale and cost nothing between scrapes.
final class NodeMetrics: Sendable {
    let server = ServerMetrics()

    /// Counts one answered request, and its problem code when it was refused.
    func record(status: Int, problemCode: String?) {
        server.counter("returnsync_node_http_requests_total", [("status", String(status))]).increment()
        if let problemCode {
            server.counter("returnsync_node_http_problems_total", [("code", problemCode)]).increment()
        }
    }

    /// The replica figures exposed next to the request counters.
    struct ReplicaFigures: Sendable {
        var node: String
        var store: String
        var events: Int
        var outbox: Int
        var exceptions: Int
        var lowStockAlerts: Int
        /// Escrow: the risk budget and what of it offline returns against other stores' sales use
        /// (minor units of the node's currency).
        var riskBudgetMinor: Int = 0
        var riskBudgetUsedMinor: Int = 0
        /// The background sync's rounds (all zero when the node is not connected to a hub).
        var sync = SyncStatistics.Snapshot()
        /// The hub's clock minus this machine's, in ms, as last measured (0 before any sync).
        var clockOffsetMillis: Int = 0
        /// Whether the offset is past the node's tolerance: it then dates by the hub's clock.
        var clockSkewed = false
    }

    /// Sets what is read at scrape time, then answers the exposition.
    func scrape(_ replica: ReplicaFigures) -> Response {
        func set(_ name: String, _ value: Int) { server.gauge(name).record(value) }
        server.gauge("returnsync_node_info", [("node", replica.node), ("store", replica.store)]).record(1)
        server.setTotal("returnsync_node_events_total", to: replica.events)
        set("returnsync_node_outbox_events", replica.outbox)
        set("returnsync_node_exceptions", replica.exceptions)
        set("returnsync_node_low_stock_alerts", replica.lowStockAlerts)
        set("returnsync_node_risk_budget_minor", replica.riskBudgetMinor)
        set("returnsync_node_risk_budget_used_minor", replica.riskBudgetUsedMinor)
        set("returnsync_node_clock_offset_milliseconds", replica.clockOffsetMillis)
        set("returnsync_node_clock_skewed", replica.clockSkewed ? 1 : 0)
        server.setTotal("returnsync_node_sync_rounds_total", [("outcome", "ok")], to: replica.sync.succeeded)
        server.setTotal("returnsync_node_sync_rounds_total", [("outcome", "failed")], to: replica.sync.failed)
        set("returnsync_node_sync_consecutive_failures", replica.sync.consecutiveFailures)
        server.setTotal("returnsync_node_sync_events_pushed_total", to: replica.sync.pushed)
        server.setTotal("returnsync_node_sync_events_pulled_total", to: replica.sync.pulled)
        if let last = replica.sync.lastSuccessMillis {
            server.gauge("returnsync_node_sync_last_success_timestamp_seconds").record(Double(last) / 1000)
        }
        return server.response()
    }
}
