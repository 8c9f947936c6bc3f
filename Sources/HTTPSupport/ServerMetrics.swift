import Foundation
public import Hummingbird
public import Metrics
public import Prometheus

/// One server's metrics: swift-metrics instruments recording into this server's own Prometheus
/// registry (swift-prometheus), which `/metrics` exposes in the text format.
///
/// Each server has its own registry rather than the process-wide `MetricsSystem`: `returnsync
/// demo` runs a hub and four nodes in one process, and the tests run many servers side by side;
/// a global factory would mix their figures (and can be bootstrapped only once per process).
public final class ServerMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    public let factory: PrometheusMetricsFactory
    /// The last total given to each `setTotal` series, to turn a total into an increment.
    private let totals = Totals()

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Request latencies: a till's call takes milliseconds, a snapshot seconds.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
    }

    public func counter(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Counter {
        Metrics.Counter(label: name, dimensions: dimensions, factory: factory)
    }

    public func gauge(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Gauge {
        Metrics.Gauge(label: name, dimensions: dimensions, factory: factory)
    }

    public func timer(_ name: String, _ dimensions: [(String, String)] = []) -> Metrics.Timer {
        Metrics.Timer(label: name, dimensions: dimensions, factory: factory)
    }

    /// A counter whose running total is kept elsewhere (events in the replica, the sync agent's
    /// rounds) and read at scrape time: it is moved up by what the total grew since the last scrape.
    public func setTotal(_ name: String, _ dimensions: [(String, String)] = [], to total: Int) {
        let key = ([name] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "\u{1}")
        let grown = totals.grow(key, to: total)
        let counter = counter(name, dimensions)
        if grown > 0 { counter.increment(by: grown) }
    }

    /// The exposition, as `/metrics` answers it.
    public func response() -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }

    private final class Totals: @unchecked Sendable {
        private let lock = NSLock()
        private var last: [String: Int] = [:]

        /// How much `key`'s total grew since the last call (0 when it did not, or fell back).
        func grow(_ key: String, to total: Int) -> Int {
            lock.withLock {
                let before = last[key] ?? 0
                last[key] = max(before, total)
                return max(total - before, 0)
            }
        }
    }
}

/// Counts and times every request by route, method and status, into `metrics` (until its answer
/// is ready; a streamed body, such as a snapshot, goes on after that):
/// `<prefix>_http_request_duration_seconds` (a histogram whose `_count` is the request count).
/// Unmatched paths count under the route `unknown`, so that no caller can grow the series.
///
/// Hummingbird's own `MetricsMiddleware` records into the process-wide `MetricsSystem`; this one
/// records into the server's registry (see `ServerMetrics`) and is otherwise the same idea.
public struct RouteMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics
    let name: String

    public init(metrics: ServerMetrics, prefix: String) {
        self.metrics = metrics
        self.name = "\(prefix)_http_request_duration_seconds"
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        let route = context.endpointPath ?? "unknown"
        let response = try await next(request, context)
        metrics.timer(
            name, [("route", route), ("method", request.method.rawValue), ("status", String(response.status.code))]
        ).recordNanoseconds(Int64((ContinuousClock.now - start) / .nanoseconds(1)))
        return response
    }
}
