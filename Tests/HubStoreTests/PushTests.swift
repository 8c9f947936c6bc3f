import HubStore
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// Push semantics (DESIGN §5): atomic and durable, duplicates are no-ops, gaps and dot conflicts
/// are refused with nothing written, the author comes from the credential.
@Suite struct PushTests {
    /// A hub with store nodes S-A-1 and S-B-1 and a head-office observer that sees the whole feed.
    static func hub(_ backend: HubBackend) async throws -> HubHandle {
        let hub = try await backend.makeHub()
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        try await hub.store.enroll([("HQ-1", nil)], role: .headOffice)
        return hub
    }

    @Test("an accepted change set advances acked and each event gets the next hub seq", arguments: HubBackend.all)
    func happyPath(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        let epoch = try await hub.store.epoch()
        let first = a.sales(3)
        let fromB = b.sales(2)
        let second = a.sales(2)

        #expect(
            try await hub.store.push(ChangeSet(first), from: "S-A-1", now: Fixtures.t0 + 1)
                == PushReceipt(acked: 3, applied: 3, duplicates: 0, epoch: epoch))
        #expect(
            try await hub.store.push(ChangeSet(fromB), from: "S-B-1", now: Fixtures.t0 + 2)
                == PushReceipt(acked: 2, applied: 2, duplicates: 0, epoch: epoch))
        #expect(
            try await hub.store.push(ChangeSet(second), from: "S-A-1", now: Fixtures.t0 + 3)
                == PushReceipt(acked: 5, applied: 2, duplicates: 0, epoch: epoch))

        let feed = try await hub.store.pullAll(for: "HQ-1").events
        #expect(feed.map(\.hubSeq) == Array(1...7), "hub seqs follow commit order without holes")
        #expect(feed.map(\.event) == first + fromB + second)
        let statusA = try #require(try await hub.store.status(of: "S-A-1"))
        #expect(statusA.acked == 5 && statusA.lastPushAt == Fixtures.t0 + 3 && statusA.lastPullAt == nil)
        #expect(try await hub.store.status(of: "S-B-1")?.acked == 2)
        #expect(try await hub.store.verify().isOK)
    }

    @Test("the same change set again is a no-op with the same acknowledgement", arguments: HubBackend.all)
    func duplicate(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        let changeSet = ChangeSet(a.sales(3))
        let first = try await hub.store.push(changeSet, from: "S-A-1", now: Fixtures.t0)
        let again = try await hub.store.push(changeSet, from: "S-A-1", now: Fixtures.t0 + 1)

        #expect(again.acked == first.acked && again.epoch == first.epoch)
        #expect(again.applied == 0 && again.duplicates == 3)
        #expect(try await hub.store.eventCount() == 3)
        #expect(try await hub.store.pullAll(for: "HQ-1").events.map(\.hubSeq) == [1, 2, 3], "no new feed entries")
    }

    @Test("a change set overlapping what the hub holds applies only the new events", arguments: HubBackend.all)
    func overlapping(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        let events = a.sales(5)
        _ = try await hub.store.push(ChangeSet(events[0..<3]), from: "S-A-1", now: Fixtures.t0)
        let receipt = try await hub.store.push(ChangeSet(events[1..<5]), from: "S-A-1", now: Fixtures.t0)

        #expect(receipt.acked == 5 && receipt.applied == 2 && receipt.duplicates == 2)
        #expect(try await hub.store.pullAll(for: "HQ-1").events.map(\.event) == events)
        #expect(try await hub.store.verify().isOK)
    }

    @Test(
        "a change set that leaves a gap is refused with the seq the hub expects, and nothing is written",
        arguments: HubBackend.all)
    func gap(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        let events = a.sales(5)
        let notFromOne = await expectHubError(HubError.Code.gap) {
            _ = try await hub.store.push(ChangeSet(events[1..<3]), from: "S-A-1", now: Fixtures.t0)
        }
        #expect(notFromOne?.expectedSeq == 1)

        _ = try await hub.store.push(ChangeSet(events[0..<2]), from: "S-A-1", now: Fixtures.t0)
        let skipping = await expectHubError(HubError.Code.gap) {
            _ = try await hub.store.push(ChangeSet(events[3..<5]), from: "S-A-1", now: Fixtures.t0 + 9)
        }
        #expect(skipping?.expectedSeq == 3)

        #expect(try await hub.store.eventCount() == 2)
        let status = try #require(try await hub.store.status(of: "S-A-1"))
        #expect(status.acked == 2 && status.lastPushAt == Fixtures.t0)
        #expect(try await hub.store.pullAll(for: "HQ-1").events.count == 2)
        #expect(
            try await hub.store.push(ChangeSet(events[2..<5]), from: "S-A-1", now: Fixtures.t0).acked == 5,
            "the expected seq is accepted")
    }

    @Test(
        "the same dot with different content refuses the whole change set, writes nothing and records an incident",
        arguments: HubBackend.all)
    func dotConflict(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        let events = a.sales(4)
        _ = try await hub.store.push(ChangeSet(events[0..<2]), from: "S-A-1", now: Fixtures.t0)

        // A clone (or a node restored from an old backup) wrote another #2 and goes on to #3.
        var clone = events[1]
        clone.staff = "someone-else"
        let offered = [events[0], clone, events[2]]
        let at = Fixtures.t0 + 60_000
        await expectHubError(HubError.Code.dotConflict) {
            _ = try await hub.store.push(ChangeSet(offered), from: "S-A-1", now: at)
        }

        #expect(try await hub.store.eventCount() == 2, "not even the new #3 was stored")
        #expect(try await hub.store.status(of: "S-A-1")?.acked == 2)
        #expect(
            try await hub.store.pullAll(for: "HQ-1").events.map(\.event) == Array(events[0..<2]),
            "the hub keeps the first history")
        let incidents = try await hub.store.incidents()
        #expect(incidents.count == 1)
        let incident = try #require(incidents.first)
        #expect(incident.code == HubError.Code.dotConflict && incident.node == "S-A-1" && incident.dot == clone.dot)
        #expect(incident.firstSeenAt == at && incident.lastSeenAt == at && incident.occurrences == 1)
        #expect(incident.offeredDigest == HubIncident.digest(of: clone))

        // The clone retrying is the same incident seen again; another different history is another.
        await expectHubError(HubError.Code.dotConflict) {
            _ = try await hub.store.push(ChangeSet(offered), from: "S-A-1", now: at + 1)
        }
        var third = events[1]
        third.staff = "a-third-history"
        await expectHubError(HubError.Code.dotConflict) {
            _ = try await hub.store.push(ChangeSet([third]), from: "S-A-1", now: at + 2)
        }
        let after = try await hub.store.incidents()
        #expect(after.count == 2)
        #expect(after.first { $0.offeredDigest == incident.offeredDigest }?.occurrences == 2)
        #expect(after.first { $0.offeredDigest == incident.offeredDigest }?.lastSeenAt == at + 1)

        // The real history carries on.
        #expect(try await hub.store.push(ChangeSet(events[1..<4]), from: "S-A-1", now: at).acked == 4)
        #expect(try await hub.store.verify().isOK)
    }

    @Test(
        "a change set naming another author is refused: the author comes from the credential", arguments: HubBackend.all
    )
    func forgedAuthor(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        let fromB = b.sales(2)
        // B's events pushed under A's credential.
        await expectHubError(HubError.Code.forgedAuthor) {
            _ = try await hub.store.push(ChangeSet(fromB), from: "S-A-1", now: Fixtures.t0)
        }
        // A change set claiming A but carrying an event of B.
        let mixed = ChangeSet(node: "S-A-1", events: [a.sale(), fromB[1]])
        await expectHubError(HubError.Code.forgedAuthor) {
            _ = try await hub.store.push(mixed, from: "S-A-1", now: Fixtures.t0)
        }
        #expect(try await hub.store.eventCount() == 0)
        #expect(try await hub.store.status(of: "S-A-1")?.acked == 0)
        #expect(try await hub.store.status(of: "S-B-1")?.acked == 0)
    }

    @Test("a change set over 1,000 events is refused; 1,000 is accepted", arguments: HubBackend.all)
    func oversized(backend: HubBackend) async throws {
        let hub = try await Self.hub(backend)
        defer { hub.remove() }
        var a = Author("S-A-1", store: "S-A")
        let events = a.sales(PushPlan.maxEvents + 1)
        await expectHubError(HubError.Code.changeSetTooLarge) {
            _ = try await hub.store.push(ChangeSet(events), from: "S-A-1", now: Fixtures.t0)
        }
        #expect(try await hub.store.eventCount() == 0)
        await expectHubError("sync.emptyChangeSet") {
            _ = try await hub.store.push(ChangeSet(node: "S-A-1", events: []), from: "S-A-1", now: Fixtures.t0)
        }

        let receipt = try await hub.store.push(
            ChangeSet(events.prefix(PushPlan.maxEvents)), from: "S-A-1", now: Fixtures.t0)
        #expect(receipt.acked == 1_000 && receipt.applied == 1_000)
    }
}
