import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

@Suite("The return workflow over the node API")
struct ReturnWorkflowTests {
    @Test("a split-tender sale is returned, graded B, refurbished, refunded to its tenders and closed")
    func fullWalk() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            let credit = StoreCreditAdjustmentBody(amount: Seed.money(50_00), memo: "gift card")
            expectStatus(try await client.send(.post, "customers/C1/store-credit", json: credit), .ok)
            expectStatus(try await client.send(.put, "policy", json: Seed.strictApproval), .ok)
            let tenders = [
                TenderPayment(tender: .card, amount: Seed.money(150_00)),
                TenderPayment(tender: .storeCredit, amount: Seed.money(50_00)),
            ]
            try await Seed.record(Seed.sale("S1-0001", tenders: tenders), client)
            #expect(
                try await client.get("customers/C1/store-credit").decode(StoreCreditBalance.self).balance.minor == 0)

            let created = try await client.send(.post, "returns", json: Seed.returnOf("S1-0001"))
            expectStatus(created, .created)
            let opened = try created.decode(ReturnView.self)
            #expect(created.headers[.location] == "/api/v1/returns/\(opened.id)")
            #expect(opened.status == .requested)
            #expect(opened.verdict?.decision == .needsApproval)
            #expect(opened.verdict?.codes == [PolicyReason.Code.approvalThreshold])
            let id = opened.id

            #expect(try await Seed.step(id, "approve", ApproveBody(note: "manager ok"), client).status == .approved)
            #expect(try await Seed.step(id, "receive", Empty(), client).status == .received)
            let pending = try await client.get("stock?sku=KETTLE").decode([StockRow].self)
            #expect(pending.first { $0.location == .pendingInspection }?.quantity == 1)
            let inspected = try await Seed.step(
                id, "inspect", InspectBody(grades: [LineGrade(line: 1, grade: .b, quantity: 1, notes: "scuffed")]),
                client)
            #expect(inspected.status == .inspected && inspected.grades.map(\.grade) == [.b])
            let refurbish = LineDisposition(
                line: 1, quantity: 1, disposition: .refurbish(unitValue: Seed.money(40_00), disclosure: "scuffed lid"))
            #expect(
                try await Seed.step(id, "dispose", DisposeBody(dispositions: [refurbish]), client).status == .disposed)
            let refunded = try await Seed.step(id, "refund", RefundBody(method: .originalTender), client)
            #expect(refunded.status == .refunded)
            let allocations = Dictionary(
                uniqueKeysWithValues: refunded.refunds.flatMap(\.allocations).map { ($0.tender, $0.amount.minor) })
            #expect(allocations == [.card: 75_00, .storeCredit: 25_00])

            let closeResponse = try await client.send(.post, "returns/\(id)/close", raw: nil, staff: "bob")
            expectStatus(closeResponse, .ok)
            let closed = try closeResponse.decode(ReturnView.self)
            #expect(closed.status == .closed)
            #expect(closed.steps.last?.staff == "bob")
            #expect(closed.steps.first?.staff == "alice")

            #expect(try await client.get("returns/\(id)").decode(ReturnView.self) == closed)
            #expect(try await client.get("returns?status=closed").decode([ReturnView].self).map(\.id) == [id])
            #expect(try await client.get("returns?status=approved").decode([ReturnView].self).isEmpty)
            #expect(try await client.get("returns").decode([ReturnView].self).count == 1)
            let stock = try await client.get("stock?sku=KETTLE&store=S1").decode([StockRow].self)
            #expect(stock.first { $0.location == .refurbished }?.quantity == 1)
            #expect(stock.first { $0.location == .sellable }?.quantity == 8)
            #expect(try await client.get("sales/S1-0001").decode(SaleView.self).lines.map(\.returnable) == [1])
            let history = try await client.get("customers/C1/history").decode(CustomerHistory.self)
            #expect(history.returns.map(\.id) == [id])
            #expect(history.storeCredit == [Seed.money(25_00)])
        }
    }

    @Test("an exchange takes a kettle back, hands out a toaster and settles the difference on card")
    func exchange() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0003", quantity: 1), client)
            let opened = try await Seed.open(Seed.returnOf("S1-0003", type: .exchange), client)
            #expect(opened.status == .approved)
            #expect(opened.verdict?.decision == .allow)
            let id = opened.id
            _ = try await Seed.step(id, "receive", ReceiveBody(trackingNumber: nil), client)
            _ = try await Seed.step(
                id, "inspect", InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), client)
            let restock = LineDisposition(line: 1, quantity: 1, disposition: .restock)
            _ = try await Seed.step(id, "dispose", DisposeBody(dispositions: [restock]), client)
            let exchanged = try await Seed.step(
                id, "exchange", ExchangeBody(items: [ExchangeItem(sku: "TOASTER", quantity: 1)], settlement: .card),
                client)
            #expect(exchanged.status == .exchanged)
            #expect(exchanged.exchanges.map(\.difference) == [Seed.money(50_00)])
            #expect(try await Seed.step(id, "close", Empty(), client).status == .closed)

            let stock = try await client.get("stock?store=S1").decode([StockRow].self)
            func sellable(_ sku: SKU) -> Int? { stock.first { $0.sku == sku && $0.location == .sellable }?.quantity }
            #expect(sellable("KETTLE") == 10)
            #expect(sellable("TOASTER") == 9)
        }
    }

    @Test("a return that needs approval is rejected with a reason, closed, and frees the sale line")
    func reject() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            expectStatus(try await client.send(.put, "policy", json: Seed.strictApproval), .ok)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let opened = try await Seed.open(Seed.returnOf("S1-0001", quantity: 2), client)
            #expect(opened.status == .requested)
            #expect(try await client.get("returns?status=requested").decode([ReturnView].self).map(\.id) == [opened.id])
            let rejected = try await Seed.step(opened.id, "reject", RejectBody(reason: "seal broken"), client)
            #expect(rejected.status == .rejected && rejected.rejected)
            #expect(try await Seed.step(opened.id, "close", Empty(), client).status == .closed)
            #expect(try await client.get("sales/S1-0001").decode(SaleView.self).lines.map(\.returnable) == [2])
        }
    }

    @Test("a grade-C unit opens a repair order that is progressed and completed")
    func repair() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let id = try await Seed.open(Seed.returnOf("S1-0001", reason: .defective), client).id
            _ = try await Seed.step(id, "receive", Empty(), client)
            _ = try await Seed.step(
                id, "inspect", InspectBody(grades: [LineGrade(line: 1, grade: .c, quantity: 1)]), client)
            let toRepair = LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "", technician: "Tom"))
            let disposed = try await Seed.step(id, "dispose", DisposeBody(dispositions: [toRepair]), client)
            guard case .repair(let order, "Tom") = disposed.dispositions.first?.disposition, !order.rawValue.isEmpty
            else {
                Issue.record("no repair order minted: \(disposed.dispositions)")
                return
            }

            let opened = try await client.get("repairs/\(order)")
            expectStatus(opened, .ok)
            #expect(try opened.decode(RepairState.self).status == .open)
            let progress = RepairProgressBody(
                status: .inProgress, parts: [RepairPart(name: "thermostat", cost: Seed.money(8_00))],
                laborCost: Seed.money(12_00))
            let progressed = try await client.send(.post, "repairs/\(order)/progress", json: progress)
            expectStatus(progressed, .ok)
            #expect(try progressed.decode(RepairState.self).status == .inProgress)
            let done = RepairCompletionBody(
                outcome: .repaired(resalePrice: Seed.money(80_00)), totalCost: Seed.money(20_00))
            let completed = try await client.send(.post, "repairs/\(order)/complete", json: done)
            expectStatus(completed, .ok)
            let state = try completed.decode(RepairState.self)
            #expect(state.outcome == .repaired(resalePrice: Seed.money(80_00)) && state.totalCost == Seed.money(20_00))

            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(.post, "repairs/\(order)/progress", json: progress), .conflict,
                    "repair.finished")
                expectProblem(
                    try await client.send(.post, "repairs/\(order)/complete", json: done), .conflict, "repair.finished")
            }
            #expect(try await Seed.step(id, "refund", RefundBody(method: .cash), client).status == .refunded)
        }
    }

    @Test("the policy is evaluated without writing anything, a denial answered as a verdict")
    func evaluate() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001", quantity: 20, tenders: nil), client)
            try await Seed.record(Seed.sale("S1-0002", daysAgo: 30), client)
            try await node.expectNothingWritten {
                let allowed = try await client.send(.post, "policy/evaluate", json: Seed.returnOf("S1-0001"))
                expectStatus(allowed, .ok)
                #expect(try allowed.decode(PolicyVerdict.self).decision == .allow)

                let big = try await client.send(.post, "policy/evaluate", json: Seed.returnOf("S1-0001", quantity: 15))
                #expect(try big.decode(PolicyVerdict.self).codes == [PolicyReason.Code.approvalThreshold])

                let late = try await client.send(.post, "policy/evaluate", json: Seed.returnOf("S1-0002"))
                expectStatus(late, .ok)
                let verdict = try late.decode(PolicyVerdict.self)
                #expect(verdict.decision == .deny && verdict.codes == [PolicyReason.Code.windowExpired])

                expectProblem(
                    try await client.send(.post, "returns", json: Seed.returnOf("S1-0002")), .unprocessableContent,
                    PolicyReason.Code.windowExpired)
            }
            #expect(try await client.get("returns").decode([ReturnView].self).isEmpty)
        }
    }

    @Test("refund methods without a payload may be written as a bare string")
    func refundToStoreCreditByName() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let id = try await Seed.open(Seed.returnOf("S1-0001"), client).id
            _ = try await Seed.step(id, "receive", Empty(), client)
            _ = try await Seed.step(
                id, "inspect", InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), client)
            _ = try await Seed.step(
                id, "dispose",
                DisposeBody(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]), client)
            let refund = try await client.send(.post, "returns/\(id)/refund", raw: #"{"method":"storeCredit"}"#)
            expectStatus(refund, .ok)
            #expect(try refund.decode(ReturnView.self).refunds.flatMap(\.allocations).map(\.tender) == [.storeCredit])
            #expect(
                try await client.get("customers/C1/store-credit").decode(StoreCreditBalance.self).balance
                    == Seed.money(100_00))
        }
    }
}
