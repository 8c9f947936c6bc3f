/// What an `AnalyticsReport` is asked to compute.
public struct AnalyticsOptions: Hashable, Sendable, Codable {
    /// How many top returned items to list (default 10).
    public var topLimit: Int
    public var spikeRule: SpikeRule
    public var abuse: AbuseThresholds
    /// The month spikes are looked for in; nil means the month of `asOf`.
    public var latestPeriod: String?

    /// Defaults throughout; the abuse thresholds are `AbuseThresholds.standard(currency:)`.
    public init(
        currency: Currency, topLimit: Int = 10, spikeRule: SpikeRule = SpikeRule(), abuse: AbuseThresholds? = nil,
        latestPeriod: String? = nil
    ) {
        self.topLimit = topLimit
        self.spikeRule = spikeRule
        self.abuse = abuse ?? .standard(currency: currency)
        self.latestPeriod = latestPeriod
    }
}

/// Head office's early-warning report: every analytic over one set of facts, as of one date.
public struct AnalyticsReport: Hashable, Sendable, Codable {
    public var asOf: Instant
    /// The month spikes were looked for in (`YYYY-MM`).
    public var period: String
    public var ratesBySKU: [ReturnRateRow]
    public var ratesByCategory: [ReturnRateRow]
    public var ratesByStore: [StoreReturnRateRow]
    public var ratesByChannel: [ReturnRateRow]
    public var ratesByReason: [ReturnRateRow]
    public var ratesByLot: [ReturnRateRow]
    public var ratesByPeriod: [ReturnRateRow]
    public var costBySKU: [CostOfReturnsRow]
    public var costByStore: [CostOfReturnsRow]
    public var costByPeriod: [CostOfReturnsRow]
    public var topReturned: [TopReturnedItem]
    /// Every SKU active in `period`, flagged or not.
    public var skuSpikes: [ReturnSpike]
    /// Every category active in `period`, flagged or not.
    public var categorySpikes: [ReturnSpike]
    /// Every customer with a return up to `asOf`, signals or not.
    public var customers: [CustomerAbuseSignals]
    public var lowStock: [LowStockAlert]

    /// Computes the whole report; pure, so the same input and date always give the same report.
    public init(input: AnalyticsInput, asOf: Instant, options: AnalyticsOptions) {
        let a = ReturnAnalytics(input)
        let period = options.latestPeriod ?? asOf.month
        self.asOf = asOf
        self.period = period
        ratesBySKU = a.returnRates(by: .sku)
        ratesByCategory = a.returnRates(by: .category)
        ratesByStore = a.storeReturnRates()
        ratesByChannel = a.returnRates(by: .channel)
        ratesByReason = a.returnRates(by: .reason)
        ratesByLot = a.returnRates(by: .lot)
        ratesByPeriod = a.returnRates(by: .period)
        costBySKU = a.costOfReturns(by: .sku)
        costByStore = a.costOfReturns(by: .store)
        costByPeriod = a.costOfReturns(by: .period)
        topReturned = a.topReturnedItems(limit: options.topLimit)
        skuSpikes = a.spikes(by: .sku, latestPeriod: period, rule: options.spikeRule)
        categorySpikes = a.spikes(by: .category, latestPeriod: period, rule: options.spikeRule)
        customers = a.customerSignals(asOf: asOf, thresholds: options.abuse)
        lowStock = a.lowStockAlerts()
    }

    /// Only the flagged spikes, SKUs first.
    public var flaggedSpikes: [ReturnSpike] { (skuSpikes + categorySpikes).filter(\.flagged) }

    /// Only the customers who raised at least one signal.
    public var flaggedCustomers: [CustomerAbuseSignals] { customers.filter { !$0.signals.isEmpty } }
}

extension AnalyticsReport {
    /// A fixed-width plain-text rendering (ASCII, at most 120 columns except signal lists) for printing.
    /// Rates print as percentages with two decimals, money as minor units with two decimals.
    public func render() -> String {
        typealias C = TextColumn
        let pct = TextLayout.percent
        let amt = TextLayout.amount
        var out: [String] = ["RETURNSYNC RETURNS ANALYTICS   as of \(asOf.day)   latest period \(period)"]

        func section(_ title: String, _ columns: [TextColumn], _ rows: [[String]]) {
            out += ["", title.uppercased(), String(repeating: "=", count: title.count)]
            out += rows.isEmpty ? ["(none)"] : TextLayout.table(columns, rows)
        }
        func rates(_ title: String, _ rows: [ReturnRateRow]) {
            section(
                "Return rate by \(title)",
                [
                    C(title.uppercased(), 24), C("SOLD", 9, right: true), C("RETURNED", 9, right: true),
                    C("RATE", 8, right: true), C("SHARE", 8, right: true),
                ],
                rows.map {
                    [
                        $0.key, "\($0.soldUnits)", "\($0.returnedUnits)", pct($0.rateBasisPoints),
                        pct($0.shareBasisPoints),
                    ]
                })
        }
        func costs(_ title: String, _ rows: [CostOfReturnsRow]) {
            section(
                "Cost of returns by \(title)",
                [
                    C(title.uppercased(), 20), C("CUR", 3), C("REFUND", 12, right: true), C("REPAIR", 11, right: true),
                    C("SHIPPING", 11, right: true), C("SCRAP", 11, right: true), C("WRITE-DOWN", 11, right: true),
                    C("TOTAL", 12, right: true),
                ],
                rows.map {
                    [
                        $0.key, $0.currency.rawValue, amt($0.refundCost), amt($0.repairCost), amt($0.shippingCost),
                        amt($0.scrapLoss), amt($0.writeDown), amt($0.total),
                    ]
                })
        }
        func spikes(_ title: String, _ rows: [ReturnSpike]) {
            section(
                "Return spikes by \(title) in \(period)",
                [
                    C(title.uppercased(), 24), C("SOLD", 9, right: true), C("RETURNED", 9, right: true),
                    C("RATE", 8, right: true), C("BASELINE", 8, right: true), C("MONTHS", 6, right: true),
                ],
                rows.filter(\.flagged).map {
                    [
                        $0.key, "\($0.soldUnits)", "\($0.returnedUnits)", pct($0.rateBasisPoints),
                        pct($0.baselineRateBasisPoints), "\($0.baselinePeriodsUsed)",
                    ]
                })
        }

        rates("SKU", ratesBySKU)
        rates("category", ratesByCategory)
        section(
            "Return rate by selling store",
            [
                C("STORE", 16), C("CHANNEL", 11), C("SOLD", 9, right: true), C("RETURNED", 9, right: true),
                C("RATE", 8, right: true), C("TAKEN IN", 9, right: true), C("FOR OTHERS", 10, right: true),
            ],
            ratesByStore.map {
                [
                    $0.store.rawValue, $0.channel?.rawValue ?? ReturnAnalytics.unknownKey, "\($0.soldUnits)",
                    "\($0.returnedUnits)", pct($0.rateBasisPoints), "\($0.takenInUnits)", "\($0.takenInForOtherStores)",
                ]
            })
        rates("channel", ratesByChannel)
        rates("reason", ratesByReason)
        rates("lot", ratesByLot)
        rates("period", ratesByPeriod)
        costs("SKU", costBySKU)
        costs("store", costByStore)
        costs("period", costByPeriod)
        section(
            "Top returned items",
            [
                C("#", 3, right: true), C("SKU", 16), C("NAME", 24), C("RETURNED", 9, right: true),
                C("SOLD", 9, right: true), C("RATE", 8, right: true),
            ],
            topReturned.enumerated().map { i, t in
                [
                    "\(i + 1)", t.sku.rawValue, t.name ?? "", "\(t.returnedUnits)", "\(t.soldUnits)",
                    pct(t.rateBasisPoints),
                ]
            })
        spikes("SKU", skuSpikes)
        spikes("category", categorySpikes)
        section(
            "Customers with abuse signals",
            [
                C("CUSTOMER", 16), C("30D", 4, right: true), C("90D", 4, right: true), C("BOUGHT", 7, right: true),
                C("RETURNED", 8, right: true), C("RATIO", 8, right: true), C("NO RCPT", 7, right: true),
                C("HIGH VAL", 8, right: true), C("SERIAL", 6, right: true), C("SIGNALS", 0),
            ],
            flaggedCustomers.map {
                [
                    $0.customer.rawValue, "\($0.returnsLast30Days)", "\($0.returnsLast90Days)", "\($0.boughtUnits)",
                    "\($0.returnedUnits)", pct($0.returnRatioBasisPoints), "\($0.receiptlessReturns)",
                    "\($0.highValueReturns)", "\($0.serialMismatches)", $0.signalCodes.joined(separator: ","),
                ]
            })
        section(
            "Low stock",
            [
                C("STORE", 16), C("SKU", 16), C("SELLABLE", 9, right: true), C("MINIMUM", 9, right: true),
                C("SHORTFALL", 9, right: true),
            ],
            lowStock.map { [$0.store.rawValue, $0.sku.rawValue, "\($0.sellable)", "\($0.minimum)", "\($0.shortfall)"] })
        return out.joined(separator: "\n") + "\n"
    }
}

/// One column of a fixed-width table; width 0 means "as wide as the text" (for a last column).
struct TextColumn {
    var title: String
    var width: Int
    var right: Bool
    init(_ title: String, _ width: Int, right: Bool = false) {
        self.title = title
        self.width = width
        self.right = right
    }
}

enum TextLayout {
    /// Pads to `width`, or cuts the text and marks the cut with `~` so columns never shift.
    static func pad(_ text: String, _ width: Int, right: Bool) -> String {
        guard width > 0 else { return text }
        if text.count > width { return String(text.prefix(width - 1)) + "~" }
        let fill = String(repeating: " ", count: width - text.count)
        return right ? fill + text : text + fill
    }

    static func table(_ columns: [TextColumn], _ rows: [[String]]) -> [String] {
        func line(_ cells: [String]) -> String {
            var text = zip(columns, cells).map { pad($1, $0.width, right: $0.right) }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        return [line(columns.map(\.title))] + rows.map(line)
    }

    /// `1234` basis points as `12.34%`; `-` when there is no rate.
    static func percent(_ basisPoints: Int?) -> String {
        guard let bp = basisPoints else { return "-" }
        let sign = bp < 0 ? "-" : ""
        let a = bp.magnitude
        return "\(sign)\(a / 100).\(a % 100 < 10 ? "0" : "")\(a % 100)%"
    }

    /// The amount in its currency's decimals and no code (the table has a currency column).
    static func amount(_ money: Money) -> String { MoneyText.format(money) }
}
