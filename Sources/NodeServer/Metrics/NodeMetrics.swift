import Foundation
import HTTPSupport
import NodeStore

/// The node's few metrics, in Prometheus text exposition format, written by hand.
///
/// Request counts live in memory (they restart at zero with the process, as Prometheus counters
/// may); the event and outbox figures are read from the replica at scrape time, so they are never
/// stale and cost nothing between scrapes.
final class NodeMetrics: @unchecked Sendable {
    // Guarded by `lock`; a handful of increments per request.
    private let lock = NSLock()
    private var requestsByStatus: [Int: Int] = [:]
    private var problemsByCode: [String: Int] = [:]

    /// Counts one answered request, and its problem code when it was refused.
    func record(status: Int, problemCode: String?) {
        lock.lock()
        defer { lock.unlock() }
        requestsByStatus[status, default: 0] += 1
        if let problemCode { problemsByCode[problemCode, default: 0] += 1 }
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

    /// The exposition text.
    func render(_ replica: ReplicaFigures) -> String {
        let (requests, problems) = lock.withLock { (requestsByStatus, problemsByCode) }
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ samples: [(labels: String, value: Int)]) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for s in samples { out += "\(name)\(s.labels) \(s.value)\n" }
        }
        family(
            "returnsync_node_info", "gauge", "Which node and store this is (always 1).",
            [("{node=\"\(Prometheus.labelValue(replica.node))\",store=\"\(Prometheus.labelValue(replica.store))\"}", 1)]
        )
        family(
            "returnsync_node_events_total", "counter", "Events held in the node's log (its own and pulled).",
            [("", replica.events)])
        family(
            "returnsync_node_outbox_events", "gauge", "Events of this node not yet acknowledged by the hub.",
            [("", replica.outbox)])
        family(
            "returnsync_node_exceptions", "gauge", "Open exceptions for review (conflicts, over-returns).",
            [("", replica.exceptions)])
        family(
            "returnsync_node_low_stock_alerts", "gauge", "SKUs whose sellable stock is under the reorder point.",
            [("", replica.lowStockAlerts)])
        family(
            "returnsync_node_risk_budget_minor", "gauge",
            "Escrow: the store's risk budget for offline returns against other stores' sales, in minor units.",
            [("", replica.riskBudgetMinor)])
        family(
            "returnsync_node_risk_budget_used_minor", "gauge",
            "Escrow: value of such returns the hub has not acknowledged yet, in minor units.",
            [("", replica.riskBudgetUsedMinor)])
        family(
            "returnsync_node_clock_offset_milliseconds", "gauge",
            "The hub's clock minus this machine's, as measured at the last sync.",
            [("", replica.clockOffsetMillis)])
        family(
            "returnsync_node_clock_skewed", "gauge",
            "1 when this machine's clock is more than 5 minutes off the hub's: the node then dates by the hub's.",
            [("", replica.clockSkewed ? 1 : 0)])
        family(
            "returnsync_node_sync_rounds_total", "counter",
            "Background sync rounds with the hub since start, by outcome.",
            [("{outcome=\"ok\"}", replica.sync.succeeded), ("{outcome=\"failed\"}", replica.sync.failed)])
        family(
            "returnsync_node_sync_consecutive_failures", "gauge", "Sync rounds failed in a row (0 after a success).",
            [("", replica.sync.consecutiveFailures)])
        family(
            "returnsync_node_sync_events_pushed_total", "counter",
            "Events the hub took from this node's pushes since start.",
            [("", replica.sync.pushed)])
        family(
            "returnsync_node_sync_events_pulled_total", "counter",
            "Events pulled (or loaded from a snapshot) from the hub since start.",
            [("", replica.sync.pulled)])
        if let last = replica.sync.lastSuccessMillis {
            out += "# HELP returnsync_node_sync_last_success_timestamp_seconds When a sync round last succeeded.\n"
            out += "# TYPE returnsync_node_sync_last_success_timestamp_seconds gauge\n"
            out += "returnsync_node_sync_last_success_timestamp_seconds \(Double(last) / 1000)\n"
        }
        family(
            "returnsync_node_http_requests_total", "counter", "HTTP requests answered, by status code.",
            requests.sorted { $0.key < $1.key }.map { ("{status=\"\($0.key)\"}", $0.value) })
        family(
            "returnsync_node_http_problems_total", "counter", "Requests refused or failed, by stable problem code.",
            problems.sorted { $0.key < $1.key }.map { ("{code=\"\(Prometheus.labelValue($0.key))\"}", $0.value) })
        return out
    }

    /// Label values escape backslash, quote and newline.
}
