/// The length of one bar of a chart over time.
public enum AnalyticsBucket: String, Hashable, Sendable, Codable, CaseIterable {
    /// A UTC day, keyed `YYYY-MM-DD`.
    case day
    /// A week from Monday (ISO 8601), keyed by its Monday `YYYY-MM-DD`.
    case week
    /// A calendar month, keyed `YYYY-MM`.
    case month

    /// The first instant of the bucket `instant` falls in.
    public func start(of instant: Instant) -> Instant {
        let days =
            instant.millis >= 0
            ? instant.millis / Instant.millisPerDay
            : (instant.millis - Instant.millisPerDay + 1) / Instant.millisPerDay
        let midnight = Instant(millis: days * Instant.millisPerDay)
        switch self {
        case .day: return midnight
        case .week:
            // 1970-01-01 was a Thursday: days + 3 counts from a Monday.
            let fromMonday = ((days + 3) % 7 + 7) % 7
            return midnight.adding(days: -Int(fromMonday))
        case .month:
            let (y, m, _) = instant.civil
            return Instant.date(y, m, 1)
        }
    }

    /// The bucket's key for the bucket that starts at `start`.
    public func key(_ start: Instant) -> String { self == .month ? start.month : start.day }

    /// The start of the bucket `count` buckets before the one starting at `start`.
    public func start(_ count: Int, before start: Instant) -> Instant {
        switch self {
        case .day: return start.adding(days: -count)
        case .week: return start.adding(days: -7 * count)
        case .month:
            let (y, m, _) = start.civil
            let months = y * 12 + (m - 1) - Int64(count)
            return Instant.date(months / 12, months % 12 + 1, 1)
        }
    }
}

/// One bar of a chart: one key of a dimension in one bucket of time.
public struct SeriesPoint: Hashable, Sendable, Codable {
    public var key: String
    /// The bucket's key (`AnalyticsBucket.key`).
    public var bucket: String
    public var soldUnits: Int
    public var returnedUnits: Int
    /// `returned × 10_000 / sold`, rounded down; nil when nothing was sold in the bucket.
    public var rateBasisPoints: Int?
    /// The mean rate of the buckets before (`SpikeRule.baselinePeriods` of them) that had sales.
    public var baselineRateBasisPoints: Int?
    /// A spike: the rule of `ReturnAnalytics.spikes`, applied to this bucket and the ones before it.
    public var spike: Bool

    public init(
        key: String, bucket: String, soldUnits: Int, returnedUnits: Int, rateBasisPoints: Int?,
        baselineRateBasisPoints: Int?, spike: Bool
    ) {
        self.key = key
        self.bucket = bucket
        self.soldUnits = soldUnits
        self.returnedUnits = returnedUnits
        self.rateBasisPoints = rateBasisPoints
        self.baselineRateBasisPoints = baselineRateBasisPoints
        self.spike = spike
    }
}

/// A chart: return rates of every key of one dimension, bucket by bucket.
public struct AnalyticsSeries: Hashable, Sendable, Codable {
    public var dimension: AnalyticsDimension
    public var bucket: AnalyticsBucket
    /// Every bucket from the first with a sale or return to the last, oldest first (gaps included).
    public var buckets: [String]
    /// Units sold and returned per key over all the buckets, most returned first, then by key.
    public var totals: [ReturnRateRow]
    /// One point per key and bucket that sold or took back a unit, by key then bucket.
    public var points: [SeriesPoint]

    public init(
        dimension: AnalyticsDimension, bucket: AnalyticsBucket, buckets: [String], totals: [ReturnRateRow],
        points: [SeriesPoint]
    ) {
        self.dimension = dimension
        self.bucket = bucket
        self.buckets = buckets
        self.totals = totals
        self.points = points
    }
}

extension ReturnAnalytics {
    /// How many buckets a series may span (a day chart over eleven years is not a chart).
    public static let maxSeriesBuckets = 4000

    /// The return rate of every key of `dimension` (any but `.period`) per `bucket`, each point
    /// marked a spike when its rate is at least `rule.factorBasisPoints` of the mean of the
    /// `rule.baselinePeriods` buckets before it that had sales, with at least
    /// `rule.minimumReturnedUnits` returned (as the monthly `spikes(by:latestPeriod:rule:)`).
    public func series(by dimension: AnalyticsDimension, bucket: AnalyticsBucket, rule: SpikeRule = SpikeRule())
        -> AnalyticsSeries
    {
        var byBucket: [Instant: RateTally] = [:]
        for c in soldCounts(dimension) {
            byBucket[bucket.start(of: c.at), default: RateTally()].addSold(c.key, c.units)
        }
        for c in returnedCounts(dimension) {
            byBucket[bucket.start(of: c.at), default: RateTally()].addReturned(c.key, c.units)
        }
        var starts: [Instant] = []
        if let first = byBucket.keys.min(), let last = byBucket.keys.max() {
            var at = last
            while at >= first, starts.count < Self.maxSeriesBuckets {
                starts.append(at)
                at = bucket.start(1, before: at)
            }
            starts.reverse()
        }
        var points: [SeriesPoint] = []
        for start in starts {
            guard let tally = byBucket[start] else { continue }
            let before = (0..<max(0, rule.baselinePeriods)).map { byBucket[bucket.start($0 + 1, before: start)] }
            for key in tally.keys {
                let v = rule.judge(key, latest: tally, baseline: before)
                points.append(
                    SeriesPoint(
                        key: key, bucket: bucket.key(start), soldUnits: v.sold, returnedUnits: v.returned,
                        rateBasisPoints: v.rate, baselineRateBasisPoints: v.baseline, spike: v.flagged))
            }
        }
        points.sort { $0.key != $1.key ? $0.key < $1.key : $0.bucket < $1.bucket }
        let totals = returnRates(by: dimension).sorted {
            $0.returnedUnits != $1.returnedUnits ? $0.returnedUnits > $1.returnedUnits : $0.key < $1.key
        }
        return AnalyticsSeries(
            dimension: dimension, bucket: bucket, buckets: starts.map(bucket.key), totals: totals, points: points)
    }
}
