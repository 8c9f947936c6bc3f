import ReturnsDomain
import Testing

/// Each currency in its own decimals (ISO 4217's minor unit): the yen has none, the Kuwaiti
/// dinar three, the euro and the yuan two.
@Suite struct MoneyTextTests {
    @Test(
        "formatting follows the currency's decimals",
        arguments: [
            (Money(123_456, Currency("EUR")), "1234.56 EUR"), (Money(1_234, Currency("JPY")), "1234 JPY"),
            (Money(-1_234, Currency("JPY")), "-1234 JPY"), (Money(1_234_567, Currency("KWD")), "1234.567 KWD"),
            (Money(5, Currency("CNY")), "0.05 CNY"), (Money(.min, Currency("EUR")), "-92233720368547758.08 EUR"),
        ] as [(Money, String)])
    func format(money: Money, text: String) {
        #expect(money.description == text)
    }

    @Test("parsing reads exactly the currency's decimals and no more")
    func parse() throws {
        #expect(try MoneyText.money("39.90", Currency("EUR")) == Money(3_990, Currency("EUR")))
        #expect(try MoneyText.money("3990", Currency("JPY")) == Money(3_990, Currency("JPY")))
        #expect(try MoneyText.money("1.5", Currency("KWD")) == Money(1_500, Currency("KWD")))
        #expect(throws: DomainError.self) { try MoneyText.money("39.9", Currency("JPY")) }
        #expect(throws: DomainError.self) { try MoneyText.money("1.2345", Currency("KWD")) }
        #expect(throws: DomainError.self) { try MoneyText.money("-1", Currency("EUR")) }
        #expect(throws: DomainError.self) { try MoneyText.money("99999999999999999999", Currency("EUR")) }
        #expect(try MoneyText.parse("-1.25", digits: 2, allowNegative: true) == -125)
    }
}
