@_exported public import HTTPSupport
public import Hummingbird
public import Logging
public import NodeStore

/// Constants of the node's local HTTP API.
public enum NodeAPI {
    /// Every route lives under this prefix.
    public static let prefix = "/api/v1"
    /// Request bodies larger than this are refused with 413 `input.tooLarge` (1 MiB).
    public static let maxBodyBytes = JSONCoding.defaultMaxBodyBytes
    /// Paths under the prefix that need no key (`NodeKeyGuard`): the probes.
    public static let openPaths: Set<String> = ["\(prefix)/healthz", "\(prefix)/metrics"]
}

/// Builds the node's HTTP application: the return-desk API of ``buildNodeRouter(service:)``
/// served with `configuration` (the caller chooses the address; the CLI binds to loopback).
///
/// The result is a `Service`: run it with `runService()` or inside a `ServiceGroup`.
///
/// `escrowClaimer` is how the desk claims other stores' sale lines from the hub (escrow,
/// DESIGN §4); without one such returns go against the store's risk budget.
///
/// `allowedHosts` are the `Host` values the node answers to (`BrowserGuard.hosts(listeningOn:port:extra:)`
/// makes them from the address it listens on); nil lets any `Host` through.
public func buildNodeApplication(
    service: NodeService, configuration: ApplicationConfiguration, logger: Logger,
    escrowClaimer: (any EscrowClaimer)? = nil, allowedHosts: Set<String>? = nil
) -> some ApplicationProtocol {
    Application(
        router: buildNodeRouter(service: service, escrowClaimer: escrowClaimer, allowedHosts: allowedHosts),
        configuration: configuration, logger: logger)
}

/// Builds the router of the node's local API under `/api/v1`; `healthz` and `metrics` are also
/// served at the root. Every API route but those probes needs one of the node's keys
/// (`NodeKeyGuard`).
///
/// Tests drive this router directly (`app.test(.router)`), so they exercise exactly the routes,
/// error mapping and body limit the served application has.
///
/// `allowedHosts` nil (tests) lets any `Host` through; `Origin` and body types are checked always.
public func buildNodeRouter(
    service: NodeService, escrowClaimer: (any EscrowClaimer)? = nil, allowedHosts: Set<String>? = nil
) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    let metrics = NodeMetrics()
    let methods = RouteMethods()
    // Outermost: it times the answer the caller gets, problems included.
    router.add(middleware: RouteMetricsMiddleware(metrics: metrics.server, prefix: "returnsync_node"))
    // Then problems, so that they also wrap the not-found fallback.
    router.add(
        middleware: ProblemMiddleware(maxBodyBytes: NodeAPI.maxBodyBytes, routes: methods) { status, code in
            metrics.record(status: status, problemCode: code)
        })
    router.add(middleware: BrowserGuard(allowedHosts: allowedHosts))
    router.add(middleware: NodeKeyGuard(service: service))
    router.add(middleware: StaffSessionGuard(service: service))
    router.add(middleware: IdempotencyMiddleware(service: service))
    let routes = NodeRoutes(service: service, metrics: metrics, escrowClaimer: escrowClaimer)
    let api = router.group(RouterPath(NodeAPI.prefix))
    routes.addSalesRoutes(to: api)
    routes.addCatalogRoutes(to: api)
    routes.addReturnRoutes(to: api)
    routes.addCreditNoteRoutes(to: api)
    routes.addRepairRoutes(to: api)
    routes.addCustomerRoutes(to: api)
    routes.addOperationsRoutes(to: api)
    routes.addStaffRoutes(to: api)
    routes.addProbeRoutes(to: api)
    routes.addProbeRoutes(to: router)
    routes.addDeskRoutes(to: router)
    methods.record(router)
    return router
}

/// The handlers; one extension per concern, each in its own file under `Routes/`.
struct NodeRoutes: Sendable {
    let service: NodeService
    let metrics: NodeMetrics
    let escrowClaimer: (any EscrowClaimer)?

    typealias Group = RouterGroup<BasicRequestContext>
}

/// A failure of the replica itself is never the client's fault, whatever its code says: a
/// database that cannot be written right now (a full disk) is 503, so that a till retries later.
extension NodeStoreError: ProblemConvertible {
    public var problemCode: String { code }
    public var problemDetail: String { message }
    public var problemStatus: HTTPResponse.Status? {
        code == "node.storageUnavailable" ? .serviceUnavailable : .internalServerError
    }
}
