import ReturnsDomain
import Testing

@Suite struct JournalTests {
    typealias F = MoneyFixtures

    /// Two lines at 20 % VAT: 2 × 12.00 (cost 7.00) and 1 × 5.99 (cost 2.50); card 20.00 + cash 9.99.
    static let sale = F.sale(
        lines: [
            F.saleLine(1, sku: "SKU-1", quantity: 2, price: 1_200, cost: 700),
            F.saleLine(2, sku: "SKU-2", price: 599, cost: 250),
        ],
        tenders: [(.card, 2_000, "AUTH-1"), (.cash, 999, nil)])

    /// One unit of line 1 back: 12.00 gross, 10.00 net, 2.00 VAT, cost 7.00.
    static func returnOfOne(fee: Int64 = 0, type: ReturnType = .refund) -> ReturnRequest {
        F.request(sale: sale, type: type, lines: [F.returnLine(1, of: sale.lines[0], quantity: 1)], fee: fee)
    }

    static func only(_ entries: [JournalEntry]) throws -> JournalEntry {
        try #require(entries.count == 1)
        let e = entries[0]
        #expect(e.isBalanced)
        return e
    }

    @Test("a sale debits its tenders, credits net revenue and VAT, and moves cost to COGS")
    func sale() throws {
        let e = try Self.only(Postings.sale(Self.sale))
        #expect(e.reference == "sale:S-01-0001")
        #expect(e.store == F.store)
        #expect(e.date == F.soldAt)
        #expect(
            e.lines
                == F.lines([
                    (.cardClearing, 2_000), (.cash, 999), (.salesRevenue, -2_499), (.vatPayable, -500),
                    (.costOfGoodsSold, 1_650), (.inventory, -1_650),
                ]))
        #expect(e.totalDebits == 4_649)
    }

    @Test("received goods go back into inventory at their original cost")
    func goodsReceived() throws {
        let req = F.request(
            sale: Self.sale,
            lines: [
                F.returnLine(1, of: Self.sale.lines[0], quantity: 1),
                F.returnLine(2, of: Self.sale.lines[1], quantity: 1),
            ])
        let e = try Self.only(Postings.goodsReceived(req, at: F.later))
        #expect(e.reference == "return:R-01-0001/receive")
        #expect(e.date == F.later)
        #expect(e.lines == F.lines([(.inventory, 950), (.costOfGoodsSold, -950)]))
    }

    @Test("a refund reverses revenue and VAT, pays out per tender and keeps the fee as income")
    func refundWithFee() throws {
        let req = Self.returnOfOne(fee: 120)
        let refund = try RefundPlanner.plan(request: req, sale: Self.sale, method: .originalTender, at: F.later)
        let e = try Self.only(Postings.refund(req, refund))
        #expect(e.reference == "return:R-01-0001/refund")
        #expect(
            e.lines
                == F.lines([
                    (.salesReturns, 1_000), (.vatPayable, 200), (.cardClearing, -720), (.cash, -360),
                    (.restockingFeeIncome, -120),
                ]))
    }

    @Test("a refund that pays out less than value minus fee shows the gap in fee income")
    func refundGap() throws {
        let req = Self.returnOfOne(fee: 120)
        let refund = Refund(
            gross: F.eur(1_200), restockingFee: F.eur(120),
            allocations: [RefundAllocation(tender: .cash, amount: F.eur(1_000))],
            refundedAt: F.later)
        let e = try Self.only(Postings.refund(req, refund))
        #expect(
            e.lines
                == F.lines([
                    (.salesReturns, 1_000), (.vatPayable, 200), (.cash, -1_000), (.restockingFeeIncome, -120),
                    (.restockingFeeIncome, -80),
                ]))
    }

    @Test("an exchange for dearer goods: the customer pays the difference on the settlement tender")
    func exchangeCustomerPays() throws {
        let req = Self.returnOfOne(type: .exchange)
        let x = try ExchangePlanner.plan(
            request: req, outLines: [F.exchangeLine(price: 1_800, cost: 1_000)], settlementTender: .card, at: F.later)
        let e = try Self.only(Postings.exchange(req, x))
        #expect(e.reference == "return:R-01-0001/exchange")
        #expect(
            e.lines
                == F.lines([
                    (.salesReturns, 1_000), (.vatPayable, 200), (.salesRevenue, -1_500), (.vatPayable, -300),
                    (.cardClearing, 600), (.costOfGoodsSold, 1_000), (.inventory, -1_000),
                ]))
    }

    @Test("an exchange for cheaper goods: the store pays the difference back, after the fee")
    func exchangeStoreRefunds() throws {
        let req = Self.returnOfOne(fee: 120, type: .exchange)
        let x = try ExchangePlanner.plan(
            request: req, outLines: [F.exchangeLine(price: 900, cost: 400)], settlementTender: .cash, at: F.later)
        #expect(x.difference == F.eur(-180))
        let e = try Self.only(Postings.exchange(req, x))
        #expect(
            e.lines
                == F.lines([
                    (.salesReturns, 1_000), (.vatPayable, 200), (.salesRevenue, -750), (.vatPayable, -150),
                    (.restockingFeeIncome, -120), (.cash, -180), (.costOfGoodsSold, 400), (.inventory, -400),
                ]))
    }

    /// Three units of a line costing 7.00 each.
    static let threeUnits = F.request(
        sale: nil, lines: [F.returnLine(1, of: nil, quantity: 3, price: 1_200, cost: 700)])

    static let dispositionCases: [(Disposition, Int, [(Account, Int64)])] = [
        (.restock, 3, []),
        (.repair(order: "RO-1", technician: "Wu"), 1, []),
        (
            .refurbish(unitValue: F.eur(450), disclosure: "scratched lid"), 2,
            [(.bGradeWriteDown, 500), (.inventory, -500)]
        ),
        (.refurbish(unitValue: F.eur(900), disclosure: "worth more than cost"), 1, []),
        (.scrap(reason: "cracked"), 1, [(.scrapWriteOff, 700), (.inventory, -700)]),
        (.returnToVendor(vendor: "V-1", rma: "RMA-9"), 3, [(.vendorReceivable, 2_100), (.inventory, -2_100)]),
    ]

    @Test("each disposition posts its own lines", arguments: dispositionCases)
    func disposition(_ d: Disposition, quantity: Int, expected: [(Account, Int64)]) throws {
        let entries = Postings.disposal(
            Self.threeUnits, [LineDisposition(line: 1, quantity: quantity, disposition: d)], at: F.later)
        if expected.isEmpty {
            #expect(entries.isEmpty, "no journal entry at all, not an empty one")
        } else {
            let e = try Self.only(entries)
            #expect(e.reference == "return:R-01-0001/dispose")
            #expect(e.lines == F.lines(expected))
        }
    }

    @Test("a return split over several dispositions posts one entry with all of them")
    func mixedDispositions() throws {
        let ds = [
            LineDisposition(line: 1, quantity: 1, disposition: .restock),
            LineDisposition(
                line: 1, quantity: 1, disposition: .refurbish(unitValue: F.eur(600), disclosure: "box dented")),
            LineDisposition(line: 1, quantity: 1, disposition: .scrap(reason: "water damage")),
        ]
        let e = try Self.only(Postings.disposal(Self.threeUnits, ds, at: F.later))
        #expect(
            e.lines
                == F.lines([(.bGradeWriteDown, 100), (.inventory, -100), (.scrapWriteOff, 700), (.inventory, -700)]))
    }

    static let repairOrder = RepairOrder(
        id: "RO-1", returnID: "R-01-0001", store: F.store, sku: "SKU-1", quantity: 1, unitCost: F.eur(700),
        technician: "Wu", openedAt: F.later)

    @Test("a completed repair expenses its cost against payables")
    func repairRepaired() throws {
        let e = try Self.only(
            Postings.repairCompleted(
                Self.repairOrder, outcome: .repaired(resalePrice: F.eur(1_000)), totalCost: F.eur(150), at: F.later))
        #expect(e.reference == "repair:RO-1/complete")
        #expect(e.lines == F.lines([(.repairExpense, 150), (.accountsPayable, -150)]))
    }

    @Test("an unrepairable unit is written off at cost, on top of what the attempt cost")
    func repairUnrepairable() throws {
        let e = try Self.only(
            Postings.repairCompleted(
                Self.repairOrder, outcome: .unrepairable(reason: "board dead"), totalCost: F.eur(40), at: F.later))
        #expect(
            e.lines
                == F.lines([(.repairExpense, 40), (.accountsPayable, -40), (.scrapWriteOff, 700), (.inventory, -700)]))
    }

    @Test("goods bought in: inventory against accounts payable")
    func inventoryReceived() throws {
        let receipt = InventoryReceipt(
            store: F.store, sku: "SKU-1", quantity: 10, unitCost: F.eur(700), vendor: "V-1", receivedAt: F.soldAt)
        let e = try Self.only(Postings.inventoryReceived(receipt, reference: "po:PO-7"))
        #expect(e.reference == "po:PO-7")
        #expect(e.date == F.soldAt)
        #expect(e.lines == F.lines([(.inventory, 7_000), (.accountsPayable, -7_000)]))
    }

    @Test(
        "a stock-take variance is valued at cost: gains credit, losses debit the variance account",
        arguments: [(5, 7, 1_400), (5, 2, -2_100), (4, 4, 0)] as [(Int, Int, Int64)])
    func stockCount(expected: Int, counted: Int, value: Int64) throws {
        let count = StockCount(
            store: F.store, location: .pendingInspection, sku: "SKU-1", expected: expected, counted: counted,
            unitCost: F.eur(700), countedAt: F.later)
        let e = try Self.only(Postings.stockCount(count, reference: "count:C-1"))
        let expectedLines: [JournalLine] =
            value == 0 ? [] : F.lines([(.inventory, value), (.inventoryVariance, -value)])
        #expect(e.lines == expectedLines)
    }

    @Test("unbalanced lines are detected, per currency")
    func isBalancedDetects() {
        let off = JournalEntry(
            reference: "x", store: F.store, date: F.soldAt, memo: "",
            lines: F.lines([(.cash, 100), (.salesRevenue, -99)]))
        #expect(!off.isBalanced)
        let mixed = JournalEntry(
            reference: "x", store: F.store, date: F.soldAt, memo: "",
            lines: [.debit(.cash, F.eur(100)), .credit(.salesRevenue, Money(100, F.cny))])
        #expect(!mixed.isBalanced)
    }
}

// MARK: - Random sales, returns, refunds and exchanges

extension JournalTests {
    static let randomCases: UInt64 = 1_500

    @Test("random sales, returns, refunds and exchanges always post balanced journals")
    func randomBalanced() throws {
        for seed in 0..<Self.randomCases {
            var rng = MoneyFixturesSplitMix64(seed: seed)
            try Self.randomCase(&rng, seed: seed)
        }
    }

    /// One sale, a first return (refunded or exchanged), a second return of the rest, their
    /// dispositions, repairs and a stock count; every entry must balance.
    static func randomCase(_ rng: inout MoneyFixturesSplitMix64, seed: UInt64) throws {
        let vats: [Int64] = [0, 500, 600, 900, 1_300, 2_000, 2_500]
        let customer: CustomerID? = rng.chance(80) ? CustomerID("C-\(seed)") : nil
        let saleLines = (1...Int(rng.int(1...4))).map { i in
            let price = rng.int(1...200_000)
            return F.saleLine(
                i, sku: SKU("SKU-\(i)"), quantity: Int(rng.int(1...5)), price: price, cost: rng.int(0...price * 3 / 2),
                vat: VATRate(basisPoints: rng.pick(vats)))
        }
        let total = saleLines.reduce(0) { $0 + $1.gross.minor }
        var tenders: [(Tender, Int64, String?)] = []
        var left = total
        let count = Int(min(rng.int(1...3), total))
        for i in 0..<count {
            let amount = i == count - 1 ? left : rng.int(1...(left - Int64(count - 1 - i)))
            let tender = rng.pick(Tender.allCases)
            tenders.append((tender, amount, tender == .storeCredit ? "SC-\(seed)" : nil))
            left -= amount
        }
        let sale = F.sale(customer: customer, lines: saleLines, tenders: tenders)
        try sale.validate { sku in
            Product(sku: sku, name: "", category: "", unitPrice: F.eur(0), unitCost: F.eur(0), vatRate: F.vat20)
        }
        var entries = Postings.sale(sale)
        var ledger = StoreCreditLedger.entries(for: sale)

        // Two returns that together take back at most what was sold.
        var firstQuantities = saleLines.map { Int(rng.int(0...Int64($0.quantity))) }
        if firstQuantities.allSatisfy({ $0 == 0 }) { firstQuantities[0] = 1 }
        func request(_ id: ReturnID, _ quantities: [Int], type: ReturnType) -> ReturnRequest {
            let lines = zip(saleLines, quantities).filter { $0.1 > 0 }.enumerated().map { n, pair in
                F.returnLine(n + 1, of: pair.0, quantity: pair.1)
            }
            let gross = lines.reduce(0) { $0 + $1.gross.minor }
            let fee = rng.chance(30) ? rng.int(0...gross + 100) : 0
            return F.request(id: id, sale: sale, customer: customer, type: type, lines: lines, fee: fee)
        }
        let exchanging = rng.chance(35)
        let first = request(ReturnID("R-\(seed)-1"), firstQuantities, type: exchanging ? .exchange : .refund)
        let rest = zip(saleLines, firstQuantities).map { $0.quantity - $1 }
        let second = rest.contains { $0 > 0 } ? request(ReturnID("R-\(seed)-2"), rest, type: .refund) : nil

        entries += Postings.goodsReceived(first, at: F.later)
        var already: [Tender: Money] = [:]
        if exchanging {
            let outLines = (1...Int(rng.int(1...3))).map { i in
                let price = rng.int(1...150_000)
                return F.exchangeLine(
                    sku: SKU("NEW-\(i)"), quantity: Int(rng.int(1...3)), price: price, cost: rng.int(0...price),
                    vat: VATRate(basisPoints: rng.pick(vats)))
            }
            let tender = customer == nil ? rng.pick([Tender.cash, .card, .bankTransfer]) : rng.pick(Tender.allCases)
            let x = try ExchangePlanner.plan(request: first, outLines: outLines, settlementTender: tender, at: F.later)
            #expect(x.difference.minor == x.newGoodsValue.minor - x.returnedValue.minor, "seed \(seed)")
            #expect(x.returnedValue.minor == max(0, first.gross.minor - first.restockingFee.minor), "seed \(seed)")
            entries += Postings.exchange(first, x)
            ledger += StoreCreditLedger.entries(for: x, request: first)
        } else {
            let methods: [RefundMethod] = [
                .originalTender, .originalTender, .cash, .bankTransfer(reference: "TRF-\(seed)"),
                .storeCredit(customer: "C-x"),
            ]
            let method = rng.pick(methods)
            let refund = try RefundPlanner.plan(request: first, sale: sale, method: method, at: F.later)
            checkRefund(refund, first, sale: sale, already: [:], capped: method == .originalTender, seed: seed)
            for a in refund.allocations {
                already[a.tender] = Money((already[a.tender]?.minor ?? 0) + a.amount.minor, F.eur)
            }
            entries += Postings.refund(first, refund)
            ledger += StoreCreditLedger.entries(for: refund, request: first)
        }
        if let second {
            entries += Postings.goodsReceived(second, at: F.later)
            let refund = try RefundPlanner.plan(
                request: second, sale: sale, method: .originalTender, alreadyRefunded: already, at: F.later)
            checkRefund(refund, second, sale: sale, already: already, capped: true, seed: seed)
            entries += Postings.refund(second, refund)
            ledger += StoreCreditLedger.entries(for: refund, request: second)
        }

        // Dispositions of the first return, and the repairs they open.
        var dispositions: [LineDisposition] = []
        for line in first.lines {
            var units = line.quantity
            while units > 0 {
                let q = Int(rng.int(1...Int64(units)))
                let d: Disposition =
                    switch rng.int(0...4) {
                    case 0: .restock
                    case 1: .scrap(reason: "broken")
                    case 2: .returnToVendor(vendor: "V-1", rma: nil)
                    case 3: .repair(order: "RO-1", technician: "Wu")
                    default:
                        .refurbish(unitValue: F.eur(rng.int(0...line.unitCost.minor * 6 / 5)), disclosure: "B-grade")
                    }
                dispositions.append(LineDisposition(line: line.line, quantity: q, disposition: d))
                units -= q
            }
        }
        entries += Postings.disposal(first, dispositions, at: F.later)
        for d in dispositions {
            guard case .repair = d.disposition, let line = first.line(d.line) else { continue }
            let order = RepairOrder(
                id: "RO-1", returnID: first.id, store: F.store, sku: line.sku, quantity: d.quantity,
                unitCost: line.unitCost,
                technician: "Wu", openedAt: F.later)
            let outcome: RepairOutcome =
                rng.chance(50) ? .repaired(resalePrice: line.unitRefund) : .unrepairable(reason: "no parts")
            entries += Postings.repairCompleted(
                order, outcome: outcome, totalCost: F.eur(rng.int(0...20_000)), at: F.later)
        }
        let stockCount = StockCount(
            store: F.store, location: .sellable, sku: "SKU-1", expected: Int(rng.int(0...50)),
            counted: Int(rng.int(0...50)),
            unitCost: F.eur(rng.int(0...10_000)), countedAt: F.later)
        entries += Postings.stockCount(stockCount, reference: "count:\(seed)")

        for e in entries {
            #expect(e.isBalanced, "seed \(seed): \(e.reference) does not balance: \(e.lines)")
            #expect(e.lines.allSatisfy { $0.amount.currency == F.eur }, "seed \(seed)")
            #expect(
                e.lines.filter { $0.account == .restockingFeeIncome }.count <= 1,
                "seed \(seed): rounding gap in \(e.reference)")
        }
        // The store-credit ledger moves exactly opposite to the liability account.
        let liability = entries.flatMap(\.lines).filter { $0.account == .storeCreditLiability }.reduce(0) {
            $0 + $1.amount.minor
        }
        #expect(ledger.reduce(0) { $0 + $1.amount.minor } == -liability, "seed \(seed)")
    }

    /// Pays out value minus the (capped) fee, never more than a tender can still take back.
    static func checkRefund(
        _ refund: Refund, _ r: ReturnRequest, sale: Sale, already: [Tender: Money], capped: Bool, seed: UInt64
    ) {
        let fee = min(r.restockingFee.minor, r.gross.minor)
        #expect(refund.restockingFee.minor == fee, "seed \(seed)")
        #expect(refund.paidOut.minor == r.gross.minor - fee, "seed \(seed)")
        #expect(refund.allocations.allSatisfy { $0.amount.isPositive }, "seed \(seed)")
        guard capped else { return }
        for tender in Set(sale.tenders.map(\.tender)) {
            let paid = sale.tenders.filter { $0.tender == tender }.reduce(0) { $0 + $1.amount.minor }
            let now = refund.allocations.filter { $0.tender == tender }.reduce(0) { $0 + $1.amount.minor }
            #expect(now <= max(0, paid - (already[tender]?.minor ?? 0)), "seed \(seed): \(tender) over its cap")
        }
    }
}

// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator, so random tests replay exactly.
struct MoneyFixturesSplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in `range`, inclusive.
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &self) }
    mutating func chance(_ percent: Int64) -> Bool { int(1...100) <= percent }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(int(0...Int64(items.count - 1)))] }
}
