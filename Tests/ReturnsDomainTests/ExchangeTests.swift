import ReturnsDomain
import Testing

@Suite struct ExchangeTests {
    typealias F = MoneyFixtures

    /// A return of one unit at 50.00 (cost 30.00) from a one-line sale.
    static func returnOf5000(fee: Int64 = 0, customer: CustomerID? = "C-1") -> ReturnRequest {
        let sold = F.saleLine(1, quantity: 2, price: 5_000, cost: 3_000)
        let sale = F.sale(customer: customer, lines: [sold], tenders: [(.card, 10_000, nil)])
        return F.request(
            sale: sale, customer: customer, type: .exchange, lines: [F.returnLine(1, of: sold, quantity: 1)], fee: fee)
    }

    @Test(
        "the difference is new goods minus the returned value, either way",
        arguments: [
            // (new goods unit price, quantity, fee, expected difference)
            (8_000, 1, 0, 3_000),
            (2_000, 2, 0, -1_000),
            (5_000, 1, 0, 0),
            (4_500, 1, 500, 0),
            (5_000, 1, 500, 500),
            (1_000, 1, 500, -3_500),
        ] as [(Int64, Int, Int64, Int64)])
    func difference(price: Int64, quantity: Int, fee: Int64, expected: Int64) throws {
        let req = Self.returnOf5000(fee: fee)
        let out = [F.exchangeLine(quantity: quantity, price: price, cost: price / 2)]
        let x = try ExchangePlanner.plan(request: req, outLines: out, settlementTender: .card, at: F.later)
        #expect(x.returnedValue == F.eur(5_000 - fee))
        #expect(x.restockingFee == F.eur(fee))
        #expect(x.newGoodsValue == F.eur(price * Int64(quantity)))
        #expect(x.difference == F.eur(expected))
        #expect(x.settlementTender == .card)
        #expect(x.exchangedAt == F.later)
        #expect(x.outLines == out)
    }

    @Test("several out lines add up")
    func severalLines() throws {
        let out = [
            F.exchangeLine(sku: "A", quantity: 2, price: 1_999, cost: 900),
            F.exchangeLine(sku: "B", price: 2_500, cost: 1_000),
        ]
        let x = try ExchangePlanner.plan(
            request: Self.returnOf5000(), outLines: out, settlementTender: .cash, at: F.later)
        #expect(x.newGoodsValue == F.eur(6_498))
        #expect(x.difference == F.eur(1_498))
    }

    @Test("a fee above the goods' value leaves a returned value of zero")
    func feeAboveGross() throws {
        let x = try ExchangePlanner.plan(
            request: Self.returnOf5000(fee: 6_000), outLines: [F.exchangeLine(price: 1_000, cost: 500)],
            settlementTender: .cash, at: F.later)
        #expect(x.returnedValue == F.eur(0))
        #expect(x.restockingFee == F.eur(5_000))
        #expect(x.difference == F.eur(1_000))
    }

    @Test("no goods going out is refused with exchange.noGoods")
    func noGoods() {
        let code = F.errorCode { () throws(DomainError) in
            try ExchangePlanner.plan(request: Self.returnOf5000(), outLines: [], settlementTender: .cash, at: F.later)
        }
        #expect(code == "exchange.noGoods")
    }

    @Test("a zero or negative quantity is refused", arguments: [0, -1])
    func quantities(quantity: Int) {
        let outCode = F.errorCode { () throws(DomainError) in
            try ExchangePlanner.plan(
                request: Self.returnOf5000(), outLines: [F.exchangeLine(quantity: quantity, price: 100, cost: 50)],
                settlementTender: .cash, at: F.later)
        }
        #expect(outCode == "input.invalidQuantity")
        var req = Self.returnOf5000()
        req.lines[0].quantity = quantity
        let inCode = F.errorCode { () throws(DomainError) in
            try ExchangePlanner.plan(
                request: req, outLines: [F.exchangeLine(price: 100, cost: 50)], settlementTender: .cash, at: F.later)
        }
        #expect(inCode == "input.invalidQuantity")
    }

    @Test("new goods in another currency are refused")
    func currency() {
        let foreign = ExchangeLine(
            sku: "X", quantity: 1, unitPrice: Money(100, F.cny), unitCost: Money(50, F.cny), vatRate: F.vat13)
        let code = F.errorCode { () throws(DomainError) in
            try ExchangePlanner.plan(
                request: Self.returnOf5000(), outLines: [foreign], settlementTender: .cash, at: F.later)
        }
        #expect(code == "money.currencyMismatch")
    }

    @Test("settling in store credit needs a customer, unless there is nothing to settle")
    func storeCreditSettlement() throws {
        let anonymous = Self.returnOf5000(customer: nil)
        let code = F.errorCode { () throws(DomainError) in
            try ExchangePlanner.plan(
                request: anonymous, outLines: [F.exchangeLine(price: 1_000, cost: 500)], settlementTender: .storeCredit,
                at: F.later)
        }
        #expect(code == "exchange.customerRequired")
        let even = try ExchangePlanner.plan(
            request: anonymous, outLines: [F.exchangeLine(price: 5_000, cost: 2_500)], settlementTender: .storeCredit,
            at: F.later)
        #expect(even.difference.isZero)
    }
}
