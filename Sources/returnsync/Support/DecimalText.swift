import Foundation
import ReturnsDomain

/// Decimal text from the command line (`12.34`) read exactly into integer minor units: no
/// floating point ever touches an amount.
enum DecimalText {
    /// `text` as an integer count of 1/10^`digits` units: `"12.3"` with 2 digits is 1230.
    /// Refuses signs (unless `allowNegative`), more decimals than `digits`, and overflow.
    static func parse(_ text: String, digits: Int = 2, allowNegative: Bool = false) throws -> Int64 {
        try MoneyText.parse(text, digits: digits, allowNegative: allowNegative)
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
    static func format(_ minor: Int64, digits: Int = 2) -> String { MoneyText.format(minor, digits: digits) }
}

extension Money {
    /// `12.34` (no currency; in its decimals), for aligned money columns.
    var plain: String { MoneyText.format(self) }
}
