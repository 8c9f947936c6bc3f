/// A reason to look at a customer's returns more closely. The raw value is the stable code.
public enum AbuseSignal: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Many return requests in the last 30 days.
    case frequency30 = "abuse.frequency30"
    /// Many return requests in the last 90 days.
    case frequency90 = "abuse.frequency90"
    /// Returns a large share of what they buy.
    case ratio = "abuse.ratio"
    /// Many receipt-less returns in the last 90 days.
    case receiptless = "abuse.receiptless"
    /// Several high-value returns in the last 90 days.
    case highValue = "abuse.highValue"
    /// Brought back a serial number the referenced sale line never had (last 90 days).
    case serialMismatch = "abuse.serialMismatch"

    public static func < (a: AbuseSignal, b: AbuseSignal) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// When a customer's returns raise a signal. Each count threshold is "this many or more".
public struct AbuseThresholds: Hashable, Sendable, Codable {
    /// Return requests in 30 days for `abuse.frequency30` (default 3).
    public var returnsIn30Days: Int
    /// Return requests in 90 days for `abuse.frequency90` (default 6).
    public var returnsIn90Days: Int
    /// Returned ÷ bought units, in basis points, for `abuse.ratio` (default 5_000 = 50 %).
    public var returnRatioBasisPoints: Int
    /// `abuse.ratio` needs at least this many units returned (default 3), so one returned gift is not abuse.
    public var ratioMinimumReturnedUnits: Int
    /// Receipt-less returns in 90 days for `abuse.receiptless` (default 3; the standard policy allows 2).
    public var receiptlessReturnsIn90Days: Int
    /// A return whose gross value is at least this is high-value (default 1,000.00, the standard
    /// policy's approval threshold). Returns in other currencies are never high-value.
    public var highValue: Money
    /// High-value returns in 90 days for `abuse.highValue` (default 2).
    public var highValueReturnsIn90Days: Int
    /// Mismatched serials in 90 days for `abuse.serialMismatch` (default 1: any).
    public var serialMismatches: Int

    public init(
        highValue: Money, returnsIn30Days: Int = 3, returnsIn90Days: Int = 6, returnRatioBasisPoints: Int = 5_000,
        ratioMinimumReturnedUnits: Int = 3, receiptlessReturnsIn90Days: Int = 3, highValueReturnsIn90Days: Int = 2,
        serialMismatches: Int = 1
    ) {
        self.highValue = highValue
        self.returnsIn30Days = returnsIn30Days
        self.returnsIn90Days = returnsIn90Days
        self.returnRatioBasisPoints = returnRatioBasisPoints
        self.ratioMinimumReturnedUnits = ratioMinimumReturnedUnits
        self.receiptlessReturnsIn90Days = receiptlessReturnsIn90Days
        self.highValueReturnsIn90Days = highValueReturnsIn90Days
        self.serialMismatches = serialMismatches
    }

    /// The defaults, with high value at 1,000.00 of `currency`.
    public static func standard(currency: Currency) -> AbuseThresholds {
        AbuseThresholds(highValue: Money(100_000, currency))
    }

    /// Thresholds head office may set (`abuseThresholds.set`): every count from 1 (0 would flag
    /// every customer), the ratio from 1 to 10,000 basis points, the high value a plain amount in
    /// the chain's `currency` (when given).
    public func validate(currency: Currency?) throws(DomainError) {
        let counts = [
            returnsIn30Days, returnsIn90Days, ratioMinimumReturnedUnits, receiptlessReturnsIn90Days,
            highValueReturnsIn90Days, serialMismatches,
        ]
        guard counts.allSatisfy({ (1...Limits.maxQuantity).contains($0) }),
            (1...Int(Limits.maxBasisPoints)).contains(returnRatioBasisPoints),
            (0...Limits.maxMoney).contains(highValue.minor), highValue.currency.isWellFormed
        else {
            throw DomainError(
                code: "abuse.invalidThresholds",
                message:
                    "every count is a whole number from 1, the ratio 1 to 10,000 basis points, the high value an amount"
            )
        }
        if let currency, highValue.currency != currency {
            throw .currencyMismatch(highValue.currency, currency)
        }
    }
}

/// One customer's return behaviour as of a date, and the signals it raises.
public struct CustomerAbuseSignals: Hashable, Sendable, Codable {
    public var customer: CustomerID
    /// Return requests (rejected ones too: an attempt is a signal) in the 30 days up to `asOf`.
    public var returnsLast30Days: Int
    /// Return requests in the 90 days up to `asOf`.
    public var returnsLast90Days: Int
    /// Units bought up to `asOf`.
    public var boughtUnits: Int
    /// Units returned up to `asOf`, rejected returns left out.
    public var returnedUnits: Int
    /// `returned × 10_000 / bought`, rounded down; nil when nothing was bought.
    public var returnRatioBasisPoints: Int?
    /// Receipt-less return requests in the last 90 days.
    public var receiptlessReturns: Int
    /// Return requests worth at least the high-value threshold in the last 90 days.
    public var highValueReturns: Int
    /// Returned serials in the last 90 days that the referenced sale line did not have.
    public var serialMismatches: Int
    /// Signals raised, in declaration order.
    public var signals: [AbuseSignal]

    public init(
        customer: CustomerID, returnsLast30Days: Int, returnsLast90Days: Int, boughtUnits: Int, returnedUnits: Int,
        returnRatioBasisPoints: Int?, receiptlessReturns: Int, highValueReturns: Int, serialMismatches: Int,
        signals: [AbuseSignal]
    ) {
        self.customer = customer
        self.returnsLast30Days = returnsLast30Days
        self.returnsLast90Days = returnsLast90Days
        self.boughtUnits = boughtUnits
        self.returnedUnits = returnedUnits
        self.returnRatioBasisPoints = returnRatioBasisPoints
        self.receiptlessReturns = receiptlessReturns
        self.highValueReturns = highValueReturns
        self.serialMismatches = serialMismatches
        self.signals = signals
    }

    /// The stable codes of `signals` (`abuse.ratio`, …).
    public var signalCodes: [String] { signals.map(\.rawValue) }
}

extension ReturnAnalytics {
    /// Per customer with at least one return requested up to `asOf`, sorted by customer. Windows
    /// are the 30 and 90 days ending at `asOf` (a request exactly 30 days old is outside the
    /// 30-day window); the ratio covers all facts up to `asOf`. Facts after `asOf` are ignored,
    /// as are returns and sales without a customer.
    public func customerSignals(asOf: Instant, thresholds: AbuseThresholds) -> [CustomerAbuseSignals] {
        var rows: [CustomerID: CustomerAbuseSignals] = [:]
        for facts in input.returns {
            let r = facts.request
            guard let customer = r.customer, r.requestedAt <= asOf else { continue }
            var row =
                rows[customer]
                ?? CustomerAbuseSignals(
                    customer: customer, returnsLast30Days: 0, returnsLast90Days: 0, boughtUnits: 0, returnedUnits: 0,
                    returnRatioBasisPoints: nil, receiptlessReturns: 0, highValueReturns: 0, serialMismatches: 0,
                    signals: [])
            let age = asOf.millis - r.requestedAt.millis
            if !facts.rejected { row.returnedUnits += r.totalQuantity }
            if age < 30 * Instant.millisPerDay { row.returnsLast30Days += 1 }
            if age < 90 * Instant.millisPerDay {
                row.returnsLast90Days += 1
                if r.isReceiptless { row.receiptlessReturns += 1 }
                if r.currency == thresholds.highValue.currency, r.gross.minor >= thresholds.highValue.minor {
                    row.highValueReturns += 1
                }
                row.serialMismatches += mismatchedSerials(in: r)
            }
            rows[customer] = row
        }
        for sale in input.sales where sale.soldAt <= asOf {
            guard let customer = sale.customer, rows[customer] != nil else { continue }
            rows[customer]!.boughtUnits += sale.lines.reduce(0) { $0 + $1.quantity }
        }
        return rows.keys.sorted().map { customer in
            var row = rows[customer]!
            row.returnRatioBasisPoints = AnalyticsMath.basisPoints(row.returnedUnits, of: row.boughtUnits)
            var signals: [AbuseSignal] = []
            if row.returnsLast30Days >= thresholds.returnsIn30Days { signals.append(.frequency30) }
            if row.returnsLast90Days >= thresholds.returnsIn90Days { signals.append(.frequency90) }
            if let ratio = row.returnRatioBasisPoints, ratio >= thresholds.returnRatioBasisPoints,
                row.returnedUnits >= thresholds.ratioMinimumReturnedUnits
            {
                signals.append(.ratio)
            }
            if row.receiptlessReturns >= thresholds.receiptlessReturnsIn90Days { signals.append(.receiptless) }
            if row.highValueReturns >= thresholds.highValueReturnsIn90Days { signals.append(.highValue) }
            if row.serialMismatches >= thresholds.serialMismatches { signals.append(.serialMismatch) }
            row.signals = signals
            return row
        }
    }

    /// Serials on the return that are not on the sale line each return line references. Lines
    /// without a sale line, and sales not in the input, cannot be checked and count nothing; a
    /// referenced line the sale does not have matches no serial.
    func mismatchedSerials(in r: ReturnRequest) -> Int {
        guard let saleID = r.sale, let sale = salesByID[saleID] else { return 0 }
        var count = 0
        for line in r.lines where !line.serials.isEmpty {
            guard let number = line.saleLine else { continue }
            let sold = Set(sale.line(number)?.serials ?? [])
            count += line.serials.filter { !sold.contains($0) }.count
        }
        return count
    }
}
