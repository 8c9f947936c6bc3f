import Foundation
import HubStore
import HubTesting
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

/// Bootstrap from a snapshot (Protocol/sync.md §4): what the hub hands out, and a node loading it.
@Suite struct SnapshotTests {
    /// Three stores and head office with company-wide and store-private events.
    static func company(_ hub: any HubStore) async throws -> [Event] {
        try await hub.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B"), ("S-A-9", "S-A")])
        try await hub.enroll([("HQ-1", nil)], role: .headOffice)
        var a = Author("S-A-1", store: "S-A")
        var b = Author("S-B-1", store: "S-B")
        var hq = Author("HQ-1", store: "HQ")
        let pushed: [[Event]] = [
            [hq.product("SKU-1"), hq.product("SKU-2")],
            [a.receipt(), a.reorderPoint(), a.sale()] + a.repair("RO-S-A-1") + a.sales(3),
            [b.receipt(), b.sale(), b.reorderPoint()] + b.repair("RO-S-B-1") + b.sales(2),
        ]
        for events in pushed {
            _ = try await hub.push(ChangeSet(events), from: events[0].dot.node, now: Fixtures.t0)
        }
        return pushed.flatMap { $0 }
    }

    @Test(
        "a snapshot hands out what a pull from 0 gives, store-private rule included, then its checkpoint",
        arguments: HubBackend.all)
    func sameAsPullFromZero(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        let all = try await Self.company(hub.store)

        let snapshot = try await hub.store.snapshot(for: "S-A-9", now: Fixtures.t0)
        #expect(snapshot.epoch == (try await hub.store.epoch()))
        let (events, checkpoint) = try await snapshot.collect()
        #expect(try await snapshot.next() == nil, "nothing after the end")
        let pulled = try await hub.store.pullAll(for: "S-A-9", limit: 4)
        #expect(events == pulled.events.map(\.event), "same events, same (hub sequence) order")
        #expect(checkpoint == pulled.checkpoint && checkpoint == UInt64(all.count))
        if let expected = snapshot.expectedEvents { #expect(expected == events.count) }
        // Store-private: S-A's goods-in and repair come, S-B's do not; nothing S-A-9 authored.
        #expect(events.contains { $0.record.kind == .inventoryReceipt && $0.dot.node == "S-A-1" })
        #expect(!events.contains { $0.dot.node == "S-B-1" && FeedRelevance.storePrivateKinds.contains($0.record.kind) })
        #expect(events.contains { $0.record == .repairOrder("RO-S-A-1") })
        #expect(!events.contains { $0.record == .repairOrder("RO-S-B-1") })
        // Head office receives everything but its own.
        let office = try await hub.store.snapshot(for: "HQ-1", now: Fixtures.t0).collect()
        #expect(office.events == all.filter { $0.dot.node != "HQ-1" })
        #expect(
            try await hub.store.status(of: "S-A-9")?.pulledCheckpoint == checkpoint, "the snapshot counts as a pull")
    }

    @Test(
        "pushes while a snapshot is read land either in it or after its checkpoint, never both, never neither",
        arguments: HubBackend.all)
    func consistentWhilePushing(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        _ = try await Self.company(hub.store)
        var more = Author("S-B-1", store: "S-B")
        for _ in 0..<7 { _ = more.sale() }  // S-B-1 already pushed 7 events

        let snapshot = try await hub.store.snapshot(for: "S-A-9", now: Fixtures.t0)
        var events: [Event] = []
        var checkpoint: UInt64?
        var round = 0
        while let part = try await snapshot.next() {
            // Other stores push between batches.
            round += 1
            _ = try await hub.store.push(ChangeSet(more.sales(3)), from: "S-B-1", now: Fixtures.t0)
            switch part {
            case .events(let bodies): events += try bodies.map { try JSONDecoder().decode(Event.self, from: $0) }
            case .end(let c): checkpoint = c
            }
        }
        let after = try await hub.store.pullAll(for: "S-A-9", after: try #require(checkpoint), limit: 5)
        let everything = try await hub.store.pullAll(for: "S-A-9", limit: 1_000)
        #expect(Set(events.map(\.dot)).isDisjoint(with: after.events.map(\.event.dot)))
        #expect(events + after.events.map(\.event) == everything.events.map(\.event))
        if backend == .sqlite {
            #expect(checkpoint == 17, "one read transaction: the head when the snapshot was taken")
            #expect(after.events.count == 3 * round)
        }
    }

    @Test("an unknown or revoked node gets no snapshot", arguments: HubBackend.all)
    func refused(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        _ = try await Self.company(hub.store)
        await expectHubError(HubError.Code.unknownNode) {
            _ = try await hub.store.snapshot(for: "X-1", now: Fixtures.t0)
        }
        try await hub.store.revoke(node: "S-A-9")
        await expectHubError(HubError.Code.revoked) { _ = try await hub.store.snapshot(for: "S-A-9", now: Fixtures.t0) }
    }

    @Test(
        "a node bootstrapped from a snapshot, then pulling, equals a node that pulled everything from 0",
        arguments: HubBackend.all, 1...2)
    func bootstrapEqualsPull(backend: HubBackend, seed: Int) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        let clock = SimulationClock()
        let nodes = try [("S-A-1", "S-A"), ("S-B-1", "S-B")].map {
            try SimulatedNode(NodeID($0.0), store: StoreID($0.1), clock: clock)
        }
        for node in nodes {
            try await hub.store.enroll(
                node: node.id, store: node.store, role: .storeNode, secretHash: "h-\(node.id)", now: clock.tick())
        }
        var work = DeskWorkload(seed: seed)
        let (a, b) = (nodes[0], nodes[1])
        for sku in ["SKU-1", "SKU-2"] as [SKU] { try await a.service.defineProduct(Fixtures.product(sku), staff: "hq") }
        for customer in DeskWorkload.customers {
            try await a.service.registerCustomer(Customer(id: customer, phone: "555-\(customer)"), staff: "hq")
        }
        try await a.push(to: hub.store, from: 1, maxChunk: 50, rng: &work.rng, now: clock.tick())
        try await b.pullAll(from: hub.store, limit: 50, now: clock.tick())
        for node in nodes {
            try await node.service.receiveInventory(sku: "SKU-1", quantity: 40, unitCost: nil, vendor: nil, staff: "wh")
        }
        for round in 0..<2 {
            for _ in 0..<60 { try await work.step(at: nodes[work.rng.int(0...1)]) }
            for node in nodes {
                try await node.push(
                    to: hub.store, from: node.acked + 1, maxChunk: 20, rng: &work.rng, now: clock.tick())
                try await node.pullAll(from: hub.store, limit: 30, now: clock.tick())
            }
            if round == 0 {
                // New nodes of store S-A join: one from the snapshot, one paging from 0, one the
                // slow way (EventLog.receive event by event). The bootstrapped one recorded a
                // customer of its own first, who is also known company-wide: its own event and
                // the snapshot's are folded together.
                for (id, secret) in [("S-A-2", "boot"), ("S-A-3", "paged"), ("S-A-4", "slow")] {
                    try await hub.store.enroll(
                        node: NodeID(id), store: "S-A", role: .storeNode, secretHash: secret, now: clock.tick())
                }
            }
        }
        let boot = try SimulatedNode("S-A-2", store: "S-A", clock: clock)
        try await boot.service.registerCustomer(Customer(id: "C-1", name: "Ann", phone: "555-1"), staff: "desk")
        #expect(try await boot.service.canBootstrap())
        let snapshot = try await hub.store.snapshot(for: boot.id, now: clock.tick())
        let progress = ProgressLines()
        let load = try await boot.service.loadSnapshot(
            epoch: snapshot.epoch, expectedEvents: snapshot.expectedEvents,
            next: {
                try await snapshot.next().map {
                    switch $0 {
                    case .events(let bodies): SnapshotPart.events(bodies)
                    case .end(let checkpoint): SnapshotPart.end(checkpoint: checkpoint, events: nil)
                    }
                }
            },
            progress: { progress.add($0) })
        #expect(load.events > 20 && load.epoch == snapshot.epoch, "\(load)")
        #expect(progress.phases.last == .done && progress.phases.contains(.projections))
        #expect(try await !boot.service.canBootstrap())
        #expect(
            try await boot.service.syncCheckpoint()
                == SyncCheckpoint(checkpoint: load.checkpoint, epoch: snapshot.epoch))
        boot.checkpoint = load.checkpoint

        // More work after the snapshot; everyone pulls.
        for _ in 0..<40 { try await work.step(at: nodes[work.rng.int(0...1)]) }
        for node in nodes {
            try await node.push(to: hub.store, from: node.acked + 1, maxChunk: 20, rng: &work.rng, now: clock.tick())
        }
        try await boot.push(to: hub.store, from: 1, maxChunk: 5, rng: &work.rng, now: clock.tick())
        try await boot.pullAllApplying(from: hub.store, limit: 25)
        let paged = try SimulatedNode("S-A-3", store: "S-A", clock: clock)
        try await paged.pullAllApplying(from: hub.store, limit: 7)
        let slow = try SimulatedNode("S-A-4", store: "S-A", clock: clock)
        try await slow.pullAll(from: hub.store, limit: 13, now: clock.tick())

        let hubEvents = try await hub.store.allEvents(observer: "HQ-observer")
        func relevant(to node: NodeID) -> [Event] {
            hubEvents.filter { e in
                let scope = FeedRelevance.scope(of: e, recordStore: Self.repairStore(e, hubEvents), authorStore: nil)
                return FeedRelevance.isRelevant(author: e.dot.node, scope: scope, to: node, store: "S-A")
            }
        }
        let bootHeld = try await boot.heldEvents()
        let pagedHeld = try await paged.heldEvents()
        let slowHeld = try await slow.heldEvents()
        #expect(Set(bootHeld.filter { $0.dot.node != boot.id }) == Set(relevant(to: boot.id)))
        #expect(Set(pagedHeld) == Set(relevant(to: paged.id)))
        // Each holds what its store receives plus its own: the same set for all three.
        #expect(Set(bootHeld) == Set(pagedHeld))
        #expect(Set(slowHeld) == Set(pagedHeld))
        let digest = ReplicaState.fold(pagedHeld).digest
        #expect(ReplicaState.fold(bootHeld).digest == digest)
        #expect(ReplicaState.fold(slowHeld).digest == digest)
        for node in [boot, paged, slow] {
            let report = try node.service.database.verify()
            #expect(report.isOK, "node verify \(node.id): \(report.mismatches.prefix(5))")
        }
        // Projections equal table by table (verify compares each with the fold; here node to node).
        let pagedStock = try await paged.service.read { try $0.stock() }
        #expect(pagedStock == (try await slow.service.read { try $0.stock() }))
        #expect(try await paged.service.read { try $0.ledger() } == (try await slow.service.read { try $0.ledger() }))
    }

    @Test("a node that has pulled before, or a snapshot cut short, loads nothing", arguments: [HubBackend.sqlite])
    func refusesAndRollsBack(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        _ = try await Self.company(hub.store)
        let clock = SimulationClock()
        let node = try SimulatedNode("S-A-9", store: "S-A", clock: clock)
        let snapshot = try await hub.store.snapshot(for: node.id, now: Fixtures.t0)
        var parts: [SnapshotPart] = []
        while let part = try await snapshot.next() {
            switch part {
            case .events(let bodies): parts.append(.events(bodies))
            case .end(let checkpoint): parts.append(.end(checkpoint: checkpoint, events: nil))
            }
        }
        func source(_ parts: [SnapshotPart]) -> @Sendable () async throws -> SnapshotPart? {
            let queue = PartQueue(parts)
            return { queue.next() }
        }
        // No end: rolled back.
        do {
            _ = try await node.service.loadSnapshot(
                epoch: snapshot.epoch, expectedEvents: nil, next: source(Array(parts.dropLast())))
            Issue.record("a snapshot without its end was loaded")
        } catch let error as NodeStoreError {
            #expect(error.code == "sync.truncatedSnapshot")
        }
        // Fewer events than announced: rolled back.
        do {
            _ = try await node.service.loadSnapshot(epoch: snapshot.epoch, expectedEvents: 999, next: source(parts))
            Issue.record("a snapshot with a wrong count was loaded")
        } catch let error as NodeStoreError {
            #expect(error.code == "sync.truncatedSnapshot")
        }
        #expect(try await node.heldEvents().isEmpty)
        #expect(try await node.service.canBootstrap())
        let load = try await node.service.loadSnapshot(epoch: snapshot.epoch, expectedEvents: nil, next: source(parts))
        #expect(load.events == (try await node.heldEvents().count))
        do {
            _ = try await node.service.loadSnapshot(epoch: snapshot.epoch, expectedEvents: nil, next: source(parts))
            Issue.record("a second snapshot was loaded")
        } catch let error as NodeStoreError {
            #expect(error.code == "sync.notFresh")
        }
        #expect(try node.service.database.verify().isOK)
    }

    static func repairStore(_ e: Event, _ all: [Event]) -> StoreID? {
        guard e.record.kind == .repairOrder else { return nil }
        for other in all where other.record == e.record {
            if case .repairOpened(let order) = other.payload { return order.store }
        }
        return nil
    }
}

/// The progress reports a load gave, in order.
final class ProgressLines: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [SnapshotLoadProgress] = []
    func add(_ p: SnapshotLoadProgress) { lock.withLock { reports.append(p) } }
    var phases: [SnapshotLoadProgress.Phase] { lock.withLock { reports.map(\.phase) } }
}

/// Hands out prepared parts one by one.
final class PartQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var parts: [SnapshotPart]
    init(_ parts: [SnapshotPart]) { self.parts = parts }
    func next() -> SnapshotPart? { lock.withLock { parts.isEmpty ? nil : parts.removeFirst() } }
}

extension SimulatedNode {
    /// Pulls pages and applies them the way the sync agent does (`applyPulled`, page and
    /// checkpoint in one transaction).
    func pullAllApplying(from hub: any HubStore, limit: Int) async throws {
        while true {
            let page = try await hub.pull(for: id, after: checkpoint, limit: limit, now: Fixtures.t0)
            _ = try await service.applyPulled(page.events.map(\.event), checkpoint: page.checkpoint, epoch: page.epoch)
            checkpoint = page.checkpoint
            if !page.more { return }
        }
    }
}

extension HubStore {
    /// Every event the hub holds, through a head-office node enrolled for the purpose (it
    /// authors nothing, so it receives everything).
    func allEvents(observer: NodeID) async throws -> [Event] {
        try await enroll(
            node: observer, store: nil, role: .headOffice, secretHash: "observer-\(observer)", now: Fixtures.t0)
        return try await pullAll(for: observer, limit: 1_000).events.map(\.event)
    }
}
