public import Replication
public import ReturnsDomain

/// The bounds every admitted event keeps. They are chosen so that no sum or product the core and
/// the projections compute from admitted values can overflow a 64-bit integer: a line's value is at
/// most `maxQuantity × maxMoney` (10^18), and a document has at most `maxItems` lines.
public enum Limits {
    /// Units on one line, one movement or one count.
    public static let maxQuantity = 1_000_000
    /// Minor units of any one amount (10^12: ten billion in a currency of two decimals).
    public static let maxMoney: Int64 = 1_000_000_000_000
    /// Lines, tenders, grades, parts, serials or notes in one document.
    public static let maxItems = 1_000
    /// An identifier's length in Unicode scalars.
    public static let maxIdentifierScalars = 64
    /// A free text's length in Unicode scalars (names, notes, reasons, memos).
    public static let maxTextScalars = 2_000
    /// The highest seq (and version-vector entry) a node may use: 2^53, exact in every JSON reader
    /// and far below what SQL's signed 64-bit integers hold.
    public static let maxSeq: UInt64 = 1 << 53
    /// How far ahead of the admitting side's clock an event's stamp and business dates may be.
    public static let maxClockAheadMillis: Int64 = 86_400_000
    /// The earliest business date taken: 1970-01-01.
    public static let earliestMillis: Int64 = 0
    /// VAT and percentage rates, in basis points (100 % = 10,000).
    public static let maxBasisPoints: Int64 = 10_000
}

/// The identifier alphabet (Protocol/sync.md, "Admission"): 1 to 64 Unicode scalars, any script,
/// none of them a control, format, surrogate, private-use or line/paragraph-separator character,
/// and no white space at either end. So `王丽`, `S-01` and `SKU 7/B` are ids; `A\u{0}B`, `\n`, `""`
/// are not.
public enum IdentifierAlphabet {
    public static func isValid(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= Limits.maxIdentifierScalars, !isForbidden(scalar) else { return false }
        }
        guard count > 0, let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else {
            return false
        }
        return !first.properties.isWhitespace && !last.properties.isWhitespace
    }

    /// Free text (names, notes) is at most 2,000 scalars and holds no control character other than
    /// a line break or a tab; joiners and other format characters that scripts need are allowed.
    public static func isValidText(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= Limits.maxTextScalars else { return false }
            if scalar == "\n" || scalar == "\t" { continue }
            if scalar.properties.generalCategory == .control { return false }
        }
        return true
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
