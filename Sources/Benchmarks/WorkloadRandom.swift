import Foundation

/// SplitMix64: a small, fast, seeded generator. The same seed gives the same stream on every
/// platform and build, which is what makes a workload reproducible.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool { unit() < p }

    /// Uniform in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.upperBound - range.lowerBound + 1))
    }

    /// An index into `weights` drawn with probability proportional to its weight.
    mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var u = unit() * total
        for (i, w) in weights.enumerated() {
            if u < w { return i }
            u -= w
        }
        return weights.count - 1
    }
}

/// Zipf's law over ranks 0..<n: rank k is drawn with probability ∝ 1 / (k + 1)^s. Retail sales
/// follow it closely (a few SKUs sell most units); s = 1 is the classic fit.
public struct ZipfSampler: Sendable {
    private let cdf: [Double]
    public let count: Int

    public init(count: Int, exponent s: Double) {
        precondition(count > 0)
        self.count = count
        var cdf = [Double](repeating: 0, count: count)
        var sum = 0.0
        for k in 0..<count {
            sum += 1 / pow(Double(k + 1), s)
            cdf[k] = sum
        }
        for k in 0..<count { cdf[k] /= sum }
        self.cdf = cdf
    }

    /// A rank, 0 the most frequent.
    func sample(_ rng: inout SplitMix64) -> Int {
        let u = rng.unit()
        var lo = 0
        var hi = count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cdf[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The probability of rank `k`.
    public func probability(of k: Int) -> Double { k == 0 ? cdf[0] : cdf[k] - cdf[k - 1] }
}
