/// An ISO 4217 currency code such as `EUR` or `CNY`.
public struct Currency: RawRepresentable, Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ code: String) { self.rawValue = code }
    public var description: String { rawValue }
    public static func < (a: Currency, b: Currency) -> Bool { a.rawValue < b.rawValue }

    /// An ISO 4217 code as written: three capital letters A–Z (`EUR`, `CNY`).
    public var isWellFormed: Bool {
        let scalars = rawValue.unicodeScalars
        return scalars.count == 3 && scalars.allSatisfy { $0 >= "A" && $0 <= "Z" }
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// An amount of money in integer minor units (cents, fen) of one currency. Never floating point.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The amount in minor units; negative for money going the other way.
    public var minor: Int64
    public var currency: Currency

    public init(_ minor: Int64, _ currency: Currency) {
        self.minor = minor
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(0, currency) }

    public var isZero: Bool { minor == 0 }
    public var isNegative: Bool { minor < 0 }
    public var isPositive: Bool { minor > 0 }

    /// `12.34 EUR`, `1234 JPY`: in the currency's own decimals, for people.
    public var description: String { "\(MoneyText.format(self)) \(currency)" }

    /// Adds two amounts of the same currency; throws `money.currencyMismatch` otherwise.
    public func adding(_ other: Money) throws(DomainError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        return Money(minor + other.minor, currency)
    }

    public func subtracting(_ other: Money) throws(DomainError) -> Money {
        guard currency == other.currency else { throw .currencyMismatch(currency, other.currency) }
        return Money(minor - other.minor, currency)
    }

    public func times(_ quantity: Int) -> Money { Money(minor * Int64(quantity), currency) }

    public static prefix func - (m: Money) -> Money { Money(-m.minor, m.currency) }

    /// `self × numerator / denominator`, rounded half away from zero, in integers only.
    public func scaled(by numerator: Int64, over denominator: Int64) -> Money {
        Money(Money.divideRounded(minor * numerator, denominator), currency)
    }

    /// Integer division rounding half away from zero.
    public static func divideRounded(_ n: Int64, _ d: Int64) -> Int64 {
        precondition(d != 0, "division by zero")
        let q = n / d
        let r = n % d
        if r == 0 { return q }
        let twiceR = r.magnitude * 2
        if twiceR >= d.magnitude { return q + ((n < 0) != (d < 0) ? -1 : 1) }
        return q
    }

    /// Splits `self` into parts proportional to `weights` that add up exactly to `self`
    /// (largest-remainder method; ties go to the earlier part).
    public func allocated(proportionalTo weights: [Int64]) -> [Money] {
        let total = weights.reduce(0, +)
        guard total > 0 else { return weights.map { _ in Money(0, currency) } }
        var parts = weights.map { minor * $0 / total }
        var remainders = weights.enumerated().map { (index: $0.offset, rem: (minor * $0.element) % total) }
        var left = minor - parts.reduce(0, +)
        remainders.sort {
            $0.rem.magnitude != $1.rem.magnitude ? $0.rem.magnitude > $1.rem.magnitude : $0.index < $1.index
        }
        let step: Int64 = left >= 0 ? 1 : -1
        var i = 0
        while left != 0 && !remainders.isEmpty {
            parts[remainders[i % remainders.count].index] += step
            left -= step
            i += 1
        }
        return parts.map { Money($0, currency) }
    }
}

extension Array where Element == Money {
    /// The sum of amounts of one currency; throws on mixed currencies.
    public func sum(in currency: Currency) throws(DomainError) -> Money {
        var total = Money.zero(currency)
        for m in self { total = try total.adding(m) }
        return total
    }
}

/// A VAT rate in basis points: 1300 is 13 %, 2000 is 20 %.
public struct VATRate: Hashable, Sendable, Codable, Comparable {
    public var basisPoints: Int64
    public init(basisPoints: Int64) { self.basisPoints = basisPoints }
    public static func < (a: VATRate, b: VATRate) -> Bool { a.basisPoints < b.basisPoints }

    public init(from decoder: any Decoder) throws {
        basisPoints = try decoder.singleValueContainer().decode(Int64.self)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(basisPoints)
    }

    /// Splits a VAT-inclusive gross amount into net and VAT, exactly (net + vat == gross).
    public func split(gross: Money) -> (net: Money, vat: Money) {
        let vat = gross.scaled(by: basisPoints, over: 10_000 + basisPoints)
        return (Money(gross.minor - vat.minor, gross.currency), vat)
    }
}
