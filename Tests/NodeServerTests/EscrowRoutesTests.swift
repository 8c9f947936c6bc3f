import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// Escrow at the desk with no hub configured (DESIGN §4): returns against another store's sale go
/// against the store's risk budget; the hub side is tested in HubServerTests/EscrowTests.
@Suite("Escrow over the node API")
struct EscrowRoutesTests {
    /// Store S2's sale of `quantity` kettles, as the node receives it from the hub.
    static func receiveOtherStoresSale(_ node: NodeAPIFixture, _ id: SaleID, quantity: Int) async throws {
        let sale = Seed.sale(id, quantity: quantity, store: "S2")
        let event = Event(
            dot: Dot(node: "N2", seq: 1), record: .sale(id), context: VersionVector(),
            hlc: HLCTimestamp(wall: NodeAPIFixture.now - 60_000), staff: "till", payload: .saleRecorded(sale))
        _ = try await node.service.applyPulled([event], checkpoint: 1, epoch: "hub-epoch")
    }

    @Test("offline, another store's sale is taken back within the risk budget; over it is 409 and writes nothing")
    func riskBudget() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Self.receiveOtherStoresSale(node, "R-S2-1", quantity: 3)

            let initial = try await client.get("escrow")
            expectStatus(initial, .ok)
            let fresh = try initial.decode(EscrowStatus.self)
            #expect(
                fresh.riskBudget == Seed.money(Escrow.defaultRiskBudgetMinor) && fresh.used.minor == 0
                    && fresh.recent.isEmpty)

            let set = try await client.send(.put, "escrow/risk-budget", json: ["amount": Seed.money(150_00)])
            expectStatus(set, .ok)
            #expect(try set.decode(EscrowStatus.self).riskBudget == Seed.money(150_00))

            // A POS may leave `serials` out of a line that has none.
            let created = try await client.send(
                .post, "returns",
                raw:
                    #"{"sale": "R-S2-1", "lines": [{"saleLine": 1, "quantity": 1, "reason": "changedMind", "condition": "openedComplete"}]}"#
            )
            expectStatus(created, .created)
            let first = try created.decode(ReturnView.self)
            let status = try await client.get("escrow").decode(EscrowStatus.self)
            #expect(status.used == Seed.money(100_00) && status.available == Seed.money(50_00))
            #expect(status.recent.map(\.returnID) == [first.id] && status.recent[0].basis == .riskBudget)
            #expect(status.recent[0].acknowledged == false)
            let metrics = try await client.get("metrics").text
            #expect(metrics.contains("returnsync_node_risk_budget_minor 15000"), "\(metrics)")
            #expect(metrics.contains("returnsync_node_risk_budget_used_minor 10000"), "\(metrics)")

            try await node.expectNothingWritten {
                let over = try await client.send(.post, "returns", json: Seed.returnOf("R-S2-1"))
                expectProblem(over, .conflict, "escrow.budgetExhausted")
                #expect(over.text.contains("risk budget"))
            }
            // The store's own sales need no budget.
            try await Seed.record(Seed.sale("R-S1-1"), client)
            _ = try await Seed.open(Seed.returnOf("R-S1-1"), client)
            #expect(try await client.get("escrow").decode(EscrowStatus.self).recent.count == 1)

            // Bad budgets are refused.
            expectProblem(
                try await client.send(.put, "escrow/risk-budget", json: ["amount": Money(100, Currency("USD"))]),
                .unprocessableContent, "money.currencyMismatch")
            expectProblem(
                try await client.send(.put, "escrow/risk-budget", json: ["amount": Seed.money(-1)]),
                .unprocessableContent, "input.negativeAmount")
            expectProblem(
                try await client.send(.put, "escrow/risk-budget", raw: "{\"amount\":"), .badRequest,
                "input.malformedJSON")

            // When the hub acknowledges the return, the budget is free again.
            try await node.service.acknowledge(through: UInt64.max >> 1)
            let after = try await client.get("escrow").decode(EscrowStatus.self)
            #expect(after.used.minor == 0 && after.recent.allSatisfy(\.acknowledged))
            _ = try await Seed.open(Seed.returnOf("R-S2-1"), client)
        }
    }
}
