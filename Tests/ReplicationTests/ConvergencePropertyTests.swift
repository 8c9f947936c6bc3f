import Replication
import ReturnsDomain
import Testing

/// The one law of the design: replicas holding the same set of events hold identical state,
/// whatever order the events arrived in and however often they were delivered.
@Suite struct ConvergencePropertyTests {
    static let cases = 1_000

    /// Builds a random history over 2–8 nodes that author from partial views and gossip.
    static func history(seed: UInt64) -> (events: [Event], nodes: Int) {
        var rng = SeededGenerator(seed: seed ^ 0xA5A5)
        let nodes = rng.int(2...8)
        var chain = SimulatedChain(nodeCount: nodes, seed: seed)
        for _ in 0..<rng.int(20...70) { chain.step() }
        return (chain.log, nodes)
    }

    /// Delivers `events` in a random order with random duplicates, in random batch sizes.
    static func deliver(_ events: [Event], rng: inout SeededGenerator) -> ReplicaState {
        var stream = events
        for _ in 0..<rng.int(0...events.count / 3 + 1) { if let e = rng.pick(events) { stream.append(e) } }
        stream.shuffle(using: &rng)
        var state = ReplicaState()
        var i = 0
        while i < stream.count {
            if rng.chance(50) {
                state.apply(stream[i])
                i += 1
            } else {
                let n = rng.int(1...8)
                state.apply(contentsOf: stream[i..<min(stream.count, i + n)])
                i += n
            }
        }
        return state
    }

    @Test("random histories split over 2–8 replicas, delivered in any order with duplicates, fold to identical state")
    func convergence() {
        var exceptionsSeen = Set<String>()
        for seed in 1...UInt64(Self.cases) {
            let (events, nodes) = Self.history(seed: seed)
            let reference = ReplicaState.fold(events)
            var rng = SeededGenerator(seed: seed &* 31)
            for r in 0..<min(nodes, 3) {
                let replica = Self.deliver(events, rng: &rng)
                #expect(replica == reference, "seed \(seed): replica differs from the reference fold")
                if r == 0 && seed % 10 == 0 { #expect(replica.digest == reference.digest, "seed \(seed)") }
                if replica != reference { return }
            }
            // Merging two halves (associativity): fold(A) then B's events equals fold(A ∪ B).
            let split = rng.int(0...events.count)
            var merged = ReplicaState.fold(events[..<split])
            merged.apply(contentsOf: events[split...].reversed())
            #expect(merged == reference, "seed \(seed): merge of halves differs")
            for e in reference.exceptions { exceptionsSeen.insert(e.code) }
        }
        // The generator must actually exercise the conflict rules, or the property proves little.
        for code in ["conflict.concurrentTransition", "return.overReturn", "conflict.concurrentEdit"] {
            #expect(exceptionsSeen.contains(code), "no random case produced \(code)")
        }
    }

    @Test("stock always equals the sum of the movements, and every journal entry balances")
    func stockIsTheSumOfMovements() {
        for seed in 1...UInt64(Self.cases) {
            let (events, _) = Self.history(seed: seed)
            let state = ReplicaState.fold(events)
            var sums: [StockKey: Int] = [:]
            for record in state.records.values {
                for m in record.contributions.movements {
                    for (k, d) in m.deltas { sums[k, default: 0] += d }
                }
            }
            #expect(sums.filter { $0.value != 0 } == state.stock, "seed \(seed)")
            #expect(state.journal.allSatisfy { $0.isBalanced }, "seed \(seed)")
            #expect(state.ledger.values.reduce(0, +) == 0, "seed \(seed): trial balance does not balance")
        }
    }

    @Test("every node converges to the same state after gossiping everything")
    func nodesConvergeAfterGossip() {
        for seed in 1...UInt64(200) {
            var rng = SeededGenerator(seed: seed)
            var chain = SimulatedChain(nodeCount: rng.int(2...6), seed: seed)
            for _ in 0..<rng.int(20...60) { chain.step() }
            for _ in 0..<2 {
                for a in 0..<chain.nodes.count { for b in 0..<chain.nodes.count where a != b { chain.gossip(a, b) } }
            }
            let first = chain.nodes[0].state
            for node in chain.nodes.dropFirst() { #expect(node.state == first, "seed \(seed)") }
            #expect(first == ReplicaState.fold(chain.log), "seed \(seed)")
        }
    }
}
