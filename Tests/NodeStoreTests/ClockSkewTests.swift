import Foundation
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

/// A till whose clock is off by more than five minutes dates by the hub's clock (Protocol/sync.md
/// §7): its documents are not dated ahead and its edits do not win by a fast clock.
@Suite struct ClockSkewTests {
    @Test(
        "within the tolerance the machine's clock stands; beyond it the hub's does",
        arguments: [
            (0, 0), (120_000, 0), (-299_999, 0), (300_001, 300_001), (-3 * 86_400_000, -3 * 86_400_000),
        ] as [(Int64, Int64)])
    func correction(offset: Int64, applied: Int64) {
        #expect(ClockSkew.correction(offset: offset) == applied)
        #expect(ClockSkew.isFlagged(offset: offset) == (applied != 0))
        #expect(ClockSkew.correction(offset: nil) == 0)
    }

    @Test("a node three days fast stamps and dates by the hub's clock once it has measured it, and keeps it")
    func fastTill() async throws {
        let fixture = try NodeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        fixture.clock.advance(days: 3)
        try await fixture.service.recordHubClock(offset: -3 * Instant.millisPerDay)
        #expect(fixture.service.hubClockOffset == -3 * Instant.millisPerDay)
        try await fixture.service.registerCustomer(Customer(id: "C-9", name: "王丽"), staff: "desk")
        let event = try #require(try await fixture.service.outboxChangeSet(limit: 10)?.events.last)
        let hubNow = Instant.date(2026, 11, 1).millis
        #expect(event.hlc.wall < hubNow + 86_400_000, "stamped by the hub's clock, not three days ahead")

        // Another process on the same node (the CLI) reads the offset from the replica.
        let again = NodeService(database: fixture.service.database, clock: { Instant.date(2026, 11, 4).millis })
        #expect(again.hubClockOffset == -3 * Instant.millisPerDay)
    }

    @Test("a small offset changes nothing")
    func smallOffset() async throws {
        let fixture = try NodeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        try await fixture.service.recordHubClock(offset: 90_000)
        try await fixture.service.registerCustomer(Customer(id: "C-9"), staff: "desk")
        let event = try #require(try await fixture.service.outboxChangeSet(limit: 10)?.events.last)
        #expect(event.hlc.wall == Instant.date(2026, 11, 1).millis + 60_000)
    }

    @Test("the tolerance is the node's to set: a minute's offset counts at a 30-second tolerance")
    func configuredTolerance() async throws {
        let fixture = try NodeFixture()
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let strict = NodeService(
            database: fixture.service.database, clock: { Instant.date(2026, 11, 1).millis + 60_000 },
            clockTolerance: 30_000)
        try await strict.recordHubClock(offset: -60_000)
        #expect(strict.clockSkewed && !fixture.service.clockSkewed)
        try await strict.registerCustomer(Customer(id: "C-9"), staff: "desk")
        let event = try #require(try await strict.outboxChangeSet(limit: 10)?.events.last)
        #expect(event.hlc.wall == Instant.date(2026, 11, 1).millis, "dated by the hub's clock")
    }
}
