import ReturnsDomain
import Testing

/// Early warning: return spikes and customer abuse signals.
@Suite struct AnalyticsSignalsTests {
    typealias F = AnalyticsFixtures

    // MARK: Spikes

    @Test(
        "a SKU's latest rate is compared with the mean of the months before it",
        arguments: [
            // KETTLE: 2, 4, 3 returns per 100 sold → 200, 400, 300 bp → baseline 300. February: returns per 100.
            (6, SpikeRule(), 300, 3, true),  // 600 ≥ 2 × 300
            (5, SpikeRule(), 300, 3, false),  // 500 < 600
            (12, SpikeRule(), 300, 3, true),
            (6, SpikeRule(minimumReturnedUnits: 7), 300, 3, false),  // rate enough, volume not
            (6, SpikeRule(factorBasisPoints: 30_000), 300, 3, false),  // 600 < 3 × 300
            (4, SpikeRule(factorBasisPoints: 13_000, minimumReturnedUnits: 4), 300, 3, true),  // 400 ≥ 1.3 × 300
            (6, SpikeRule(baselinePeriods: 2), 350, 2, false),  // December and January only: 600 < 2 × 350
            (6, SpikeRule(baselinePeriods: 1), 300, 1, true),  // January only: 600 ≥ 2 × 300
        ])
    func skuSpike(latestReturns: Int, rule: SpikeRule, baseline: Int, months: Int, flagged: Bool) {
        let spikes = ReturnAnalytics(F.spikeWorld(latestKettleReturns: latestReturns))
            .spikes(by: .sku, latestPeriod: "2025-02", rule: rule)
        let kettle = spikes.first { $0.key == "KETTLE" }
        #expect(kettle?.rateBasisPoints == latestReturns * 100)
        #expect(kettle?.returnedUnits == latestReturns)
        #expect(kettle?.soldUnits == 100)
        #expect(kettle?.baselineRateBasisPoints == baseline)
        #expect(kettle?.baselinePeriodsUsed == months)
        #expect(kettle?.flagged == flagged)
    }

    @Test("spike rows list every key active in the latest month; a new SKU without baseline is not flagged")
    func spikeRows() {
        let spikes = ReturnAnalytics(F.spikeWorld(latestKettleReturns: 6)).spikes(by: .sku, latestPeriod: "2025-02")
        #expect(
            spikes == [
                ReturnSpike(
                    key: "KETTLE", period: "2025-02", soldUnits: 100, returnedUnits: 6, rateBasisPoints: 600,
                    baselineRateBasisPoints: 300, baselinePeriodsUsed: 3, flagged: true),
                ReturnSpike(
                    key: "MUG", period: "2025-02", soldUnits: 100, returnedUnits: 0, rateBasisPoints: 0,
                    baselineRateBasisPoints: 0, baselinePeriodsUsed: 3, flagged: false),
                ReturnSpike(
                    key: "NEWBIE", period: "2025-02", soldUnits: 10, returnedUnits: 6, rateBasisPoints: 6_000,
                    baselineRateBasisPoints: nil, baselinePeriodsUsed: 0, flagged: false),
            ])
    }

    @Test(
        "a category spike is flagged at exactly the factor and not below it",
        arguments: [(6, true), (5, false)])
    func categorySpike(latestReturns: Int, flagged: Bool) {
        // kitchen sells 200 a month: 100, 200, 150 bp → baseline 150; February 6 → 300 = 2 × 150.
        let spikes = ReturnAnalytics(F.spikeWorld(latestKettleReturns: latestReturns))
            .spikes(by: .category, latestPeriod: "2025-02")
        let kitchen = spikes.first { $0.key == "kitchen" }
        #expect(kitchen?.baselineRateBasisPoints == 150)
        #expect(kitchen?.rateBasisPoints == latestReturns * 10_000 / 200)
        #expect(kitchen?.flagged == flagged)
        #expect(spikes.first { $0.key == "garden" }?.flagged == false)
    }

    @Test("a baseline month without sales has no rate and is left out of the mean")
    func baselineSkipsMonthsWithoutSales() {
        // No sales in November 2024: its 2 returns give no rate; baseline (400 + 300) / 2 = 350.
        let world = F.spikeWorld(latestKettleReturns: 7, withNovemberSales: false)
        let kettle = ReturnAnalytics(world).spikes(by: .sku, latestPeriod: "2025-02").first { $0.key == "KETTLE" }
        #expect(kettle?.baselineRateBasisPoints == 350)
        #expect(kettle?.baselinePeriodsUsed == 2)
        #expect(kettle?.flagged == true)  // 700 ≥ 2 × 350
    }

    @Test("a month with no activity has no spike rows")
    func quietMonth() {
        #expect(ReturnAnalytics(F.spikeWorld(latestKettleReturns: 6)).spikes(by: .sku, latestPeriod: "2025-06").isEmpty)
    }

    // MARK: Abuse signals

    static let asOf = Instant.date(2025, 6, 30)
    static let customer: CustomerID = "C9"

    static func ago(_ days: Int) -> Instant { asOf.adding(days: -days) }

    /// 100 kettles bought in January, so a handful of returns is a low ratio.
    static let bigSale = F.sale(
        "S-BIG", at: F.storeA, customer: customer, on: F.day(2025, 1, 10), [F.saleLine(1, F.kettle, 100)])

    static func kettleReturn(
        _ id: String, daysAgo: Int, sale: SaleID? = "S-BIG", units: Int = 1, unitRefund: Int64? = nil
    )
        -> ReturnFacts
    {
        ReturnFacts(
            request: F.request(
                ReturnID(id), at: F.storeA, sale: sale, customer: customer, on: ago(daysAgo),
                [F.returnLine(1, saleLine: sale == nil ? nil : 1, F.kettle, units, unitRefund: unitRefund)]))
    }

    /// A world where `signal` is raised (or, with `triggered` false, just missed) and no other.
    static func abuseWorld(_ signal: AbuseSignal, triggered: Bool) -> AnalyticsInput {
        var sales = [bigSale]
        var returns: [ReturnFacts] = []
        switch signal {
        case .frequency30:
            // Three requests in 30 days; when missed, the third is exactly 30 days old.
            returns = [
                kettleReturn("F1", daysAgo: 1), kettleReturn("F2", daysAgo: 5),
                kettleReturn("F3", daysAgo: triggered ? 29 : 30),
            ]
        case .frequency90:
            // Six requests 31 to 89 days ago; when missed, the last is exactly 90 days old.
            returns = [31, 40, 50, 60, 70].map { kettleReturn("Q\($0)", daysAgo: $0) }
            returns.append(kettleReturn("Q89", daysAgo: triggered ? 89 : 90))
        case .ratio:
            // 3 of 4 units back (75 %), or 3 of 10 (30 %).
            sales = [
                F.sale(
                    "S-SMALL", at: F.storeA, customer: customer, on: F.day(2025, 6, 1),
                    [F.saleLine(1, F.kettle, triggered ? 4 : 10)])
            ]
            returns = [kettleReturn("RA", daysAgo: 10, sale: "S-SMALL", units: 3)]
        case .receiptless:
            returns = [40, 50, 60].prefix(triggered ? 3 : 2).map { kettleReturn("RL\($0)", daysAgo: $0, sale: nil) }
        case .highValue:
            // Two returns worth 1000.00 or more; when missed, one is a cent short.
            returns = [
                kettleReturn("HV1", daysAgo: 35, unitRefund: 100_000),
                kettleReturn("HV2", daysAgo: 45, unitRefund: triggered ? 100_000 : 99_999),
            ]
        case .serialMismatch:
            sales.append(
                F.sale(
                    "S-PH", at: F.storeA, customer: customer, on: F.day(2025, 5, 1),
                    [
                        F.saleLine(1, F.phone, 2, serials: ["X1", "X2"])
                    ]))
            returns = [
                ReturnFacts(
                    request: F.request(
                        "SM", at: F.storeB, sale: "S-PH", customer: customer, on: ago(40),
                        [F.returnLine(1, saleLine: 1, F.phone, 1, serials: [triggered ? "Z9" : "X2"])]))
            ]
        }
        return AnalyticsInput(products: F.products, stores: F.stores, sales: sales, returns: returns)
    }

    @Test("every abuse signal is raised past its threshold, alone", arguments: AbuseSignal.allCases)
    func abuseSignalTriggered(signal: AbuseSignal) {
        let rows = ReturnAnalytics(Self.abuseWorld(signal, triggered: true))
            .customerSignals(asOf: Self.asOf, thresholds: .standard(currency: F.eur))
        #expect(rows.map(\.customer) == [Self.customer])
        #expect(rows.first?.signals == [signal])
        #expect(rows.first?.signalCodes == [signal.rawValue])
    }

    @Test("no abuse signal is raised just short of its threshold", arguments: AbuseSignal.allCases)
    func abuseSignalNotTriggered(signal: AbuseSignal) {
        let rows = ReturnAnalytics(Self.abuseWorld(signal, triggered: false))
            .customerSignals(asOf: Self.asOf, thresholds: .standard(currency: F.eur))
        #expect(rows.map(\.customer) == [Self.customer])
        #expect(rows.first?.signals == [])
    }

    @Test("the customer figures are counted by hand: windows, ratio, high value, rejected attempts")
    func customerFigures() {
        // As of 2025-04-10, C1 has R4 (8 days old), R2 (35) and R1 (36); bought 12 + 4 units; returned 2 + 1 + 1.
        // R2 is worth exactly 1000.00. C2's only return was rejected: an attempt, but no unit came back.
        let rows = ReturnAnalytics(F.main).customerSignals(
            asOf: F.day(2025, 4, 10), thresholds: .standard(currency: F.eur))
        #expect(
            rows == [
                CustomerAbuseSignals(
                    customer: "C1", returnsLast30Days: 1, returnsLast90Days: 3, boughtUnits: 16, returnedUnits: 4,
                    returnRatioBasisPoints: 2_500, receiptlessReturns: 0, highValueReturns: 1, serialMismatches: 0,
                    signals: []),
                CustomerAbuseSignals(
                    customer: "C2", returnsLast30Days: 0, returnsLast90Days: 1, boughtUnits: 5, returnedUnits: 0,
                    returnRatioBasisPoints: 0, receiptlessReturns: 0, highValueReturns: 0, serialMismatches: 0,
                    signals: []),
            ])
    }

    @Test("facts after the as-of date are ignored")
    func factsAfterAsOf() {
        let noon = Instant(millis: F.day(2025, 3, 5).millis + 12 * 3_600_000)
        let rows = ReturnAnalytics(F.main).customerSignals(asOf: noon, thresholds: .standard(currency: F.eur))
        #expect(rows.map(\.customer) == ["C1"])
        #expect(rows.first?.returnsLast90Days == 1)
        #expect(rows.first?.returnedUnits == 2)
        #expect(rows.first?.boughtUnits == 16)
    }

    @Test("thresholds are configurable and the signals come in declaration order")
    func customThresholds() {
        let strict = AbuseThresholds(
            highValue: F.eur(50_000), returnsIn30Days: 1, returnsIn90Days: 3, returnRatioBasisPoints: 2_000,
            ratioMinimumReturnedUnits: 4, receiptlessReturnsIn90Days: 1, highValueReturnsIn90Days: 1,
            serialMismatches: 1)
        let rows = ReturnAnalytics(F.main).customerSignals(asOf: F.day(2025, 4, 10), thresholds: strict)
        #expect(rows.first?.signals == [.frequency30, .frequency90, .ratio, .highValue])
        #expect(rows.first?.signals == rows.first?.signals.sorted())
    }

    @Test("a high-value threshold in another currency never matches")
    func highValueOtherCurrency() {
        let rows = ReturnAnalytics(Self.abuseWorld(.highValue, triggered: true))
            .customerSignals(asOf: Self.asOf, thresholds: .standard(currency: Currency("CNY")))
        #expect(rows.first?.highValueReturns == 0)
        #expect(rows.first?.signals == [])
    }
}

extension AnalyticsSignalsTests {
    @Test("the printed report lists flagged spikes and flagged customers")
    func renderFlagged() {
        let options = AnalyticsOptions(currency: F.eur)
        let spikes = AnalyticsReport(
            input: F.spikeWorld(latestKettleReturns: 6), asOf: F.day(2025, 2, 28), options: options)
        #expect(spikes.flaggedSpikes.map(\.key) == ["KETTLE", "kitchen"])
        let spikeText = spikes.render()
        #expect(spikeText.contains("KETTLE                          100          6     6.00%     3.00%       3\n"))
        #expect(spikeText.contains("kitchen                         200          6     3.00%     1.50%       3\n"))
        #expect(!spikeText.contains("NEWBIE                          10"))  // only flagged spikes are printed

        let abuse = AnalyticsReport(input: Self.abuseWorld(.ratio, triggered: true), asOf: Self.asOf, options: options)
        #expect(abuse.flaggedCustomers.map(\.customer) == [Self.customer])
        #expect(
            abuse.render().contains(
                "C9                   1     1        4         3    75.00%        0         0       0  abuse.ratio\n"))
    }
}
