import Foundation
import ReturnsDomain

/// Decimal text from the command line (`12.34`) read exactly into integer minor units: no
/// floating point ever touches an amount.
enum DecimalText {
    /// `text` as an integer count of 1/10^`digits` units: `"12.3"` with 2 digits is 1230.
    /// Refuses signs (unless `allowNegative`), more decimals than `digits`, and overflow.
    static func parse(_ text: String, digits: Int = 2, allowNegative: Bool = false) throws -> Int64 {
        func invalid(_ why: String) -> DomainError {
            DomainError(code: "input.invalidAmount", message: "'\(text)' \(why)")
        }
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
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
        else {
            throw invalid("is not a decimal number like 12.34")
        }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard whole.allSatisfy(\.isASCIIDigit), fraction.allSatisfy(\.isASCIIDigit) else {
            throw invalid("is not a decimal number like 12.34")
        }
        guard fraction.count <= digits else { throw invalid("has more than \(digits) decimal places") }
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

    /// A VAT rate given in percent (`20`, `5.5`) as basis points.
    static func vatRate(_ text: String) throws -> VATRate {
        let bp = try parse(text, digits: 2)
        guard bp <= 10_000 else {
            throw DomainError(code: "input.invalidVATRate", message: "a VAT rate of \(text) % is not plausible")
        }
        return VATRate(basisPoints: bp)
    }

    /// Minor units as decimal text without the currency (`1234` → `12.34`), for table columns.
    static func format(_ minor: Int64, digits: Int = 2) -> String {
        let sign = minor < 0 ? "-" : ""
        var scale: UInt64 = 1
        for _ in 0..<digits { scale *= 10 }
        let magnitude = minor.magnitude
        guard digits > 0 else { return sign + String(magnitude) }
        let fraction = String(magnitude % scale)
        return "\(sign)\(magnitude / scale).\(String(repeating: "0", count: digits - fraction.count))\(fraction)"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}

extension Money {
    /// `12.34` (no currency; in its decimals), for aligned money columns.
    var plain: String { MoneyText.format(self) }
}
