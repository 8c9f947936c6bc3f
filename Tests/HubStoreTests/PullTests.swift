import HubStore
import HubTesting
import Replication
import ReturnsDomain
import Testing

/// The feed: hub-sequence order, pages, checkpoints, and what each node receives.
@Suite struct PullTests {
    @Test(
        "pages come in hub-seq order with `more`, and a checkpoint resumes where the last page ended",
        arguments: HubBackend.all)
    func pages(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        var a = Author("S-A-1", store: "S-A")
        let events = a.sales(5)
        _ = try await hub.store.push(ChangeSet(events), from: "S-A-1", now: Fixtures.t0)
        let epoch = try await hub.store.epoch()

        let p1 = try await hub.store.pull(for: "S-B-1", after: 0, limit: 2, now: Fixtures.t0 + 1)
        #expect(
            p1
                == PullPage(
                    epoch: epoch,
                    events: [FeedEvent(hubSeq: 1, event: events[0]), FeedEvent(hubSeq: 2, event: events[1])],
                    checkpoint: 2, more: true, acked: 0))
        let p2 = try await hub.store.pull(for: "S-B-1", after: p1.checkpoint, limit: 2, now: Fixtures.t0 + 2)
        #expect(p2.events.map(\.hubSeq) == [3, 4] && p2.checkpoint == 4 && p2.more)
        let p3 = try await hub.store.pull(for: "S-B-1", after: p2.checkpoint, limit: 2, now: Fixtures.t0 + 3)
        #expect(p3.events.map(\.event) == [events[4]] && p3.checkpoint == 5 && !p3.more)
        let empty = try await hub.store.pull(for: "S-B-1", after: p3.checkpoint, limit: 2, now: Fixtures.t0 + 4)
        #expect(empty == PullPage(epoch: epoch, events: [], checkpoint: 5, more: false, acked: 0))

        // Re-asking from an older checkpoint (a node restored from a backup) gets the same events.
        #expect(
            try await hub.store.pull(for: "S-B-1", after: 2, limit: 10, now: Fixtures.t0 + 5).events.map(\.hubSeq) == [
                3, 4, 5,
            ])

        // New events after the checkpoint come next.
        let more = a.sales(2)
        _ = try await hub.store.push(ChangeSet(more), from: "S-A-1", now: Fixtures.t0)
        #expect(
            try await hub.store.pull(for: "S-B-1", after: 5, limit: 10, now: Fixtures.t0 + 6).events.map(\.event)
                == more)
    }

    @Test(
        "a node gets every company-wide event of others, its own store's private records, and nothing it authored",
        arguments: HubBackend.all)
    func relevance(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-A-2", "S-A"), ("S-B-1", "S-B")])
        try await hub.store.enroll([("HQ-1", nil)], role: .headOffice)
        var a1 = Author("S-A-1", store: "S-A")
        var a2 = Author("S-A-2", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        var hq = Author("HQ-1", store: "HQ")
        let pushed: [[Event]] = [
            [hq.product("SKU-1")],
            [a1.receipt(), a1.reorderPoint(), a1.sale()] + a1.repair("RO-S-A-1"),
            [b.receipt(), b.sale(), b.reorderPoint()] + b.repair("RO-S-B-1"),
            [a2.sale(), a2.receipt()],
        ]
        for events in pushed {
            _ = try await hub.store.push(ChangeSet(events), from: events[0].dot.node, now: Fixtures.t0)
        }
        let all = pushed.flatMap { $0 }
        let repairStores: [String: StoreID] = ["RO-S-A-1": "S-A", "RO-S-B-1": "S-B"]

        func received(_ node: NodeID) async throws -> [Event] {
            try await hub.store.pullAll(for: node, limit: 3).events.map(\.event)
        }
        func kinds(_ events: [Event]) -> [String] { events.map { "\($0.dot.node)/\($0.payload.kind)" } }

        #expect(
            kinds(try await received("S-A-1")) == [
                "HQ-1/product.defined", "S-B-1/sale.recorded", "S-A-2/sale.recorded", "S-A-2/inventory.received",
            ])
        #expect(
            kinds(try await received("S-B-1")) == [
                "HQ-1/product.defined", "S-A-1/sale.recorded", "S-A-2/sale.recorded",
            ])
        #expect(
            try await received("HQ-1") == all.filter { $0.dot.node != "HQ-1" },
            "head office receives everything but its own")
        // The rule as FeedRelevance states it, for every node.
        for (node, store) in [("S-A-1", "S-A"), ("S-A-2", "S-A"), ("S-B-1", "S-B"), ("HQ-1", nil)]
            as [(NodeID, StoreID?)]
        {
            let expected = all.filter { e in
                let scope = FeedRelevance.scope(of: e, recordStore: repairStores[e.record.id], authorStore: nil)
                return FeedRelevance.isRelevant(author: e.dot.node, scope: scope, to: node, store: store)
            }
            #expect(try await received(node) == expected, "\(node)")
        }
    }

    @Test(
        "the checkpoint moves past events a node does not receive, so it never rescans them", arguments: HubBackend.all)
    func checkpointSkipsIrrelevant(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        var a = Author("S-A-1", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        _ = try await hub.store.push(ChangeSet([b.sale()]), from: "S-B-1", now: Fixtures.t0)
        _ = try await hub.store.push(ChangeSet(a.sales(3)), from: "S-A-1", now: Fixtures.t0)
        _ = try await hub.store.push(ChangeSet([b.receipt()]), from: "S-B-1", now: Fixtures.t0)

        let page = try await hub.store.pull(for: "S-A-1", after: 0, limit: 10, now: Fixtures.t0)
        #expect(page.events.map(\.hubSeq) == [1])
        #expect(page.checkpoint == 5 && !page.more, "own events and B's goods received were considered too")
        #expect(try await hub.store.status(of: "S-A-1")?.lag == 0)
    }

    @Test("a checkpoint beyond the feed and a limit under 1 are refused", arguments: HubBackend.all)
    func badRequests(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        var a = Author("S-A-1", store: "S-A")
        _ = try await hub.store.push(ChangeSet(a.sales(2)), from: "S-A-1", now: Fixtures.t0)
        await expectHubError(HubError.Code.checkpointAhead) {
            _ = try await hub.store.pull(for: "S-B-1", after: 3, limit: 10, now: Fixtures.t0)
        }
        await expectHubError(HubError.Code.badLimit) {
            _ = try await hub.store.pull(for: "S-B-1", after: 0, limit: 0, now: Fixtures.t0)
        }
        let capped = try await hub.store.pull(for: "S-B-1", after: 0, limit: Int.max, now: Fixtures.t0)
        #expect(capped.events.count == 2 && !capped.more)
    }

    @Test("sync status shows acked, last push and pull, the pulled checkpoint and the lag", arguments: HubBackend.all)
    func status(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B")])
        var a = Author("S-A-1", store: "S-A")
        _ = try await hub.store.push(ChangeSet(a.sales(4)), from: "S-A-1", now: Fixtures.t0 + 10)
        _ = try await hub.store.pull(for: "S-B-1", after: 0, limit: 3, now: Fixtures.t0 + 20)

        #expect(
            try await hub.store.syncStatus() == [
                NodeSyncStatus(
                    node: "S-A-1", store: "S-A", role: .storeNode, acked: 4, lastPushAt: Fixtures.t0 + 10,
                    lastPullAt: nil, pulledCheckpoint: 0, lag: 4, revoked: false),
                NodeSyncStatus(
                    node: "S-B-1", store: "S-B", role: .storeNode, acked: 0, lastPushAt: nil,
                    lastPullAt: Fixtures.t0 + 20, pulledCheckpoint: 3, lag: 1, revoked: false),
            ])
    }
}
