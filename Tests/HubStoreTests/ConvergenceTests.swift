import HubStore
import HubTesting
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// The law of DESIGN §3 across the hub: after every node's events reach the hub in whatever
/// order, the hub's projections are the fold of those events, and every node that takes in what
/// it pulls holds the fold of its events.
@Suite struct ConvergenceTests {
    @Test(
        "three real nodes working and syncing in random order: the hub verifies and equals the fold of all events",
        arguments: HubBackend.all, 1...3)
    func threeNodes(backend: HubBackend, seed: Int) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        let clock = SimulationClock()
        let nodes = try [("S-A-1", "S-A"), ("S-B-1", "S-B"), ("S-C-1", "S-C")].map {
            try SimulatedNode(NodeID($0.0), store: StoreID($0.1), clock: clock)
        }
        let headOffice = try SimulatedNode("HQ-1", store: "HQ", clock: clock)
        for node in nodes {
            try await hub.store.enroll(
                node: node.id, store: node.store, role: .storeNode, secretHash: "h-\(node.id)", now: clock.tick())
        }
        try await hub.store.enroll(
            node: headOffice.id, store: nil, role: .headOffice, secretHash: "h-hq", now: clock.tick())
        var work = DeskWorkload(seed: seed)
        let (a, b, c) = (nodes[0], nodes[1], nodes[2])

        // Catalog and customers from A; every store receives goods and sets a reorder point.
        for sku in ["SKU-1", "SKU-2"] as [SKU] { try await a.service.defineProduct(Fixtures.product(sku), staff: "hq") }
        for customer in DeskWorkload.customers {
            try await a.service.registerCustomer(Customer(id: customer, phone: "555-\(customer)"), staff: "hq")
        }
        try await a.push(to: hub.store, from: 1, maxChunk: 3, rng: &work.rng, now: clock.tick())
        for node in nodes {
            try await node.pullAll(from: hub.store, limit: 2, now: clock.tick())
            for sku in ["SKU-1", "SKU-2"] as [SKU] {
                try await node.service.receiveInventory(sku: sku, quantity: 30, unitCost: nil, vendor: nil, staff: "wh")
                try await node.service.setReorderPoint(sku: sku, minimum: 5, staff: "wh")
            }
        }
        // A certain over-return: B and C both take back A's one-unit sale while offline from each other.
        let single = try await work.sale(at: a, quantity: 1)
        try await a.push(to: hub.store, from: a.acked + 1, maxChunk: 50, rng: &work.rng, now: clock.tick())
        for node in [b, c] {
            try await node.pullAll(from: hub.store, limit: 5, now: clock.tick())
            _ = try await work.openReturn(at: node, sale: single, quantity: 1)
        }

        // Desk work with occasional syncs, some of which re-send what the hub already holds.
        for _ in 0..<150 {
            let node = nodes[work.rng.int(0...2)]
            if work.rng.chance(6) {
                let from = node.acked > 2 && work.rng.chance(3) ? node.acked - 2 : node.acked + 1
                try await node.push(to: hub.store, from: from, maxChunk: 4, rng: &work.rng, now: clock.tick())
                try await node.pullAll(from: hub.store, limit: work.rng.int(1...7), now: clock.tick())
            } else {
                try await work.step(at: node)
            }
        }
        #expect(work.done > 60, "the workload must mostly succeed (\(work.done) done, \(work.refused) refused)")

        // Whatever each node still holds back, pushed interleaved across nodes in random order,
        // with some change sets that skip ahead (refused) or repeat (no-ops) on the way.
        var pending = try await nodes.asyncMap { try await $0.ownEvents() }
        while let i = pending.indices.filter({ UInt64(pending[$0].count) > nodes[$0].acked }).randomElement(
            using: &work.rng)
        {
            let node = nodes[i]
            let next = Int(node.acked)
            if work.rng.chance(5) && pending[i].count > next + 1 {
                let skipping = ChangeSet(pending[i][(next + 1)...].prefix(3))
                let error = await expectHubError(HubError.Code.gap) {
                    _ = try await hub.store.push(skipping, from: node.id, now: clock.tick())
                }
                #expect(error?.expectedSeq == node.acked + 1)
                continue
            }
            let start = next > 0 && work.rng.chance(4) ? next - 1 : next
            let chunk = ChangeSet(pending[i][start...].prefix(work.rng.int(1...6)))
            let receipt = try await hub.store.push(chunk, from: node.id, now: clock.tick())
            #expect(receipt.acked == chunk.lastSeq)
            node.acked = receipt.acked
        }
        pending = try await nodes.asyncMap { try await $0.ownEvents() }
        let all = pending.flatMap { $0 }
        let expected = ReplicaState.fold(all)

        // The hub: verified, and its state is the fold of every event.
        let report = try await hub.store.verify()
        #expect(report.isOK, "\(report.mismatches.prefix(5))")
        #expect(report.events == all.count && report.feed == all.count)
        let state = try await hub.store.state()
        let stock = try await state.stock(sku: nil, store: nil)
        #expect(Dictionary(uniqueKeysWithValues: stock.map { ($0.key, $0.quantity) }) == expected.stock)
        #expect(!expected.exceptions.isEmpty)
        #expect(try await state.exceptions() == expected.exceptions)
        #expect(try await state.ledger() == expected.ledger)
        #expect(try await state.journal(store: nil) == expected.journal)
        #expect(try await state.journal(store: "S-B") == expected.journal.filter { $0.store == "S-B" })
        for id in work.returns { #expect(try await state.returnOrder(id) == expected.returnOrder(id), "\(id)") }
        for customer in DeskWorkload.customers {
            let history = try await state.customerHistory(customer)
            #expect(history.returns == expected.returnHistory(of: customer), "\(customer)")
            #expect(history.details == expected.records[.customer(customer)]?.customer)
        }
        for sale in work.sales {
            #expect(try await state.sale(sale) == expected.sale(sale))
            #expect(
                try await state.returnableQuantities(of: sale) == [1: expected.returnableQuantity(sale: sale, line: 1)],
                "\(sale)")
        }
        #expect(try await state.products().map(\.sku) == ["SKU-1", "SKU-2"])
        let allReturns = try await state.returns(store: nil, status: nil, limit: 10_000)
        #expect(Set(allReturns.compactMap { $0.request?.id }) == Set(work.returns))

        // Every node pulls the rest and converges: it holds exactly its own events and the
        // relevant ones of others, and its projections are their fold.
        let authorStore = Dictionary(uniqueKeysWithValues: nodes.map { ($0.id, $0.store) })
        for node in nodes + [headOffice] {
            try await node.pullAll(from: hub.store, limit: work.rng.int(3...40), now: clock.tick())
            let held = try await node.heldEvents()
            let store: StoreID? = node === headOffice ? nil : node.store
            let relevant = all.filter { e in
                e.dot.node == node.id
                    || FeedRelevance.isRelevant(
                        author: e.dot.node,
                        scope: FeedRelevance.scope(
                            of: e, recordStore: expected.records[e.record]?.repair?.order?.store,
                            authorStore: authorStore[e.dot.node]),
                        to: node.id, store: store)
            }
            #expect(Set(held.map(\.dot)) == Set(relevant.map(\.dot)), "\(node.id)")
            let nodeReport = try node.service.database.verify()
            #expect(nodeReport.isOK, "\(node.id): \(nodeReport.mismatches.prefix(3))")
            let nodeStock = try await node.service.read { try $0.stock() }
            #expect(
                Dictionary(
                    uniqueKeysWithValues: nodeStock.map {
                        (StockKey(store: $0.store, location: $0.location, sku: $0.sku), $0.quantity)
                    }) == ReplicaState.fold(held).stock, "\(node.id)")
        }
        // Head office receives everything, so it holds the hub's state exactly.
        #expect(ReplicaState.fold(try await headOffice.heldEvents()) == expected)
        #expect(try await hub.store.syncStatus().allSatisfy { $0.lag == 0 })
    }

    @Test(
        "a node that takes in every page, some twice and all again from 0, holds the fold of what it was sent",
        arguments: HubBackend.all)
    func redeliveryConverges(backend: HubBackend) async throws {
        let hub = try await backend.makeHub()
        defer { hub.remove() }
        let clock = SimulationClock()
        try await hub.store.enroll([("S-A-1", "S-A"), ("S-B-1", "S-B"), ("S-C-1", "S-C")])
        var authors = [Author("S-A-1", store: "S-A"), Author("S-B-1", store: "S-B"), Author("S-C-1", store: "S-C")]
        var batches: [[Event]] = []
        for i in authors.indices {
            batches.append(
                [authors[i].product(SKU("SKU-\(i)")), authors[i].receipt(SKU("SKU-\(i)"))] + authors[i].sales(3))
            batches.append(
                [authors[i].reorderPoint(SKU("SKU-\(i)"))] + authors[i].repair(RepairOrderID("RO-\(i)"))
                    + authors[i].sales(2))
        }
        var rng = SeededRNG(state: 7)
        // Random order across authors, each author's batches in order.
        var next = [0, 0, 0]
        while let i = next.indices.filter({ next[$0] < 2 }).randomElement(using: &rng) {
            _ = try await hub.store.push(ChangeSet(batches[i * 2 + next[i]]), from: authors[i].node, now: clock.tick())
            next[i] += 1
        }

        let node = try SimulatedNode("S-B-1", store: "S-B", clock: clock)
        var checkpoint: UInt64 = 0
        var received: [Event] = []
        repeat {
            let page = try await hub.store.pull(for: node.id, after: checkpoint, limit: 2, now: clock.tick())
            try await node.take(page.events.map(\.event), now: clock.tick())
            if rng.chance(2) { try await node.take(page.events.map(\.event), now: clock.tick()) }
            received += page.events.map(\.event)
            checkpoint = page.checkpoint
            if !page.more { break }
        } while true
        let again = try await hub.store.pullAll(for: node.id, after: 0, limit: 3)
        try await node.take(again.events.map(\.event), now: clock.tick())
        #expect(again.events.map(\.event) == received)

        let held = try await node.heldEvents()
        #expect(held.allSatisfy { $0.dot.node != "S-B-1" })
        #expect(Set(held.map(\.dot)) == Set(received.map(\.dot)))
        #expect(
            !held.contains {
                $0.payload.kind == "inventory.received" || $0.payload.kind.hasPrefix("repair.")
                    || $0.payload.kind == "reorderPoint.set"
            })
        #expect(try node.service.database.verify().isOK)
        let stock = try await node.service.read { try $0.stock() }
        #expect(
            Dictionary(
                uniqueKeysWithValues: stock.map {
                    (StockKey(store: $0.store, location: $0.location, sku: $0.sku), $0.quantity)
                }) == ReplicaState.fold(received).stock)
    }
}

extension Sequence {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
