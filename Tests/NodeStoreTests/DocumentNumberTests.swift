import Foundation
import NodeStore
import Replication
import ReturnsDomain
import Testing

@Suite struct DocumentNumberTests {
    static func returnOne(_ f: NodeFixture, sale: SaleID) async throws -> ReturnID {
        try await f.service.createReturn(
            CreateReturnCommand(
                sale: sale, lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]
            ),
            staff: f.staff
        ).id
    }

    /// The ids of the documents of `kind` that `node` authored, in the order it authored them.
    static func authored(_ f: NodeFixture, by node: NodeID, _ kind: RecordKind) async throws -> [String] {
        try await f.service.read { try $0.allEvents() }
            .filter { $0.dot.node == node && $0.record.kind == kind }
            .sorted { $0.dot.seq < $1.dot.seq }
            .map(\.record.id)
            .reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
    }

    @Test(
        "a store set up again under a new node id numbers its documents after the old node's, not after other stores'")
    func newIncarnationContinuesTheStoresNumbers() async throws {
        let old = try NodeFixture(store: "S-A", node: "S-A-old")
        let new = try NodeFixture(store: "S-A", node: "S-A-new")
        let other = try NodeFixture(store: "S-B", node: "S-B-1")
        defer { [old, new, other].forEach { $0.cleanUp() } }

        // The old node: three goods receipts (GR-S-A-000001…3), a sale, two returns.
        try await old.seedCatalog()
        _ = try await old.service.recordSale(old.sale("R-A-1", quantity: 3), staff: old.staff)
        #expect(try await Self.returnOne(old, sale: "R-A-1") == "RT-S-A-000001")
        #expect(try await Self.returnOne(old, sale: "R-A-1") == "RT-S-A-000002")
        // Another store numbers further: five goods receipts. Its numbers are its own.
        try await other.service.defineProduct(NodeFixture.product("SKU-9"), staff: other.staff)
        for _ in 0..<5 {
            try await other.service.receiveInventory(
                sku: "SKU-9", quantity: 1, unitCost: nil, vendor: nil, staff: other.staff)
        }

        // The new incarnation pulls everything (in two pages, as a real pull may) and goes on.
        let events = try await old.service.read { try $0.allEvents() } + other.service.read { try $0.allEvents() }
        let half = events.count / 2
        _ = try await new.service.applyPulled(Array(events[..<half]), checkpoint: UInt64(half), epoch: "e1")
        _ = try await new.service.applyPulled(Array(events[half...]), checkpoint: UInt64(events.count), epoch: "e1")
        #expect(try await Self.returnOne(new, sale: "R-A-1") == "RT-S-A-000003", "not RT-S-A-000001 again")
        try await new.service.receiveInventory(sku: "SKU-1", quantity: 1, unitCost: nil, vendor: nil, staff: new.staff)
        #expect(try await Self.authored(new, by: "S-A-new", .inventoryReceipt) == ["GR-S-A-000004"])

        // Pulling older numbers again never moves a counter back.
        _ = try await new.service.applyPulled(Array(events[..<half]), checkpoint: UInt64(events.count), epoch: "e1")
        try await new.service.receiveInventory(sku: "SKU-1", quantity: 1, unitCost: nil, vendor: nil, staff: new.staff)
        #expect(try await Self.authored(new, by: "S-A-new", .inventoryReceipt) == ["GR-S-A-000004", "GR-S-A-000005"])
        let report = try new.service.database.verify()
        #expect(report.isOK, "\(report.mismatches)")
    }
}
