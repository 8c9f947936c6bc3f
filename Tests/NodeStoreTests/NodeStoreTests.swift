import Foundation
import NodeStore
import Replication
import ReturnsDomain
import Testing

@Suite struct NodeStoreTests {
    @Test("the writer runs with synchronous = FULL so a recorded refund survives power loss")
    func synchronousFull() throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        #expect(try f.service.database.synchronousSetting() == 2)
        // A reopened database gets FULL again.
        let reopened = try NodeDatabase.open(in: f.directory)
        #expect(try reopened.synchronousSetting() == 2)
    }

    @Test("a return walks its whole lifecycle; stock, journal and outbox follow; projections verify")
    func fullLifecycle() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        _ = try await f.service.recordSale(f.sale("R-1", quantity: 2), staff: f.staff)
        let created = try await f.service.createReturn(
            CreateReturnCommand(
                sale: "R-1",
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .defective, condition: .openedComplete)]),
            staff: f.staff)
        #expect(created.status == .approved, "an allowed return is approved at once")
        let id = created.id
        _ = try await f.service.advance(id, .receive(trackingNumber: nil), staff: f.staff)
        _ = try await f.service.advance(
            id, .inspect(grades: [LineGrade(line: 1, grade: .c, quantity: 1)]), staff: f.staff)
        let disposed = try await f.service.advance(
            id,
            .dispose(dispositions: [
                LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "", technician: "Wang"))
            ]), staff: f.staff)
        guard case .repair(let order, _) = disposed.dispositions.first?.disposition else {
            Issue.record("no repair order")
            return
        }
        #expect(!order.rawValue.isEmpty)
        _ = try await f.service.completeRepair(
            order, outcome: .repaired(resalePrice: Money(3_500, NodeFixture.eur)),
            totalCost: Money(800, NodeFixture.eur), staff: f.staff)
        let refunded = try await f.service.advance(id, .refund(method: .originalTender), staff: f.staff)
        #expect(refunded.refunds.first?.paidOut == Money(5_000, NodeFixture.eur))
        let closed = try await f.service.advance(id, .close, staff: f.staff)
        #expect(closed.status == .closed)

        let stock = try await f.service.read { try $0.stock(sku: "SKU-1") }
        #expect(stock.map { "\($0.location.rawValue)=\($0.quantity)" } == ["refurbished=1", "sellable=18"])
        let (events, outbox) = try await f.counts()
        #expect(events == outbox, "every event of a lone node is still in the outbox")
        let report = try f.service.database.verify()
        #expect(report.isOK, "\(report.mismatches)")
        #expect(report.integrity == "ok")
    }

    @Test(
        "bad input is refused with a stable code and writes nothing",
        arguments: [
            "unknownSKU", "zeroQuantity", "negativeQuantity", "overReturn", "illegalTransition", "duplicateReceipt",
            "wrongStore", "unknownSaleLine", "nonReturnableCategory", "unknownReturn", "windowExpired",
        ])
    func badInputWritesNothing(_ kind: String) async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        try await f.service.setPolicy(
            ReturnPolicy(
                noReasonWindowDays: 7, faultWindowDays: 30, acceptedConditions: [.unopened, .openedComplete],
                nonReturnableCategories: ["hygiene"], receiptRequired: false,
                receiptlessMaxValue: Money(5_000, NodeFixture.eur), receiptlessMaxPer90Days: 2, restockingFee: .none,
                approvalThreshold: nil), staff: f.staff)
        _ = try await f.service.recordSale(f.sale("R-1", quantity: 2), staff: f.staff)
        _ = try await f.service.recordSale(f.sale("R-H", sku: "SKU-3", quantity: 1, price: 800), staff: f.staff)
        let ok = try await f.service.createReturn(
            CreateReturnCommand(
                sale: "R-1",
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]),
            staff: f.staff)
        let before = try await f.counts()
        let expected: String
        do {
            switch kind {
            case "unknownSKU":
                expected = "catalog.unknownSKU"
                _ = try await f.service.recordSale(f.sale("R-2", sku: "NOPE"), staff: f.staff)
            case "zeroQuantity", "negativeQuantity":
                expected = "input.invalidQuantity"
                _ = try await f.service.createReturn(
                    CreateReturnCommand(
                        sale: "R-1",
                        lines: [
                            RequestedLine(
                                saleLine: 1, quantity: kind == "zeroQuantity" ? 0 : -1, reason: .changedMind,
                                condition: .unopened)
                        ]), staff: f.staff)
            case "overReturn":
                expected = "return.overReturn"
                _ = try await f.service.createReturn(
                    CreateReturnCommand(
                        sale: "R-1",
                        lines: [RequestedLine(saleLine: 1, quantity: 2, reason: .changedMind, condition: .unopened)]),
                    staff: f.staff)
            case "illegalTransition":
                expected = "return.illegalTransition"
                _ = try await f.service.advance(ok.id, .close, staff: f.staff)
            case "duplicateReceipt":
                expected = "sale.duplicateReceipt"
                _ = try await f.service.recordSale(f.sale("R-1"), staff: f.staff)
            case "wrongStore":
                expected = "sale.wrongStore"
                var s = f.sale("R-9")
                s.store = "S-Z"
                _ = try await f.service.recordSale(s, staff: f.staff)
            case "unknownSaleLine":
                expected = "return.unknownSaleLine"
                _ = try await f.service.createReturn(
                    CreateReturnCommand(
                        sale: "R-1",
                        lines: [RequestedLine(saleLine: 7, quantity: 1, reason: .changedMind, condition: .unopened)]),
                    staff: f.staff)
            case "nonReturnableCategory":
                expected = "policy.nonReturnableCategory"
                _ = try await f.service.createReturn(
                    CreateReturnCommand(
                        sale: "R-H",
                        lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]),
                    staff: f.staff)
            case "unknownReturn":
                expected = "return.notFound"
                _ = try await f.service.advance("RT-NOPE", .close, staff: f.staff)
            default:
                expected = "policy.windowExpired"
                f.clock.advance(days: 10)
                _ = try await f.service.createReturn(
                    CreateReturnCommand(
                        sale: "R-1",
                        lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]),
                    staff: f.staff)
            }
            Issue.record("\(kind) was accepted")
            return
        } catch let e as DomainError {
            #expect(e.code == expected)
        }
        let after = try await f.counts()
        #expect(after == before, "\(kind) wrote something")
        #expect(try f.service.database.verify().isOK)
    }
}
