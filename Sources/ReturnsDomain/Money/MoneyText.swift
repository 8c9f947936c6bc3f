extension Currency {
    /// How many decimal digits the currency's minor unit has: its exponent in ISO 4217's "minor
    /// unit" column (the list of the ISO 4217 maintenance agency, SIX Financial Information):
    /// 0 for the yen, won or dong, 3 for the Bahraini, Kuwaiti or Jordanian dinar, 4 for the
    /// Chilean unidad de fomento, and 2 for every other currency, the euro and the yuan among them.
    public var minorDigits: Int {
        switch rawValue {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV",
            "XAF", "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        case "CLF", "UYW": 4
        default: 2
        }
    }
}

/// Amounts as decimal text, exactly: minor units ↔ `12.34`, with the currency's own number of
/// decimals. No floating point ever touches an amount.
public enum MoneyText {
    /// `minor` as decimal text with `digits` decimals: `1234` with 2 is `12.34`, with 0 `1234`.
    public static func format(_ minor: Int64, digits: Int) -> String {
        let sign = minor < 0 ? "-" : ""
        let magnitude = minor.magnitude
        guard digits > 0 else { return sign + String(magnitude) }
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let fraction = String(magnitude % scale)
        return "\(sign)\(magnitude / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }

    /// `money` as decimal text in its currency's decimals, without the code.
    public static func format(_ money: Money) -> String { format(money.minor, digits: money.currency.minorDigits) }

    /// Decimal text as an integer count of 1/10^`digits` units: `"12.3"` with 2 digits is 1230.
    /// Refuses signs (unless `allowNegative`), more decimals than `digits` and overflow, with
    /// `input.invalidAmount`.
    public static func parse(_ text: String, digits: Int, allowNegative: Bool = false) throws(DomainError) -> Int64 {
        func invalid(_ why: String) -> DomainError {
            DomainError(code: "input.invalidAmount", message: "'\(text)' \(why)", values: ["amount": text])
        }
        var body = Substring(text.trimmingPrefix(while: { $0 == " " }))
        while body.last == " " { body = body.dropLast() }
        var negative = false
        if body.first == "-" {
            guard allowNegative else { throw invalid("must not be negative") }
            negative = true
            body = body.dropFirst()
        } else if body.first == "+" {
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = parts.first, !(whole.isEmpty && (parts.count < 2 || parts[1].isEmpty))
        else { throw invalid("is not a decimal number like 12.34") }
        let fraction = parts.count == 2 ? parts[1] : ""
        let isDigit: (Character) -> Bool = { $0.isASCII && $0.isNumber }
        guard whole.allSatisfy(isDigit), fraction.allSatisfy(isDigit) else {
            throw invalid("is not a decimal number like 12.34")
        }
        guard fraction.count <= digits else {
            throw invalid(
                digits == 0 ? "has decimals, which this currency has not" : "has more than \(digits) decimal places")
        }
        let digitsText = String(whole) + String(fraction) + String(repeating: "0", count: digits - fraction.count)
        var value: Int64 = 0
        for c in digitsText {
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (plus, o2) = times.addingReportingOverflow(Int64(c.asciiValue! - 48))
            guard !o1, !o2 else { throw invalid("is too large") }
            value = plus
        }
        return negative ? -value : value
    }

    /// Decimal text as money of `currency`, in its decimals.
    public static func money(_ text: String, _ currency: Currency, allowNegative: Bool = false) throws(DomainError)
        -> Money
    {
        Money(try parse(text, digits: currency.minorDigits, allowNegative: allowNegative), currency)
    }
}
