/// A string identifier with its own type, so a SKU is never passed where a store is meant.
public protocol StringIdentifier: RawRepresentable, Hashable, Sendable, Codable, Comparable,
    CustomStringConvertible, ExpressibleByStringLiteral
where RawValue == String {
    init(rawValue: String)
}

extension StringIdentifier {
    public init(_ value: String) { self.init(rawValue: value) }
    public init(stringLiteral value: String) { self.init(rawValue: value) }
    public var description: String { rawValue }
    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }
}

/// Stock-keeping unit.
public struct SKU: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A branch store or a sales channel (online shop, marketplace).
public struct StoreID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A customer, minted offline (UUIDv7 or store-prefixed).
public struct CustomerID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A receipt number; store-prefixed so that stores mint them offline without clashing.
public struct SaleID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A return document (退货单) number, minted offline.
public struct ReturnID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A repair order number, minted offline.
public struct RepairOrderID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A staff member (who did what).
public struct StaffID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}
/// A supplier, for returns to vendor.
public struct VendorID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}

/// A business date-time: milliseconds since the Unix epoch, UTC. The domain never reads a clock;
/// callers pass the time in.
public struct Instant: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var millis: Int64
    public init(millis: Int64) { self.millis = millis }
    public static func < (a: Instant, b: Instant) -> Bool { a.millis < b.millis }
    public static let millisPerDay: Int64 = 86_400_000

    public func adding(days: Int) -> Instant { Instant(millis: millis + Int64(days) * Instant.millisPerDay) }
    /// Whole days elapsed from `earlier` to `self`, rounded down (0 on the same day-length span).
    public func days(since earlier: Instant) -> Int { Int((millis - earlier.millis) / Instant.millisPerDay) }

    /// Civil date (UTC) as `YYYY-MM-DD`, computed without Foundation (Howard Hinnant's algorithm).
    public var day: String {
        let (y, m, d) = civil
        return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
    }
    /// `YYYY-MM`, the default analytics period.
    public var month: String { String(day.prefix(7)) }

    var civil: (Int64, Int64, Int64) {
        var z = millis >= 0 ? millis / Instant.millisPerDay : (millis - Instant.millisPerDay + 1) / Instant.millisPerDay
        z += 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The instant at 00:00 UTC of a civil date.
    public static func date(_ y: Int64, _ m: Int64, _ d: Int64) -> Instant {
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return Instant(millis: (era * 146_097 + doe - 719_468) * millisPerDay)
    }

    public var description: String { day }
}
