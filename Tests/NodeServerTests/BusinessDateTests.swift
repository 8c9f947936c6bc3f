import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

/// History loaded from an earlier 进销存 system: a sale and its return carry the days they
/// happened, and the policy judges the return at its own date, not at the day it was loaded.
@Suite("business dates of history loaded at the node")
struct BusinessDateTests {
    @Test("a return loaded with its past date is judged at that date; back-dating has its limits")
    func pastReturn() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            // Sold 200 days ago; a changed-mind return is taken within the standard window only.
            try await Seed.record(Seed.sale("S1-OLD", daysAgo: 200), client)
            var now = Seed.returnOf("S1-OLD")
            expectProblem(
                try await client.send(.post, "returns", json: now), .unprocessableContent, "policy.windowExpired")

            // Loaded as it happened, five days after the sale: within the window then.
            var then = now
            then.businessDate = Instant(millis: NodeAPIFixture.now).adding(days: -195)
            let loaded = try await Seed.open(then, client)
            #expect(loaded.request.requestedAt == then.businessDate)
            #expect(loaded.status == .approved)

            // Not before the sale, not in the future, not more than 730 days back.
            now.businessDate = Instant(millis: NodeAPIFixture.now).adding(days: -201)
            expectProblem(
                try await client.send(.post, "returns", json: now), .unprocessableContent, "history.backDated")
            now.businessDate = Instant(millis: NodeAPIFixture.now).adding(days: 1)
            expectProblem(
                try await client.send(.post, "returns", json: now), .unprocessableContent, "history.backDated")
            try await Seed.record(Seed.sale("S1-ANCIENT", daysAgo: 800), client)
            var ancient = Seed.returnOf("S1-ANCIENT")
            ancient.businessDate = Instant(millis: NodeAPIFixture.now).adding(days: -790)
            expectProblem(
                try await client.send(.post, "returns", json: ancient), .unprocessableContent, "history.backDated")
        }
    }
}
