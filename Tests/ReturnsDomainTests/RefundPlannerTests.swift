import ReturnsDomain
import Testing

@Suite struct RefundPlannerTests {
    typealias F = MoneyFixtures

    static let cardAndCredit: [(Tender, Int64, String?)] = [(.card, 6_000, "AUTH-1"), (.storeCredit, 4_000, nil)]

    /// (tender, minor, reference) of each allocation, for compact comparisons.
    func summary(_ r: Refund) -> [String] {
        r.allocations.map { "\($0.tender.rawValue) \($0.amount.minor) \($0.reference ?? "-")" }
    }

    @Test(
        "split tenders are refunded pro rata to what each paid",
        arguments: [
            (10_000, ["card 6000 AUTH-1", "storeCredit 4000 C-1"]),
            (5_000, ["card 3000 AUTH-1", "storeCredit 2000 C-1"]),
            (3_333, ["card 2000 AUTH-1", "storeCredit 1333 C-1"]),
            (1, ["card 1 AUTH-1"]),
        ] as [(Int64, [String])])
    func proRata(returned: Int64, expected: [String]) throws {
        let (sale, req) = F.simpleCase(total: 10_000, returned: returned, tenders: Self.cardAndCredit)
        let refund = try RefundPlanner.plan(request: req, sale: sale, method: .originalTender, at: F.later)
        #expect(summary(refund) == expected)
        #expect(refund.paidOut == F.eur(returned))
        #expect(refund.gross == F.eur(returned))
        #expect(refund.refundedAt == F.later)
    }

    @Test(
        "each tender is capped at what it paid minus earlier refunds; the cut goes to the others in order",
        arguments: [
            // Card fully refunded before: everything goes to store credit.
            ([.card: 6_000], 3_000, ["storeCredit 3000 C-1"]),
            // Store credit has 500 left: pro rata 1200/800, the 300 over its cap moves to the card.
            ([.storeCredit: 3_500], 2_000, ["card 1500 AUTH-1", "storeCredit 500 C-1"]),
            // Both partly refunded, room enough for the exact pro rata shares.
            ([.card: 3_000, .storeCredit: 2_000], 5_000, ["card 3000 AUTH-1", "storeCredit 2000 C-1"]),
            // Refunds on a tender the sale never used do not free or use any room.
            ([.cash: 9_999], 1_000, ["card 600 AUTH-1", "storeCredit 400 C-1"]),
        ] as [([Tender: Int64], Int64, [String])])
    func caps(already: [Tender: Int64], returned: Int64, expected: [String]) throws {
        let (sale, req) = F.simpleCase(total: 10_000, returned: returned, tenders: Self.cardAndCredit)
        let refund = try RefundPlanner.plan(
            request: req, sale: sale, method: .originalTender, alreadyRefunded: already.mapValues(F.eur), at: F.later)
        #expect(summary(refund) == expected)
        #expect(refund.paidOut == F.eur(returned))
    }

    @Test("more than the tenders can still take back is refused with refund.exceedsTenders")
    func exceedsTenders() {
        let (sale, req) = F.simpleCase(total: 10_000, returned: 2_000, tenders: Self.cardAndCredit)
        let code = F.errorCode { () throws(DomainError) in
            try RefundPlanner.plan(
                request: req, sale: sale, method: .originalTender,
                alreadyRefunded: [.card: F.eur(6_000), .storeCredit: F.eur(3_000)], at: F.later)
        }
        #expect(code == "refund.exceedsTenders")
    }

    @Test("two payments on the same tender: earlier refunds use up the first payment first")
    func repeatedTender() throws {
        let tenders: [(Tender, Int64, String?)] = [(.card, 3_000, "A"), (.card, 3_000, "B"), (.cash, 4_000, nil)]
        let (sale, req) = F.simpleCase(total: 10_000, returned: 4_000, tenders: tenders)
        let refund = try RefundPlanner.plan(
            request: req, sale: sale, method: .originalTender, alreadyRefunded: [.card: F.eur(4_000)], at: F.later)
        // Pro rata 1200/1200/1600; card A has no room left, B has 2000: A's 1200 fills B (800), then cash (400).
        #expect(summary(refund) == ["card 2000 B", "cash 2000 -"])
    }

    @Test("the restocking fee is kept and the rest paid out")
    func restockingFee() throws {
        let (sale, req) = F.simpleCase(total: 10_000, returned: 10_000, fee: 1_500, tenders: Self.cardAndCredit)
        let refund = try RefundPlanner.plan(request: req, sale: sale, method: .originalTender, at: F.later)
        #expect(refund.gross == F.eur(10_000))
        #expect(refund.restockingFee == F.eur(1_500))
        #expect(refund.paidOut == F.eur(8_500))
        #expect(summary(refund) == ["card 5100 AUTH-1", "storeCredit 3400 C-1"])
    }

    @Test("a fee larger than the goods' value pays out nothing and keeps only that value")
    func feeAboveGross() throws {
        let (sale, req) = F.simpleCase(total: 10_000, returned: 1_000, fee: 1_500, tenders: Self.cardAndCredit)
        let refund = try RefundPlanner.plan(request: req, sale: sale, method: .cash, at: F.later)
        #expect(refund.allocations.isEmpty)
        #expect(refund.paidOut == F.eur(0))
        #expect(refund.restockingFee == F.eur(1_000))
    }

    @Test("a receipt-less return cannot go to the original tender but can be paid in cash")
    func receiptless() throws {
        let back = F.returnLine(1, of: nil, quantity: 2, price: 1_250, cost: 700)
        let req = F.request(sale: nil, customer: nil, lines: [back])
        #expect(req.isReceiptless)
        let code = F.errorCode { () throws(DomainError) in
            try RefundPlanner.plan(request: req, sale: nil, method: .originalTender, at: F.later)
        }
        #expect(code == "refund.noOriginalTender")
        let cash = try RefundPlanner.plan(request: req, sale: nil, method: .cash, at: F.later)
        #expect(summary(cash) == ["cash 2500 -"])
    }

    @Test("store credit goes to the named customer, else the return's customer, else it is refused")
    func storeCredit() throws {
        let (sale, req) = F.simpleCase(total: 5_000, returned: 5_000, tenders: [(.cash, 5_000, nil)])
        let own = try RefundPlanner.plan(request: req, sale: sale, method: .storeCredit(customer: nil), at: F.later)
        #expect(summary(own) == ["storeCredit 5000 C-1"])
        let other = try RefundPlanner.plan(request: req, sale: sale, method: .storeCredit(customer: "C-9"), at: F.later)
        #expect(summary(other) == ["storeCredit 5000 C-9"])

        let (anonSale, anonReq) = F.simpleCase(
            total: 5_000, returned: 5_000, tenders: [(.cash, 5_000, nil)], customer: nil)
        let code = F.errorCode { () throws(DomainError) in
            try RefundPlanner.plan(request: anonReq, sale: anonSale, method: .storeCredit(customer: nil), at: F.later)
        }
        #expect(code == "refund.customerRequired")
    }

    @Test("store credit paid at the sale goes back to the account the sale debited")
    func originalStoreCreditAccount() throws {
        let (sale, req) = F.simpleCase(
            total: 1_000, returned: 1_000, tenders: [(.storeCredit, 1_000, "GIFT-7")], customer: nil)
        let refund = try RefundPlanner.plan(request: req, sale: sale, method: .originalTender, at: F.later)
        #expect(summary(refund) == ["storeCredit 1000 GIFT-7"])
        #expect(StoreCreditLedger.entries(for: sale).map(\.customer) == ["GIFT-7"])
        #expect(StoreCreditLedger.entries(for: refund, request: req).map(\.customer) == ["GIFT-7"])
    }

    @Test("a bank transfer keeps its reference and needs one")
    func bankTransfer() throws {
        let (sale, req) = F.simpleCase(total: 5_000, returned: 2_000, tenders: [(.card, 5_000, nil)])
        let refund = try RefundPlanner.plan(
            request: req, sale: sale, method: .bankTransfer(reference: "TRF-42"), at: F.later)
        #expect(summary(refund) == ["bankTransfer 2000 TRF-42"])
        let code = F.errorCode { () throws(DomainError) in
            try RefundPlanner.plan(request: req, sale: sale, method: .bankTransfer(reference: "  "), at: F.later)
        }
        #expect(code == "refund.transferReferenceRequired")
    }

    @Test(
        "bad input is refused with a clear code",
        arguments: ["saleMismatch", "saleRequired", "currency", "quantity", "noLines", "negativeFee"])
    func badInput(kind: String) {
        var (sale, req) = F.simpleCase(total: 5_000, returned: 2_000, tenders: [(.card, 5_000, nil)])
        var passedSale: Sale? = sale
        let expected: String
        switch kind {
        case "saleMismatch":
            sale.id = "S-OTHER"
            passedSale = sale
            expected = "refund.saleMismatch"
        case "saleRequired":
            passedSale = nil
            expected = "refund.saleRequired"
        case "currency":
            req.restockingFee = Money(0, F.cny)
            expected = "money.currencyMismatch"
        case "quantity":
            req.lines[0].quantity = 0
            expected = "input.invalidQuantity"
        case "noLines":
            req.lines = []
            expected = "refund.noLines"
        default:
            req.restockingFee = F.eur(-1)
            expected = "refund.negativeFee"
        }
        let code = F.errorCode { () throws(DomainError) in
            try RefundPlanner.plan(request: req, sale: passedSale, method: .originalTender, at: F.later)
        }
        #expect(code == expected)
    }
}
