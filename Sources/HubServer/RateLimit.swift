import Foundation
public import HTTPSupport
public import Hummingbird

/// How many requests one credential may make: a token bucket of `burst` requests that refills at
/// `perSecond`. A flood from one node, channel or head-office token is answered
/// `429 rate.limited` with `Retry-After`, and leaves every other caller's share alone.
public struct RateLimit: Sendable, Hashable {
    public var perSecond: Double
    public var burst: Int

    public init(perSecond: Double, burst: Int) {
        self.perSecond = perSecond
        self.burst = burst
    }

    /// `hub serve`'s default: far above a node's sync rounds (a catch-up pages the feed at 100
    /// pages a second, 200,000 events), far below a flood.
    public static let standard = RateLimit(perSecond: 100, burst: 500)

    /// Seconds on a clock that only moves forward.
    public static let monotonicSeconds: @Sendable () -> Double = {
        Double(DispatchTime.now().uptimeNanoseconds) / 1e9
    }
}

/// The buckets, one per credential (node id), kept in memory by each hub process.
final class RateLimiter: @unchecked Sendable {
    let limit: RateLimit
    let clock: @Sendable () -> Double
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, at: Double)] = [:]

    init(limit: RateLimit, clock: @escaping @Sendable () -> Double) {
        self.limit = limit
        self.clock = clock
    }

    /// Takes one request from `key`'s bucket: nil when there was one, else the seconds until there is.
    func take(_ key: String) -> Double? {
        let now = clock()
        return lock.withLock {
            var bucket = buckets[key] ?? (Double(limit.burst), now)
            bucket.tokens = min(Double(limit.burst), bucket.tokens + (now - bucket.at) * limit.perSecond)
            bucket.at = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return (1 - bucket.tokens) / limit.perSecond }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// After `HubAuthMiddleware`: one request from the caller's bucket, or 429 with `Retry-After`.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let caller = context.credential, let wait = limiter.take(caller.node.rawValue) else {
            return try await next(request, context)
        }
        let seconds = max(1, Int(wait.rounded(.up)))
        var response = Problem(
            code: "rate.limited", status: .tooManyRequests,
            detail: "more than \(limiter.limit.burst) requests at once from \(caller.node); retry in \(seconds) s"
        ).response()
        response.headers[.retryAfter] = String(seconds)
        return response
    }
}
