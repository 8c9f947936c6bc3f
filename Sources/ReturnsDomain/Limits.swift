/// The bounds of quantities, amounts and sizes that every door keeps (admission for events, the
/// domain's own entry points for what a till sends). They are chosen so that no sum or product the
/// core and the projections compute can overflow a 64-bit integer: an amount, a line's value
/// (quantity × unit price) and a document's total are at most `maxMoney` (10^12), so that a
/// percentage or VAT share of one (× 10,000) fits, and a document has at most `maxItems` lines.
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

extension Limits {
    /// `quantity × unit` when both are within the bounds and the product is at most `maxMoney`;
    /// nil otherwise. What every door uses before it multiplies an amount it was given.
    public static func lineValue(_ quantity: Int, _ unit: Money) -> Int64? {
        guard quantity >= 0, quantity <= maxQuantity, unit.minor >= 0, unit.minor <= maxMoney else { return nil }
        let (value, overflow) = unit.minor.multipliedReportingOverflow(by: Int64(quantity))
        return overflow || value > maxMoney ? nil : value
    }
}
