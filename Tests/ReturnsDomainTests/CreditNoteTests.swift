import ReturnsDomain
import Testing

/// The credit note of a refund (``CreditNote``): its content is the return's and the refund's,
/// and its totals are the refund's and its journal entry's.
@Suite struct CreditNoteTests {
    typealias F = MoneyFixtures

    /// Two lines at different VAT rates: 2 × 12.00 at 20 % and 1 × 5.99 at 13 %; card 20.00 + cash 9.99.
    static let sale = F.sale(
        lines: [
            F.saleLine(1, sku: "SKU-1", quantity: 2, price: 1_200, cost: 700),
            F.saleLine(2, sku: "SKU-2", price: 599, cost: 250, vat: F.vat13),
        ],
        tenders: [(.card, 2_000, "AUTH-1"), (.cash, 999, nil)])

    static let request = F.request(
        sale: sale,
        lines: [F.returnLine(1, of: sale.lines[0], quantity: 2), F.returnLine(2, of: sale.lines[1], quantity: 1)],
        fee: 150)

    static func refund(number: String? = "CN-S-01-000007") throws -> Refund {
        var refund = try RefundPlanner.plan(request: request, sale: sale, method: .originalTender, at: F.later)
        refund.creditNote = number
        return refund
    }

    static let issuer = CreditNote.Issuer(store: F.store, name: "一店", address: "南京路 1 号", taxID: "9131")

    @Test("the note's lines split each line's gross into net and VAT; its totals are the refund's")
    func totalsAreTheRefunds() throws {
        let refund = try Self.refund()
        let note = try #require(
            CreditNote.of(
                Self.request, refund: refund, issuer: Self.issuer, customer: Customer(id: "C-1", name: "王丽"),
                product: {
                    $0 == "SKU-1"
                        ? Product(
                            sku: $0, name: "Kettle", model: "K2", category: "k", unitPrice: F.eur(1_200),
                            unitCost: F.eur(700), vatRate: F.vat20) : nil
                }))
        #expect(note.number == "CN-S-01-000007" && note.issuedAt == F.later && note.returnID == "R-01-0001")
        #expect(note.sale == "S-01-0001" && note.customer == "C-1" && note.customerName == "王丽")
        #expect(note.lines.map(\.name) == ["Kettle K2", nil])
        for l in note.lines {
            #expect(l.net.minor + l.vat.minor == l.gross.minor && l.gross == l.unitPrice.times(l.quantity))
        }
        #expect(note.lines.map(\.vat.minor) == [400, 69])
        #expect(note.rates.map(\.vatRate) == [F.vat13, F.vat20])
        #expect(note.rates.map(\.gross.minor) == [599, 2_400])
        #expect(note.gross == refund.gross && note.gross.minor == 2_999)
        #expect(note.net.minor + note.vat.minor == note.gross.minor)
        #expect(note.restockingFee == F.eur(150) && note.total == refund.paidOut)
        #expect(note.total.minor == note.gross.minor - note.restockingFee.minor)
        #expect(note.refunded == refund.allocations)
        #expect(note.refunded.reduce(0) { $0 + $1.amount.minor } == note.total.minor)
    }

    @Test("the journal's refund entry names the note, and reverses exactly its net and VAT")
    func tiesToTheJournal() throws {
        let refund = try Self.refund()
        let note = try #require(CreditNote.of(Self.request, refund: refund, issuer: Self.issuer))
        let entries = Postings.refund(Self.request, refund)
        let entry = try #require(entries.first)
        #expect(entries.count == 1 && entry.isBalanced)
        #expect(entry.reference == "return:R-01-0001/refund/CN-S-01-000007")
        func sum(_ account: Account) -> Int64 {
            entry.lines.filter { $0.account == account }.reduce(0) { $0 + $1.amount.minor }
        }
        #expect(sum(.salesReturns) == note.net.minor && sum(.vatPayable) == note.vat.minor)
        #expect(-(sum(.cardClearing) + sum(.cash)) == note.total.minor)
        #expect(-sum(.restockingFeeIncome) == note.restockingFee.minor)
    }

    @Test("a refund recorded before credit notes has none, and its journal reference is as it was")
    func unnumbered() throws {
        let refund = try Self.refund(number: nil)
        #expect(CreditNote.of(Self.request, refund: refund, issuer: Self.issuer) == nil)
        #expect(CreditNote.all(of: Self.request, refunds: [refund, try Self.refund()], issuer: Self.issuer).count == 1)
        #expect(Postings.refund(Self.request, refund).first?.reference == "return:R-01-0001/refund")
    }

    @Test(
        "a credit-note number is CN, a store and digits",
        arguments: [
            ("CN-S-01-000007", true), ("CN-上海-000001", true), ("CN-S01-1234567", true), ("RT-S01-000001", false),
            ("CN-000001", false), ("CN-S01-", false), ("CN-S01-12a", false), ("CN--000001", false),
        ])
    func numberShape(text: String, valid: Bool) {
        #expect(CreditNote.isNumber(text) == valid)
    }

    @Test("amounts keep the currency's own exponent: a yen note has no decimals to lose")
    func yen() throws {
        let jpy = Currency("JPY")
        let sale = F.sale(
            lines: [F.saleLine(1, price: 1_100, cost: 500, currency: jpy)], tenders: [(.cash, 1_100, nil)],
            currency: jpy)
        let request = F.request(sale: sale, lines: [F.returnLine(1, of: sale.lines[0], quantity: 1)], currency: jpy)
        var refund = try RefundPlanner.plan(request: request, sale: sale, method: .cash, at: F.later)
        refund.creditNote = "CN-S-01-000001"
        let note = try #require(CreditNote.of(request, refund: refund, issuer: Self.issuer))
        #expect(note.gross == Money(1_100, jpy) && note.vat.minor == 183 && note.net.minor == 917)
        #expect(MoneyText.format(note.vat) == "183")
    }
}
