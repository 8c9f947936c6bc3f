import Foundation
import GRDB
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// The credit note of a refund (issue 20): numbered once by the node that records the refund,
/// carried in the refund's event, and worth exactly what the refund and its journal entry are.
@Suite struct CreditNoteTests {
    /// A return of `quantity` units of receipt `sale`'s first line, taken to refunded.
    static func refunded(
        _ f: NodeFixture, sale: SaleID, quantity: Int = 1, method: RefundMethod = .originalTender
    ) async throws -> ReturnView {
        let id = try await f.service.createReturn(
            CreateReturnCommand(
                sale: sale,
                lines: [RequestedLine(saleLine: 1, quantity: quantity, reason: .defective, condition: .openedComplete)]),
            staff: f.staff
        ).id
        _ = try await f.service.advance(id, .receive(trackingNumber: nil), staff: f.staff)
        _ = try await f.service.advance(
            id, .inspect(grades: [LineGrade(line: 1, grade: .a, quantity: quantity)]), staff: f.staff)
        _ = try await f.service.advance(
            id, .dispose(dispositions: [LineDisposition(line: 1, quantity: quantity, disposition: .restock)]),
            staff: f.staff)
        return try await f.service.advance(id, .refund(method: method), staff: f.staff)
    }

    /// The journal lines the node projected under `reference`, summed per account.
    static func journal(_ f: NodeFixture, reference: String) async throws -> [String: Int64] {
        try await f.service.database.writer.read { db in
            var sums: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT account, amount FROM journal WHERE reference = ?", arguments: [reference])
            {
                sums[row["account"], default: 0] += row["amount"] as Int64
            }
            return sums
        }
    }

    @Test("each refund gets the next CN number of its store, once, in its event; closing mints none")
    func numberedOncePerRefund() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        _ = try await f.service.recordSale(f.sale("R-1", quantity: 3), staff: f.staff)
        let first = try await Self.refunded(f, sale: "R-1")
        _ = try await f.service.advance(first.id, .close, staff: f.staff)
        let second = try await Self.refunded(f, sale: "R-1", quantity: 2, method: .cash)
        #expect(first.refunds.map(\.creditNote) == ["CN-S-A-000001"])
        #expect(second.refunds.map(\.creditNote) == ["CN-S-A-000002"])
        let refundEvents = try await f.service.read { try $0.allEvents() }.compactMap { e -> Refund? in
            if case .refundIssued(let r) = e.payload { return r }
            return nil
        }
        #expect(refundEvents.map(\.creditNote) == ["CN-S-A-000001", "CN-S-A-000002"])
        #expect(try await f.service.creditNotes(of: first.id).map(\.number) == ["CN-S-A-000001"])
        #expect(try await f.service.creditNote("CN-S-A-000002").returnID == second.id)
        let report = try f.service.database.verify()
        #expect(report.isOK, "\(report.mismatches)")
    }

    @Test("the credit note's totals are the refund's and its journal entry's, which names the note")
    func totalsTieToTheJournal() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        try await f.seedCatalog()
        _ = try await f.service.setStoreProfile(StoreProfile(name: "Shop A", address: "1 Main St", taxID: "TAX-1"))
        // Paid on two tenders, so the refund goes back on both.
        let line = Money(3 * 12_000, NodeFixture.eur)
        _ = try await f.service.recordSale(
            f.sale(
                "R-2", sku: "SKU-2", quantity: 3, price: 12_000,
                tenders: [
                    TenderPayment(tender: .card, amount: Money(line.minor - 10_000, NodeFixture.eur)),
                    TenderPayment(tender: .cash, amount: Money(10_000, NodeFixture.eur)),
                ]), staff: f.staff)
        let view = try await Self.refunded(f, sale: "R-2", quantity: 3)
        let refund = try #require(view.refunds.first)
        let note = try await f.service.creditNote(try #require(refund.creditNote))

        #expect(note.issuer == CreditNote.Issuer(store: "S-A", name: "Shop A", address: "1 Main St", taxID: "TAX-1"))
        #expect(note.returnID == view.id && note.sale == "R-2" && note.customer == "C-1")
        #expect(note.lines.map(\.quantity) == [3] && note.lines.first?.name == "Item SKU-2")
        #expect(note.gross == refund.gross && note.restockingFee == refund.restockingFee)
        #expect(note.net.minor + note.vat.minor == note.gross.minor)
        #expect(note.total == refund.paidOut && note.gross.minor - note.restockingFee.minor == note.total.minor)
        #expect(note.refunded == refund.allocations && note.refunded.count == 2)
        #expect(note.rates.map(\.gross) == [note.gross])

        let reference = "return:\(view.id)/refund/\(note.number)"
        let journal = try await Self.journal(f, reference: reference)
        #expect(journal[Account.salesReturns.rawValue] == note.net.minor, "\(journal)")
        #expect(journal[Account.vatPayable.rawValue] == note.vat.minor, "\(journal)")
        let paidOut = -(journal[Account.cardClearing.rawValue] ?? 0) - (journal[Account.cash.rawValue] ?? 0)
        #expect(paidOut == note.total.minor, "\(journal)")
        #expect(journal.values.reduce(0, +) == 0, "balanced")
    }

    @Test("a number the node does not hold, or of another shape, is creditNote.notFound")
    func unknownNumber() async throws {
        let f = try NodeFixture()
        defer { f.cleanUp() }
        for number in ["CN-S-A-000009", "RT-S-A-000001", "CN-", "x"] {
            await #expect(throws: DomainError.self) { _ = try await f.service.creditNote(number) }
        }
        #expect(CreditNote.isNumber("CN-S-A-000009") && !CreditNote.isNumber("CN-S-A-x1"))
    }

    @Test("a store set up again numbers its credit notes after the old node's")
    func newIncarnationContinuesCreditNotes() async throws {
        let old = try NodeFixture(store: "S-A", node: "S-A-old")
        let new = try NodeFixture(store: "S-A", node: "S-A-new")
        defer { [old, new].forEach { $0.cleanUp() } }
        try await old.seedCatalog()
        _ = try await old.service.recordSale(old.sale("R-A-1", quantity: 3), staff: old.staff)
        _ = try await Self.refunded(old, sale: "R-A-1")
        let events = try await old.service.read { try $0.allEvents() }
        _ = try await new.service.applyPulled(events, checkpoint: UInt64(events.count), epoch: "e1")
        let again = try await Self.refunded(new, sale: "R-A-1")
        #expect(again.refunds.map(\.creditNote) == ["CN-S-A-000002"], "not CN-S-A-000001 again")
    }
}
