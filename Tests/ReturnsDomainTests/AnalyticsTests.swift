import ReturnsDomain
import Testing

@Suite struct AnalyticsTests {
    typealias F = AnalyticsFixtures

    // MARK: Return rates

    @Test("return rates by every dimension match the hand-computed fixture", arguments: AnalyticsDimension.allCases)
    func returnRates(dimension: AnalyticsDimension) {
        #expect(ReturnAnalytics(F.main).returnRates(by: dimension) == F.mainRates[dimension])
    }

    @Test("a rejected return counts in no return rate", arguments: AnalyticsDimension.allCases)
    func rejectedReturnsExcluded(dimension: AnalyticsDimension) {
        var withoutR3 = F.main
        withoutR3.returns.removeAll { $0.request.id == "R3" }
        #expect(
            ReturnAnalytics(F.main).returnRates(by: dimension) == ReturnAnalytics(withoutR3).returnRates(by: dimension))
        #expect(ReturnAnalytics(F.main).storeReturnRates() == ReturnAnalytics(withoutR3).storeReturnRates())
        #expect(
            ReturnAnalytics(F.main).topReturnedItems(limit: 10)
                == ReturnAnalytics(withoutR3).topReturnedItems(limit: 10))

        var accepted = F.main
        accepted.returns[2].rejected = false
        let kettle = ReturnAnalytics(accepted).returnRates(by: .sku).first { $0.key == "KETTLE" }
        #expect(kettle?.returnedUnits == 3)
    }

    @Test("a cross-store return counts against the selling store and is taken in at the other")
    func crossStoreAttribution() {
        let rows = ReturnAnalytics(F.main).storeReturnRates()
        #expect(
            rows == [
                StoreReturnRateRow(
                    store: "A", channel: .branch, soldUnits: 12, returnedUnits: 3, rateBasisPoints: 2_500,
                    takenInUnits: 2,
                    takenInForOtherStores: 0),
                StoreReturnRateRow(
                    store: "B", channel: .branch, soldUnits: 5, returnedUnits: 0, rateBasisPoints: 0, takenInUnits: 1,
                    takenInForOtherStores: 1),
                StoreReturnRateRow(
                    store: "W", channel: .online, soldUnits: 4, returnedUnits: 1, rateBasisPoints: 2_500,
                    takenInUnits: 1,
                    takenInForOtherStores: 0),
            ])
    }

    @Test(
        "the selling store is the one named on the return, else the sale's, else the taker's",
        arguments: [
            ("S1" as SaleID?, "W" as StoreID?, "W" as StoreID),  // named on the return wins
            ("S1", nil, "A"),  // looked up from the sale
            ("S-UNKNOWN", nil, "B"),  // sale not in the facts: the taker
            (nil, nil, "B"),  // receipt-less: the taker
        ])
    func sellingStore(sale: SaleID?, saleStore: StoreID?, expected: StoreID) {
        let r = F.request("RX", at: "B", sale: sale, saleStore: saleStore, customer: nil, on: F.day(2025, 3, 9), [])
        #expect(ReturnAnalytics(F.main).sellingStore(of: r) == expected)
    }

    @Test("an SKU missing from the catalog and a store missing from the list are reported, not dropped")
    func unknownKeys() {
        var input = F.main
        input.products[F.toaster] = nil
        input.stores["W"] = nil
        let a = ReturnAnalytics(input)
        #expect(a.returnRates(by: .category).contains(F.row("(unknown)", 4, 1, 2_500, 2_500)))
        #expect(a.returnRates(by: .channel).contains(F.row("(unknown)", 4, 1, 2_500, 2_500)))
        #expect(a.storeReturnRates().last?.channel == nil)
    }

    // MARK: Top returned items

    @Test(
        "top returned items are ranked by units, ties by SKU",
        arguments: [
            (0, [] as [String]), (1, ["KETTLE"]), (2, ["KETTLE", "PHONE"]), (3, ["KETTLE", "PHONE", "TOASTER"]),
            (10, ["KETTLE", "PHONE", "TOASTER"]),
        ])
    func topReturned(limit: Int, expected: [String]) {
        let top = ReturnAnalytics(F.main).topReturnedItems(limit: limit)
        #expect(top.map(\.sku.rawValue) == expected)
        if limit >= 1 {
            #expect(
                top[0]
                    == TopReturnedItem(
                        sku: "KETTLE", name: "Kettle", returnedUnits: 2, soldUnits: 15, rateBasisPoints: 1_333))
        }
    }

    // MARK: Cost of returns

    @Test("cost of returns per SKU, store, category and period", arguments: CostDimension.allCases)
    func costOfReturns(dimension: CostDimension) {
        let expected: [CostOfReturnsRow]
        switch dimension {
        case .sku:
            expected = [
                // R1: refund 100.00, one unit scrapped at cost 30.00; R3 (rejected) still paid 3.00 shipping.
                F.cost("KETTLE", refund: 10_000, shipping: 300, scrap: 3_000),
                // R2: 1000.00 refunded less the 10.00 fee; written down 600.00 → 450.00; 5.00 shipping.
                F.cost("PHONE", refund: 99_000, shipping: 500, writeDown: 15_000),
                // R4: exchanged, no refund; repaired for 8.00.
                F.cost("TOASTER", repair: 800),
            ]
        case .category:
            expected = [
                F.cost("electronics", refund: 99_000, shipping: 500, writeDown: 15_000),
                F.cost("kitchen", refund: 10_000, repair: 800, shipping: 300, scrap: 3_000),
            ]
        case .store:
            // Costs land at the store that took the return in (R2 and R3 at B).
            expected = [
                F.cost("A", refund: 10_000, scrap: 3_000),
                F.cost("B", refund: 99_000, shipping: 800, writeDown: 15_000),
                F.cost("W", repair: 800),
            ]
        case .period:
            expected = [
                F.cost("2025-03", refund: 109_000, shipping: 800, scrap: 3_000, writeDown: 15_000),
                F.cost("2025-04", repair: 800),
            ]
        }
        let rows = ReturnAnalytics(F.main).costOfReturns(by: dimension)
        #expect(rows == expected)
        let total: Int64 = rows.reduce(0) { $0 + $1.total.minor }
        #expect(total == 128_600)  // every cost of the world, once, in whichever breakdown
    }

    @Test("a return's refund, repair and shipping are split over its lines exactly")
    func costAllocation() {
        // KETTLE 50.00 + TOASTER 40.00 = 90.00 refunded, 9.00 fee: 81.00 split 5:4. Shipping 3.01 split 1:1,
        // the odd cent to the first line. Repair only touched the toaster.
        let r = ReturnFacts(
            request: F.request(
                "RM", at: "A", sale: nil, customer: nil, on: F.day(2025, 5, 3),
                [F.returnLine(1, saleLine: nil, F.kettle, 1), F.returnLine(2, saleLine: nil, F.toaster, 1)], fee: 900),
            refundedAmount: F.eur(9_000),
            dispositions: [
                LineDisposition(line: 1, quantity: 1, disposition: .restock),
                LineDisposition(line: 2, quantity: 1, disposition: .repair(order: "RO-2", technician: "Kim")),
            ],
            repairCost: F.eur(700), shippingCost: F.eur(301))
        let a = ReturnAnalytics(AnalyticsInput(products: F.products, stores: F.stores, returns: [r]))
        #expect(
            a.costOfReturns(by: .sku) == [
                F.cost("KETTLE", refund: 4_500, shipping: 151),
                F.cost("TOASTER", refund: 3_600, repair: 700, shipping: 150),
            ])
        #expect(a.costOfReturns(by: .store) == [F.cost("A", refund: 8_100, repair: 700, shipping: 301)])
    }

    @Test("costs in different currencies stay in separate rows")
    func costCurrencies() {
        let cny = Currency("CNY")
        var r = F.r1
        r.request.id = "R1-CNY"
        r.request.currency = cny
        r.request.restockingFee = Money(0, cny)
        r.request.lines[0].unitCost = Money(20_000, cny)
        r.refundedAmount = Money(70_000, cny)
        r.shippingCost = Money(0, cny)
        r.repairCost = Money(0, cny)
        let a = ReturnAnalytics(AnalyticsInput(products: F.products, returns: [F.r1, r]))
        #expect(
            a.costOfReturns(by: .sku) == [
                F.cost("KETTLE", refund: 70_000, scrap: 20_000, currency: cny),
                F.cost("KETTLE", refund: 10_000, scrap: 3_000),
            ])
    }

    @Test("an accepted return that cost nothing still has a row; a rejected one that cost nothing has none")
    func zeroCostRows() {
        var free = F.r4
        free.repairCost = F.eur(0)
        var rejected = F.r3
        rejected.shippingCost = F.eur(0)
        let a = ReturnAnalytics(AnalyticsInput(products: F.products, returns: [free, rejected]))
        #expect(a.costOfReturns(by: .sku) == [F.cost("TOASTER")])
    }

    // MARK: Low stock

    @Test("sellable stock under the reorder point raises an alert with the shortfall")
    func lowStock() {
        // A/KETTLE: 3 sellable (the 10 pending inspection do not count) under the higher of 4 and 5.
        // A/PHONE: 5 is not under 5. B/TOASTER: no stock at all under 2.
        #expect(
            ReturnAnalytics(F.main).lowStockAlerts() == [
                LowStockAlert(store: "A", sku: "KETTLE", sellable: 3, minimum: 5),
                LowStockAlert(store: "B", sku: "TOASTER", sellable: 0, minimum: 2),
            ])
        #expect(ReturnAnalytics(F.main).lowStockAlerts().map(\.shortfall) == [2, 2])
    }

    // MARK: Report

    static let asOf = Instant.date(2025, 4, 10)

    @Test("the report bundles every analytic")
    func report() {
        let report = AnalyticsReport(
            input: F.main, asOf: Self.asOf, options: AnalyticsOptions(currency: F.eur, topLimit: 2))
        let a = ReturnAnalytics(F.main)
        #expect(report.period == "2025-04")
        #expect(report.ratesBySKU == F.mainRates[.sku])
        #expect(report.ratesByPeriod == F.mainRates[.period])
        #expect(report.ratesByStore == a.storeReturnRates())
        #expect(report.costByStore == a.costOfReturns(by: .store))
        #expect(report.topReturned.map(\.sku) == ["KETTLE", "PHONE"])
        #expect(report.skuSpikes == a.spikes(by: .sku, latestPeriod: "2025-04"))
        #expect(report.customers.map(\.customer) == ["C1", "C2"])
        #expect(report.lowStock.count == 2)
    }

    @Test("the report does not depend on the order facts arrived in")
    func reportIsOrderIndependent() {
        var shuffled = F.main
        shuffled.sales.reverse()
        shuffled.returns.reverse()
        shuffled.reorderPoints.reverse()
        let options = AnalyticsOptions(currency: F.eur)
        let a = AnalyticsReport(input: F.main, asOf: Self.asOf, options: options)
        let b = AnalyticsReport(input: shuffled, asOf: Self.asOf, options: options)
        #expect(a == b)
        #expect(a.render() == b.render())
    }

    @Test("the printed report has fixed-width sections head office can read")
    func render() {
        let text = AnalyticsReport(input: F.main, asOf: Self.asOf, options: AnalyticsOptions(currency: F.eur)).render()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "RETURNSYNC RETURNS ANALYTICS   as of 2025-04-10   latest period 2025-04")
        #expect(lines.allSatisfy { $0.count <= 120 })
        #expect(lines.contains("KETTLE                           15          2    13.33%    50.00%"))
        #expect(lines.contains("2025-04                           0          1         -    25.00%"))
        #expect(lines.contains("A                 branch              12          3    25.00%          2           0"))
        #expect(
            lines.contains(
                "PHONE                 EUR        990.00         0.00         5.00         0.00       150.00       1145.00"
            ))
        #expect(lines.contains("A                 KETTLE                    3          5          2"))
        // No spike and no suspicious customer in this world.
        #expect(text.contains("RETURN SPIKES BY SKU IN 2025-04\n===============================\n(none)"))
        #expect(text.contains("CUSTOMERS WITH ABUSE SIGNALS\n============================\n(none)"))
    }
}
