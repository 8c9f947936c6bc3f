import ReturnsDomain
import Testing

/// The worked example of the domain guide, step by step: every number the guide shows is asserted here.
@Suite struct WorkedExampleTests {
    static let cny = Currency("CNY")
    static func yuan(_ minor: Int64) -> Money { Money(minor, cny) }
    static let vat = VATRate(basisPoints: 1300)
    static let shop: StoreID = "SH01"
    static let customer: CustomerID = "C-1001"

    static let products: [SKU: Product] = [
        "HP-200": Product(
            sku: "HP-200", name: "Noise-cancelling headphones", category: "audio", unitPrice: yuan(59_900),
            unitCost: yuan(32_000), vatRate: vat),
        "CASE-S": Product(
            sku: "CASE-S", name: "Carry case, small", category: "accessories", unitPrice: yuan(9_900),
            unitCost: yuan(4_000), vatRate: vat),
        "CASE-L": Product(
            sku: "CASE-L", name: "Carry case, large", category: "accessories", unitPrice: yuan(14_900),
            unitCost: yuan(6_000), vatRate: vat),
    ]
    /// The standard policy with a 10 % restocking fee on returns that are not the goods' fault.
    static let policy: ReturnPolicy = {
        var p = ReturnPolicy.standard(currency: cny)
        p.restockingFee = .percent(basisPoints: 1_000)
        return p
    }()

    /// 2 headphones and a small case, 1,297.00, paid 1,000.00 by card and 297.00 in store credit.
    static let sale = Sale(
        id: "SH01-000123", store: shop, customer: customer, soldAt: .date(2025, 3, 1), currency: cny,
        lines: [
            SaleLine(
                line: 1, sku: "HP-200", quantity: 2, unitPrice: yuan(59_900), unitCost: yuan(32_000), vatRate: vat),
            SaleLine(line: 2, sku: "CASE-S", quantity: 1, unitPrice: yuan(9_900), unitCost: yuan(4_000), vatRate: vat),
        ],
        tenders: [
            TenderPayment(tender: .card, amount: yuan(100_000), reference: "AUTH-5521"),
            TenderPayment(tender: .storeCredit, amount: yuan(29_700)),
        ])

    func lines(_ pairs: [(Account, Int64)]) -> [JournalLine] { pairs.map { JournalLine($0.0, Self.yuan($0.1)) } }

    func open(_ id: ReturnID, type: ReturnType, line: Int, reason: ReasonCode, condition: ItemCondition, on day: Int64)
        throws -> ReturnRequest
    {
        let (event, verdict) = try ReturnDesk.requestReturn(
            id: id, store: Self.shop, sale: Self.sale, customer: nil, type: type, method: .counter,
            lines: [RequestedLine(saleLine: line, quantity: 1, reason: reason, condition: condition)],
            alreadyReturned: [:],
            product: { Self.products[$0] }, policy: EffectivePolicy(document: Self.policy),
            receiptlessReturnsLast90Days: 0,
            at: .date(2025, 3, day))
        #expect(verdict.isAllowed)
        guard case .returnRequested(let request) = event else { throw DomainError.invalid("test", "no request") }
        return request
    }

    @Test("the worked example of the domain guide")
    func workedExample() throws {
        var journal: [JournalEntry] = []
        var credit = try StoreCreditLedger(
            currency: Self.cny,
            entries: [
                StoreCreditEntry(
                    customer: Self.customer, amount: Self.yuan(50_000), reference: "goodwill", at: .date(2025, 2, 10))
            ])

        // 1. The sale: VAT 137.82 on the headphones, 11.39 on the case.
        #expect(Self.vat.split(gross: Self.yuan(119_800)).vat == Self.yuan(13_782))
        #expect(Self.vat.split(gross: Self.yuan(9_900)).vat == Self.yuan(1_139))
        try Self.sale.validate { Self.products[$0] }
        let saleEntry = try #require(Postings.sale(Self.sale).first)
        #expect(
            saleEntry.lines
                == lines([
                    (.cardClearing, 100_000), (.storeCreditLiability, 29_700), (.salesRevenue, -114_779),
                    (.vatPayable, -14_921),
                    (.costOfGoodsSold, 68_000), (.inventory, -68_000),
                ]))
        journal.append(saleEntry)
        for e in StoreCreditLedger.entries(for: Self.sale) { credit = try credit.appending(e) }
        #expect(credit.balance(of: Self.customer) == Self.yuan(20_300))

        // 2. One headphone back after four days, opened: the policy keeps 10 %, 59.90.
        let r1 = try open(
            "SH01-R-0001", type: .refund, line: 1, reason: .changedMind, condition: .openedComplete, on: 5)
        #expect(r1.gross == Self.yuan(59_900))
        #expect(r1.restockingFee == Self.yuan(5_990))
        #expect(r1.customer == Self.customer)
        var status = ReturnStatus.requested
        for action in [ReturnAction.approve, .receive, .inspect, .dispose] { status = try status.next(after: action) }
        #expect(status == .disposed)

        let received = try #require(Postings.goodsReceived(r1, at: .date(2025, 3, 5)).first)
        #expect(received.lines == lines([(.inventory, 32_000), (.costOfGoodsSold, -32_000)]))

        // 3. Graded B: refurbished stock, carried at 250.00 instead of 320.00.
        let bGrade = Disposition.refurbish(unitValue: Self.yuan(25_000), disclosure: "light scratches on the headband")
        let grades = [LineGrade(line: 1, grade: .b, quantity: 1)]
        let dispositions = [LineDisposition(line: 1, quantity: 1, disposition: bGrade)]
        _ = try ReturnDesk.inspect(current: .received, request: r1, at: .date(2025, 3, 6), grades: grades)
        _ = try ReturnDesk.dispose(
            current: .inspected, request: r1, grades: grades, dispositions: dispositions, at: .date(2025, 3, 6))
        let disposed = try #require(Postings.disposal(r1, dispositions, at: .date(2025, 3, 6)).first)
        #expect(disposed.lines == lines([(.bGradeWriteDown, 7_000), (.inventory, -7_000)]))

        // 4. The refund: 539.10 back pro rata to card and store credit.
        let refund = try RefundPlanner.plan(
            request: r1, sale: Self.sale, method: .originalTender, at: .date(2025, 3, 6))
        #expect(
            refund.allocations == [
                RefundAllocation(tender: .card, amount: Self.yuan(41_565), reference: "AUTH-5521"),
                RefundAllocation(tender: .storeCredit, amount: Self.yuan(12_345), reference: "C-1001"),
            ])
        status = try status.next(after: .refund)
        #expect(try status.next(after: .close) == .closed)
        let refunded = try #require(Postings.refund(r1, refund).first)
        #expect(
            refunded.lines
                == lines([
                    (.salesReturns, 53_009), (.vatPayable, 6_891), (.cardClearing, -41_565),
                    (.storeCreditLiability, -12_345),
                    (.restockingFeeIncome, -5_990),
                ]))
        for e in StoreCreditLedger.entries(for: refund, request: r1) { credit = try credit.appending(e) }
        #expect(credit.balance(of: Self.customer) == Self.yuan(32_645))
        journal += [received, disposed, refunded]

        // 5. The small case was the wrong one: swapped for the large case, 50.00 more by card; no fee on a fault.
        let r2 = try open("SH01-R-0002", type: .exchange, line: 2, reason: .wrongItem, condition: .unopened, on: 8)
        #expect(r2.restockingFee == Self.yuan(0))
        let received2 = try #require(Postings.goodsReceived(r2, at: .date(2025, 3, 8)).first)
        #expect(received2.lines == lines([(.inventory, 4_000), (.costOfGoodsSold, -4_000)]))
        #expect(
            Postings.disposal(r2, [LineDisposition(line: 1, quantity: 1, disposition: .restock)], at: .date(2025, 3, 8))
                .isEmpty)
        let large = ExchangeLine(
            sku: "CASE-L", quantity: 1, unitPrice: Self.yuan(14_900), unitCost: Self.yuan(6_000), vatRate: Self.vat)
        let exchange = try ExchangePlanner.plan(
            request: r2, outLines: [large], settlementTender: .card, at: .date(2025, 3, 8))
        #expect(exchange.returnedValue == Self.yuan(9_900))
        #expect(exchange.difference == Self.yuan(5_000))
        let exchanged = try #require(Postings.exchange(r2, exchange).first)
        #expect(
            exchanged.lines
                == lines([
                    (.salesReturns, 8_761), (.vatPayable, 1_139), (.salesRevenue, -13_186), (.vatPayable, -1_714),
                    (.cardClearing, 5_000), (.costOfGoodsSold, 6_000), (.inventory, -6_000),
                ]))
        var status2 = ReturnStatus.requested
        for action in [ReturnAction.approve, .receive, .inspect, .dispose, .exchange, .close] {
            status2 = try status2.next(after: action)
        }
        #expect(status2 == .closed)
        journal += [received2, exchanged]

        // 6. The B-grade unit is sold again, with its disclosure, for 399.00 cash.
        let resale = Sale(
            id: "SH01-000188", store: Self.shop, customer: nil, soldAt: .date(2025, 3, 10), currency: Self.cny,
            lines: [
                SaleLine(
                    line: 1, sku: "HP-200", quantity: 1, unitPrice: Self.yuan(39_900), unitCost: Self.yuan(25_000),
                    vatRate: Self.vat)
            ],
            tenders: [TenderPayment(tender: .cash, amount: Self.yuan(39_900))])
        let resold = try #require(Postings.sale(resale).first)
        #expect(
            resold.lines
                == lines([
                    (.cash, 39_900), (.salesRevenue, -35_310), (.vatPayable, -4_590), (.costOfGoodsSold, 25_000),
                    (.inventory, -25_000),
                ]))
        journal.append(resold)

        // Every entry balances, and so does the whole: the trial balance of the example.
        #expect(journal.allSatisfy { $0.isBalanced })
        var trial: [Account: Int64] = [:]
        for line in journal.flatMap(\.lines) { trial[line.account, default: 0] += line.amount.minor }
        #expect(
            trial == [
                .cash: 39_900, .cardClearing: 63_435, .inventory: -70_000, .vatPayable: -13_195,
                .storeCreditLiability: 17_355,
                .salesRevenue: -163_275, .salesReturns: 61_770, .restockingFeeIncome: -5_990, .costOfGoodsSold: 63_000,
                .bGradeWriteDown: 7_000,
            ])
        // The ledger and the liability account agree: 500.00 − 326.45 = 173.55 used up net.
        #expect(credit.balance(of: Self.customer).minor == 50_000 - trial[.storeCreditLiability]!)
    }
}
