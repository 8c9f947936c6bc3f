import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import Testing

/// A flood from one credential is answered 429 with Retry-After; other callers are not slowed.
@Suite("Hub API: a rate limit per credential")
struct RateLimitTests {
    final class Clock: @unchecked Sendable {
        private let lock = NSLock()
        private var seconds = 1_000.0
        var now: Double { lock.withLock { seconds } }
        func advance(_ s: Double) { lock.withLock { seconds += s } }
    }

    @Test("beyond its burst a caller gets 429 rate.limited with Retry-After, until its bucket refills")
    func limited() async throws {
        let hub = try await HubFixture(.sqlite)
        defer { hub.handle.remove() }
        let a = try await hub.enroll("S01-a", store: "S01")
        let b = try await hub.enroll("S02-b", store: "S02")
        let clock = Clock()
        let router = buildHubRouter(
            store: hub.store, clock: { HubFixture.now }, rateLimit: RateLimit(perSecond: 2, burst: 3),
            rateClock: { clock.now })
        try await Application(router: router).test(.router) { client in
            for _ in 0..<3 { expectStatus(try await client.pull(after: 0, token: a), .ok) }
            let refused = try await client.pull(after: 0, token: a)
            _ = expectProblem(refused, .tooManyRequests, "rate.limited")
            #expect(refused.headers[.retryAfter] == "1")
            // Another credential has a bucket of its own.
            expectStatus(try await client.pull(after: 0, token: b), .ok)
            // Half a second refills one request at 2 a second.
            clock.advance(0.5)
            expectStatus(try await client.pull(after: 0, token: a), .ok)
            _ = expectProblem(try await client.pull(after: 0, token: a), .tooManyRequests, "rate.limited")
            // The probes need no credential and are not limited.
            for _ in 0..<5 { expectStatus(try await client.call(.get, "/livez", token: nil), .ok) }
        }
    }
}
