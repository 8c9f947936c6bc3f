import ReturnsDomain
import Testing

/// DESIGN §2: goods taken back at another store than the one that sold are that store's stock;
/// the revenue and VAT reversal (and the cost taken back) belong to the store that sold; the money
/// goes out where the customer stands. Each store's entries balance through the clearing account.
@Suite struct InterStorePostingsTests {
    typealias F = MoneyFixtures

    /// One unit of line 1 of `JournalTests.sale` (sold at S-01): 12.00 gross, 10.00 net, 2.00 VAT,
    /// cost 7.00; taken back at `store`.
    static func returned(at store: StoreID, fee: Int64 = 0) -> ReturnRequest {
        var r = JournalTests.returnOfOne(fee: fee)
        r.store = store
        return r
    }

    static func refund(_ r: ReturnRequest, paidAt store: StoreID? = nil) throws -> Refund {
        var refund = try RefundPlanner.plan(request: r, sale: JournalTests.sale, method: .cash, at: F.later)
        refund.store = store
        return refund
    }

    static func entry(_ entries: [JournalEntry], at store: StoreID) throws -> JournalEntry {
        let e = try #require(entries.first { $0.store == store })
        #expect(e.isBalanced, "\(store)")
        return e
    }

    @Test("a return at the store that sold books one entry there, as before")
    func sameStore() throws {
        let r = Self.returned(at: F.store)
        let refund = try Postings.refund(r, Self.refund(r))
        #expect(refund.count == 1 && refund[0].store == F.store)
        #expect(!refund[0].lines.contains { $0.account == .interStoreClearing })
        let received = Postings.goodsReceived(r, at: F.later)
        #expect(received.count == 1 && received[0].lines == F.lines([(.inventory, 700), (.costOfGoodsSold, -700)]))
    }

    @Test("a cross-store refund reverses revenue at the seller and pays out at the taker")
    func crossStore() throws {
        let r = Self.returned(at: "S-02", fee: 100)
        let entries = Postings.refund(r, try Self.refund(r))
        #expect(entries.count == 2)
        let seller = try Self.entry(entries, at: F.store)
        #expect(
            seller.lines
                == F.lines([(.salesReturns, 1_000), (.vatPayable, 200), (.interStoreClearing, -1_200)]))
        let taker = try Self.entry(entries, at: "S-02")
        #expect(
            taker.lines
                == F.lines([(.interStoreClearing, 1_200), (.cash, -1_100), (.restockingFeeIncome, -100)]))
        // The goods: inventory at the taker, cost of goods sold reversed at the seller.
        let received = Postings.goodsReceived(r, at: F.later)
        #expect(
            try Self.entry(received, at: "S-02").lines == F.lines([(.inventory, 700), (.interStoreClearing, -700)]))
        #expect(
            try Self.entry(received, at: F.store).lines
                == F.lines([(.interStoreClearing, 700), (.costOfGoodsSold, -700)]))
    }

    @Test("an online order taken in and paid out at a branch: goods and till at the branch, revenue at the shop")
    func channelAtABranch() throws {
        // The shop's return (held by the channel) received and refunded at S-02.
        let r = Self.returned(at: F.store)
        let received = Postings.goodsReceived(r, at: F.later, receivedAt: "S-02")
        #expect(try Self.entry(received, at: "S-02").lines.first == JournalLine(.inventory, F.eur(700)))
        let refund = Postings.refund(r, try Self.refund(r, paidAt: "S-02"))
        #expect(try Self.entry(refund, at: F.store).lines.first == JournalLine(.salesReturns, F.eur(1_000)))
        #expect(try Self.entry(refund, at: "S-02").lines.last == JournalLine(.cash, F.eur(-1_200)))
        let disposal = Postings.disposal(
            r, [LineDisposition(line: 1, quantity: 1, disposition: .scrap(reason: "broken"))], at: F.later,
            store: "S-02")
        #expect(try Self.entry(disposal, at: "S-02").lines.first == JournalLine(.scrapWriteOff, F.eur(700)))
    }

    @Test("a cross-store exchange reverses the returned goods' revenue at the seller")
    func crossStoreExchange() throws {
        let r = Self.returned(at: "S-02")
        let x = try ExchangePlanner.plan(
            request: r,
            outLines: [
                ExchangeLine(
                    sku: "SKU-9", quantity: 1, unitPrice: F.eur(1_500), unitCost: F.eur(800), vatRate: F.vat20)
            ], settlementTender: .card, at: F.later)
        let entries = Postings.exchange(r, x)
        let seller = try Self.entry(entries, at: F.store)
        #expect(seller.lines.contains(JournalLine(.salesReturns, F.eur(1_000))))
        let taker = try Self.entry(entries, at: "S-02")
        #expect(taker.lines.contains(JournalLine(.salesRevenue, F.eur(-1_250))))
        #expect(!taker.lines.contains { $0.account == .salesReturns })
    }

    @Test("the core's step plan records where goods arrive and where a refund is paid")
    func stepPlan() throws {
        let r = Self.returned(at: "WEB")
        let context = ReturnDesk.StepContext(store: "S-02", at: F.later)
        let received = try ReturnDesk.plan(
            .receive(trackingNumber: nil), current: .approved, request: r, grades: [], receivedAt: nil,
            context: context, mint: { "\($0)-1" })
        #expect(received.event == .returnReceived(at: F.later, trackingNumber: nil, store: "S-02"))
        var atHome = context
        atHome.store = "WEB"
        let home = try ReturnDesk.plan(
            .receive(trackingNumber: nil, store: "WEB"), current: .approved, request: r, grades: [],
            receivedAt: nil, context: atHome, mint: { "\($0)-1" })
        #expect(home.event == .returnReceived(at: F.later, trackingNumber: nil, store: nil))
        var paying = context
        paying.sale = JournalTests.sale
        let refund = try ReturnDesk.plan(
            .refund(method: .originalTender), current: .disposed, request: r, grades: [], receivedAt: "S-02",
            context: paying, mint: { "\($0)-S-02-000001" })
        guard case .refundIssued(let paid) = refund.event else {
            Issue.record("not a refund: \(refund.event)")
            return
        }
        #expect(paid.store == "S-02" && paid.creditNote == "CN-S-02-000001")
        let repairs = try ReturnDesk.plan(
            .dispose(dispositions: [
                LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "", technician: "张师傅"))
            ]), current: .inspected, request: r, grades: [LineGrade(line: 1, grade: .c, quantity: 1)],
            receivedAt: "S-02", context: context, mint: { "\($0)-S-02-000007" })
        guard case .repairOpened(let order)? = repairs.repairs.first?.event else {
            Issue.record("no repair order opened")
            return
        }
        #expect(order.store == "S-02" && order.id == "RO-S-02-000007")
    }
}
