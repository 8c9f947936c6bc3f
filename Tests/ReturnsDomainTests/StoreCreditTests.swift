import Foundation
import ReturnsDomain
import Testing

@Suite struct StoreCreditTests {
    typealias F = MoneyFixtures

    static func entry(_ customer: CustomerID, _ minor: Int64, _ reference: String = "adj", day: Int = 0)
        -> StoreCreditEntry
    {
        StoreCreditEntry(customer: customer, amount: F.eur(minor), reference: reference, at: F.soldAt.adding(days: day))
    }

    static func ledger() throws(DomainError) -> StoreCreditLedger {
        try StoreCreditLedger(
            currency: F.eur,
            entries: [entry("C-1", 10_000, "goodwill"), entry("C-2", 2_500), entry("C-1", -3_000, "sale:S-1", day: 1)])
    }

    @Test("a balance is the sum of the customer's entries; an unknown customer has zero")
    func balances() throws {
        let l = try Self.ledger()
        #expect(l.balance(of: "C-1") == F.eur(7_000))
        #expect(l.balance(of: "C-2") == F.eur(2_500))
        #expect(l.balance(of: "C-404") == F.eur(0))
        #expect(l.entries(of: "C-1").map(\.reference) == ["goodwill", "sale:S-1"])
        #expect(l.entries.count == 3)
    }

    @Test("appending returns a new ledger and leaves the old one as it was")
    func appending() throws {
        let before = try Self.ledger()
        let after = try before.appending(Self.entry("C-2", -500))
        #expect(before.balance(of: "C-2") == F.eur(2_500))
        #expect(after.balance(of: "C-2") == F.eur(2_000))
        #expect(after.entries.count == before.entries.count + 1)
    }

    @Test("an entry in another currency is refused")
    func currency() throws {
        let foreign = StoreCreditEntry(customer: "C-1", amount: Money(1, F.cny), reference: "x", at: F.soldAt)
        #expect(
            F.errorCode { () throws(DomainError) in try Self.ledger().appending(foreign) } == "money.currencyMismatch")
        #expect(
            F.errorCode { () throws(DomainError) in try StoreCreditLedger(currency: F.eur, entries: [foreign]) }
                == "money.currencyMismatch")
    }

    @Test("redeeming up to the balance gives a debit entry and does not change the ledger")
    func redeem() throws {
        let l = try Self.ledger()
        let e = try l.redeem(customer: "C-1", amount: F.eur(7_000), reference: "sale:S-2", at: F.later)
        #expect(e == StoreCreditEntry(customer: "C-1", amount: F.eur(-7_000), reference: "sale:S-2", at: F.later))
        #expect(l.balance(of: "C-1") == F.eur(7_000))
        #expect(try l.appending(e).balance(of: "C-1") == F.eur(0))
    }

    @Test(
        "redemptions beyond the balance or of a non-positive amount are refused",
        arguments: [
            (7_001, "storeCredit.insufficient"), (0, "storeCredit.invalidAmount"), (-100, "storeCredit.invalidAmount"),
        ] as [(Int64, String)])
    func refusedRedemptions(amount: Int64, code: String) throws {
        let l = try Self.ledger()
        #expect(
            F.errorCode { () throws(DomainError) in
                try l.redeem(customer: "C-1", amount: F.eur(amount), reference: "r", at: F.later)
            } == code)
        #expect(
            F.errorCode { () throws(DomainError) in
                try l.redeem(customer: "C-404", amount: F.eur(1), reference: "r", at: F.later)
            } == "storeCredit.insufficient")
    }

    @Test("concurrent spending recorded offline is kept and shows as an overdraft")
    func overdraft() throws {
        let l = try Self.ledger().appending(Self.entry("C-2", -2_000)).appending(Self.entry("C-2", -2_000))
        #expect(l.balance(of: "C-2") == F.eur(-1_500))
        #expect(l.overdrawnCustomers == ["C-2"])
    }

    @Test("a sale's store-credit tender debits the sale's customer, or the tender's reference without one")
    func saleEntries() {
        let line = F.saleLine(1, price: 10_000, cost: 5_000)
        let tenders: [(Tender, Int64, String?)] = [(.card, 6_000, "AUTH"), (.storeCredit, 4_000, "CARD-77")]
        let known = F.sale(customer: "C-1", lines: [line], tenders: tenders)
        #expect(
            StoreCreditLedger.entries(for: known) == [
                StoreCreditEntry(customer: "C-1", amount: F.eur(-4_000), reference: "sale:S-01-0001", at: F.soldAt)
            ])
        let anonymous = F.sale(customer: nil, lines: [line], tenders: tenders)
        #expect(StoreCreditLedger.entries(for: anonymous).map(\.customer) == ["CARD-77"])
        let cashOnly = F.sale(lines: [line], tenders: [(.cash, 10_000, nil)])
        #expect(StoreCreditLedger.entries(for: cashOnly).isEmpty)
    }

    @Test("a refund's store-credit allocations credit the referenced account, else the return's customer")
    func refundEntries() {
        let req = F.request(sale: nil, customer: "C-1", lines: [F.returnLine(1, of: nil, quantity: 1, price: 9_000)])
        let refund = Refund(
            gross: F.eur(9_000), restockingFee: F.eur(0),
            allocations: [
                RefundAllocation(tender: .storeCredit, amount: F.eur(5_000), reference: "C-9"),
                RefundAllocation(tender: .storeCredit, amount: F.eur(3_000)),
                RefundAllocation(tender: .cash, amount: F.eur(1_000)),
            ],
            refundedAt: F.later)
        #expect(
            StoreCreditLedger.entries(for: refund, request: req) == [
                StoreCreditEntry(
                    customer: "C-9", amount: F.eur(5_000), reference: "return:R-01-0001/refund", at: F.later),
                StoreCreditEntry(
                    customer: "C-1", amount: F.eur(3_000), reference: "return:R-01-0001/refund", at: F.later),
            ])
    }

    @Test("an exchange settled in store credit moves the customer's balance by the difference")
    func exchangeEntries() throws {
        let req = F.request(
            sale: nil, customer: "C-1", type: .exchange, lines: [F.returnLine(1, of: nil, quantity: 1, price: 5_000)])
        let cheaper = try ExchangePlanner.plan(
            request: req, outLines: [F.exchangeLine(price: 2_000, cost: 1_000)], settlementTender: .storeCredit,
            at: F.later)
        #expect(StoreCreditLedger.entries(for: cheaper, request: req).map(\.amount) == [F.eur(3_000)])
        let dearer = try ExchangePlanner.plan(
            request: req, outLines: [F.exchangeLine(price: 6_000, cost: 1_000)], settlementTender: .storeCredit,
            at: F.later)
        #expect(StoreCreditLedger.entries(for: dearer, request: req).map(\.amount) == [F.eur(-1_000)])
        let byCard = try ExchangePlanner.plan(
            request: req, outLines: [F.exchangeLine(price: 6_000, cost: 1_000)], settlementTender: .card, at: F.later)
        #expect(StoreCreditLedger.entries(for: byCard, request: req).isEmpty)
    }

    @Test("the ledger round-trips through JSON with its balances rebuilt")
    func codable() throws {
        let l = try Self.ledger()
        let decoded = try JSONDecoder().decode(StoreCreditLedger.self, from: JSONEncoder().encode(l))
        #expect(decoded == l)
        #expect(decoded.balance(of: "C-1") == F.eur(7_000))
    }
}
