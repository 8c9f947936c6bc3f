import Foundation
public import HTTPSupport
public import HubStore
public import Hummingbird
public import Logging

/// Constants of the hub's HTTP API.
public enum HubAPI {
    /// Change sets are up to 1,000 events; a generous body limit for them (16 MiB).
    public static let maxPushBytes = 16 << 20
}

/// The hub's HTTP application: the sync API for nodes and the head-office API, over `store`.
/// The result is a `Service`: run it with `runService()` or in a `ServiceGroup`.
public func buildHubApplication(
    store: any HubStore, configuration: ApplicationConfiguration, logger: Logger, rateLimit: RateLimit? = .standard,
    longPoll: LongPollLimits = .standard
) -> some ApplicationProtocol {
    Application(
        router: buildHubRouter(store: store, rateLimit: rateLimit, longPoll: longPoll), configuration: configuration,
        logger: logger)
}

/// Wall-clock milliseconds, the hub's default clock.
public let systemMillis: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

/// The hub's router: `/sync/v1/*` for nodes, `/api/v1/*` for head office, `/healthz`, `/livez`,
/// `/metrics` and head office's `/dashboard` page without a credential.
/// `clock` dates what the hub records (pushes, pulls, channel returns); tests pass a fixed one.
/// `rateLimit` bounds each credential's requests (nil: no limit); `rateClock` is its clock in
/// seconds, for tests. `longPoll` bounds the pulls held waiting for the feed to grow (a held pull
/// takes one request from the rate limit, however long it is held).
public func buildHubRouter(
    store: any HubStore, clock: @escaping @Sendable () -> Int64 = systemMillis, rateLimit: RateLimit? = nil,
    rateClock: @escaping @Sendable () -> Double = RateLimit.monotonicSeconds, longPoll: LongPollLimits = .standard
) -> Router<HubRequestContext> {
    let router = Router(context: HubRequestContext.self)
    let metrics = HubMetrics()
    let methods = RouteMethods()
    // Outermost: it times the answer the caller gets, problems included.
    router.add(middleware: RouteMetricsMiddleware(metrics: metrics.server, prefix: "returnsync_hub"))
    router.add(
        middleware: ProblemMiddleware(maxBodyBytes: HubAPI.maxPushBytes, routes: methods) { status, code in
            metrics.record(status: status, problemCode: code)
        })
    let routes = HubRoutes(store: store, metrics: metrics, clock: clock, longPolls: LongPollGate(limits: longPoll))
    routes.addProbeRoutes(to: router)
    routes.addDashboardRoutes(to: router)
    routes.addSignInRoute(to: router)
    let sync = router.group("sync/v1").add(middleware: HubAuthMiddleware(store: store, clock: clock))
    let api = router.group("api/v1").add(middleware: HubAuthMiddleware(store: store, clock: clock))
    if let rateLimit {
        // One set of buckets for both groups: a caller's share covers every route it may use.
        let limiter = RateLimiter(limit: rateLimit, clock: rateClock)
        sync.add(middleware: RateLimitMiddleware(limiter: limiter))
        api.add(middleware: RateLimitMiddleware(limiter: limiter))
    }
    routes.addSyncRoutes(to: sync)
    routes.addHeadOfficeRoutes(to: api)
    routes.addChannelRoutes(to: api)
    routes.addStaffRoutes(to: api)
    routes.addUserRoutes(to: api)
    routes.addMasterDataRoutes(to: api)
    routes.addDrillDownRoutes(to: api)
    routes.addPolicyRoutes(to: api)
    routes.addSettingsRoutes(to: api)
    methods.record(router)
    return router
}

/// The handlers, one extension per concern.
struct HubRoutes: Sendable {
    let store: any HubStore
    let metrics: HubMetrics
    let clock: @Sendable () -> Int64
    let longPolls: LongPollGate
    typealias Group = RouterGroup<HubRequestContext>
}

/// Hub errors become problems with the status their code calls for.
extension HubError: ProblemConvertible {
    public var problemCode: String { code }
    public var problemDetail: String { message }
    public var problemValues: [String: String] { values ?? [:] }
    public var problemStatus: HTTPResponse.Status? {
        switch code {
        case "sync.gap", "sync.dotConflict", "auth.alreadyEnrolled", "auth.duplicateSecret", "idempotency.conflict",
            EscrowRules.Code.insufficient, EscrowRules.Code.claimConflict:
            .conflict
        case "sync.forgedAuthor", "auth.revoked", "auth.forbidden": .forbidden
        case "auth.unknownNode", "auth.missing", "auth.unknown": .unauthorized
        case "sync.changeSetTooLarge": .contentTooLarge
        case HubError.Code.databaseUnavailable: .serviceUnavailable
        case _ where code.hasPrefix("hub."): .internalServerError
        case _ where code.hasPrefix("sync."): .badRequest
        default: nil
        }
    }
}
