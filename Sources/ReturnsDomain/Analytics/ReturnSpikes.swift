/// When a return rate counts as a spike.
public struct SpikeRule: Hashable, Sendable, Codable {
    /// How many months before the latest one make the baseline (default 3).
    public var baselinePeriods: Int
    /// Flag when latest rate ≥ factor × baseline; in basis points, 20_000 = 2× (the default).
    public var factorBasisPoints: Int
    /// Flag only when the latest month has at least this many returned units (default 5), so one
    /// return of a slow seller is not a spike.
    public var minimumReturnedUnits: Int

    public init(baselinePeriods: Int = 3, factorBasisPoints: Int = 20_000, minimumReturnedUnits: Int = 5) {
        self.baselinePeriods = baselinePeriods
        self.factorBasisPoints = factorBasisPoints
        self.minimumReturnedUnits = minimumReturnedUnits
    }
}

/// The latest month's return rate of one key against its baseline.
public struct ReturnSpike: Hashable, Sendable, Codable {
    public var key: String
    /// The latest month, `YYYY-MM`.
    public var period: String
    public var soldUnits: Int
    public var returnedUnits: Int
    /// The latest month's rate; nil when nothing was sold that month.
    public var rateBasisPoints: Int?
    /// Mean of the baseline months' rates, rounded down; nil when no baseline month had sales.
    public var baselineRateBasisPoints: Int?
    /// How many baseline months had sales and so entered the mean.
    public var baselinePeriodsUsed: Int
    public var flagged: Bool

    public init(
        key: String, period: String, soldUnits: Int, returnedUnits: Int, rateBasisPoints: Int?,
        baselineRateBasisPoints: Int?, baselinePeriodsUsed: Int, flagged: Bool
    ) {
        self.key = key
        self.period = period
        self.soldUnits = soldUnits
        self.returnedUnits = returnedUnits
        self.rateBasisPoints = rateBasisPoints
        self.baselineRateBasisPoints = baselineRateBasisPoints
        self.baselinePeriodsUsed = baselinePeriodsUsed
        self.flagged = flagged
    }
}

extension ReturnAnalytics {
    /// Compares each key's return rate in `latestPeriod` (`YYYY-MM`, e.g. `asOf.month`) with the
    /// mean rate of the `rule.baselinePeriods` calendar months before it. One row per key active in
    /// the latest month, sorted by key.
    ///
    /// Flagged when latest ≥ factor × baseline and the latest month returned at least
    /// `rule.minimumReturnedUnits`. Baseline months without sales have no rate and are skipped;
    /// with no baseline, or no sales in the latest month, nothing is flagged. The comparison is
    /// exact (latest × 10_000 × months ≥ factor × Σ baseline rates). Meant for SKU and category;
    /// any dimension works except `.period`, whose keys are the months themselves.
    public func spikes(by dimension: AnalyticsDimension, latestPeriod: String, rule: SpikeRule = SpikeRule())
        -> [ReturnSpike]
    {
        let byMonth = monthlyTallies(dimension)
        guard let latest = byMonth[latestPeriod] else { return [] }
        let baselineMonths = AnalyticsMath.months(before: latestPeriod, count: rule.baselinePeriods)
        return latest.keys.map { key in
            let v = rule.judge(key, latest: latest, baseline: baselineMonths.map { byMonth[$0] })
            return ReturnSpike(
                key: key, period: latestPeriod, soldUnits: v.sold, returnedUnits: v.returned,
                rateBasisPoints: v.rate, baselineRateBasisPoints: v.baseline, baselinePeriodsUsed: v.used,
                flagged: v.flagged)
        }
    }
}

extension SpikeRule {
    /// One key's rate in `latest` against the periods before it (nil where a period had no
    /// fact): flagged when latest ≥ factor × the mean of the baseline periods that had sales,
    /// with at least `minimumReturnedUnits` returned. Exact: latest × 10_000 × periods ≥ factor ×
    /// Σ baseline rates.
    func judge(_ key: String, latest: RateTally, baseline: [RateTally?]) -> (
        sold: Int, returned: Int, rate: Int?, baseline: Int?, used: Int, flagged: Bool
    ) {
        var sum = 0
        var used = 0
        for case let t? in baseline {
            guard let rate = AnalyticsMath.basisPoints(t.returnedUnits(key), of: t.soldUnits(key)) else { continue }
            sum += rate
            used += 1
        }
        let sold = latest.soldUnits(key)
        let back = latest.returnedUnits(key)
        let rate = AnalyticsMath.basisPoints(back, of: sold)
        var flagged = false
        if let rate, used > 0, back >= minimumReturnedUnits {
            flagged = rate * 10_000 * used >= factorBasisPoints * sum
        }
        return (sold, back, rate, used > 0 ? sum / used : nil, used, flagged)
    }
}
