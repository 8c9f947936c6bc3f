import Foundation
import HubStore
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// A new node's first `node sync --once` loads the hub's snapshot over HTTP (real processes on
/// loopback) instead of paging the feed from 0, then pulls what came after.
@Suite("bootstrap end to end", .serialized)
struct BootstrapTests {
    @Test(
        "a new node bootstraps from the snapshot, prints progress, verifies, and equals a node that paged")
    func newNodeBootstraps() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 30)
        try await f.seedCatalog(b, sku: "MUG-2", stock: 5)
        for i in 1...6 { try await f.recordSale(a, id: "S-A-\(i)", quantity: 1) }
        try await f.createReturn(a, sale: "S-A-1")
        try await f.syncUntilQuiet([a, b])

        // A second node of store S-A joins.
        let fresh = try await f.addNode("A2", store: "S-A")
        let first = try await HubFixture.expectSuccess(["node", "sync", "--data", fresh.data, "--once", "--json"])
        let round = try JSONDecoder().decode(BootstrapRound.self, from: Data(first.stdout.utf8))
        #expect(round.bootstrapped > 0 && round.pulled == 0, "\(first)")
        #expect(first.stderr.contains("bootstrap:"), "progress on stderr: \(first.stderr)")
        #expect(first.stderr.contains("events loaded"), "\(first.stderr)")

        // More happens; the new node pulls it after its checkpoint.
        try await f.recordSale(b, id: "S-B-1", sku: "MUG-2", quantity: 1)
        try await f.sync(b)
        let second = try await f.sync(fresh)
        #expect(second.pulled == 1, "\(second)")

        // Compared with the hub's view and with a node of the same store that paged the feed.
        let held = try await f.nodeEvents(fresh)
        let relevant = try await f.relevantHubEvents(for: fresh)
        #expect(Set(held.map(\.dot)) == Set(relevant.map(\.dot)))
        #expect(ReplicaState.fold(held).digest == ReplicaState.fold(relevant).digest)
        #expect(
            !held.contains { $0.record.kind == .inventoryReceipt && $0.dot.node == b.nodeID },
            "S-B's goods-in stays at S-B")
        #expect(
            held.contains { $0.record.kind == .inventoryReceipt && $0.dot.node == a.nodeID }, "S-A's own goods-in comes"
        )
        let report = try await f.verifyNode(fresh)
        #expect(report.ok && report.mismatches.isEmpty, "node verify: \(report)")
        #expect(try await f.hubStatus(of: fresh.id)?.lag == 0)
    }
}

/// The fields of `node sync --once --json` this suite reads.
struct BootstrapRound: Decodable {
    var bootstrapped: Int
    var pulled: Int
    var checkpoint: UInt64
}
