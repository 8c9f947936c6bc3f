import Foundation
import ReturnsDomain
import Testing

@Suite struct MoneyTests {
    typealias F = MoneyFixtures

    @Test(
        "an allocation adds up exactly to the amount",
        arguments: [
            (10_000, [1, 1, 1]),
            (1, [1, 1, 1]),
            (0, [5, 7]),
            (53_910, [100_000, 29_700]),
            (-53_910, [100_000, 29_700]),
            (99_999, [3, 3, 3, 3, 3, 3, 3]),
            (7, [0, 1, 0, 1]),
            (1_000_000_007, [999_983, 1, 17, 4_096]),
            (-1, [2, 2, 2]),
        ] as [(Int64, [Int64])])
    func allocationAddsUp(amount: Int64, weights: [Int64]) {
        let parts = F.eur(amount).allocated(proportionalTo: weights)
        #expect(parts.count == weights.count)
        #expect(parts.reduce(0) { $0 + $1.minor } == amount)
        #expect(parts.allSatisfy { $0.currency == F.eur })
        // No part strays more than one minor unit from its exact share.
        let total = weights.reduce(0, +)
        for (part, w) in zip(parts, weights) {
            let exact = Double(amount) * Double(w) / Double(total)
            #expect(abs(Double(part.minor) - exact) < 1.0)
        }
    }

    @Test(
        "the largest remainders get the spare units, ties to the earlier part",
        arguments: [
            (100, [1, 1, 1], [34, 33, 33]),
            (10, [1, 2, 3], [2, 3, 5]),
            (2, [1, 1, 1], [1, 1, 0]),
            (100, [0, 1, 1], [0, 50, 50]),
            (5, [3, 1], [4, 1]),
            (3_333, [6_000, 4_000], [2_000, 1_333]),
        ] as [(Int64, [Int64], [Int64])])
    func largestRemainder(amount: Int64, weights: [Int64], expected: [Int64]) {
        #expect(F.eur(amount).allocated(proportionalTo: weights).map(\.minor) == expected)
    }

    @Test(
        "negative amounts allocate symmetrically",
        arguments: [
            (-100, [1, 1, 1], [-34, -33, -33]),
            (-10, [1, 2, 3], [-2, -3, -5]),
            (-2, [1, 1, 1], [-1, -1, 0]),
        ] as [(Int64, [Int64], [Int64])])
    func negativeAllocation(amount: Int64, weights: [Int64], expected: [Int64]) {
        #expect(F.eur(amount).allocated(proportionalTo: weights).map(\.minor) == expected)
        #expect(F.eur(-amount).allocated(proportionalTo: weights).map(\.minor) == expected.map { -$0 })
    }

    @Test("weights that sum to zero give zero parts")
    func zeroWeights() {
        #expect(F.eur(500).allocated(proportionalTo: [0, 0]) == [F.eur(0), F.eur(0)])
        #expect(F.eur(500).allocated(proportionalTo: []) == [])
    }

    @Test(
        "a VAT split is exact: net plus VAT is the gross",
        arguments: [
            (11_300, 1300, 10_000, 1_300),
            (12_000, 2000, 10_000, 2_000),
            (100, 1300, 88, 12),
            (1, 2000, 1, 0),
            (3, 2000, 2, 1),
            (59_900, 1300, 53_009, 6_891),
            (-11_300, 1300, -10_000, -1_300),
            (-100, 1300, -88, -12),
            (4_999, 0, 4_999, 0),
        ] as [(Int64, Int64, Int64, Int64)])
    func vatSplit(gross: Int64, basisPoints: Int64, net: Int64, vat: Int64) {
        let split = VATRate(basisPoints: basisPoints).split(gross: F.eur(gross))
        #expect(split.net == F.eur(net))
        #expect(split.vat == F.eur(vat))
        #expect(split.net.minor + split.vat.minor == gross)
    }

    @Test(
        "integer division rounds half away from zero",
        arguments: [
            (5, 2, 3), (-5, 2, -3), (5, -2, -3), (-5, -2, 3),
            (7, 2, 4), (3, 2, 2), (-3, 2, -2), (4, 2, 2),
            (1, 3, 0), (2, 3, 1), (-1, 3, 0), (-2, 3, -1), (0, 7, 0),
        ] as [(Int64, Int64, Int64)])
    func roundingHalfAwayFromZero(n: Int64, d: Int64, expected: Int64) {
        #expect(Money.divideRounded(n, d) == expected)
    }

    @Test("scaling rounds half away from zero")
    func scaling() {
        #expect(F.eur(250).scaled(by: 1, over: 100) == F.eur(3))
        #expect(F.eur(-250).scaled(by: 1, over: 100) == F.eur(-3))
        #expect(F.eur(249).scaled(by: 1, over: 100) == F.eur(2))
        #expect(F.eur(59_900).scaled(by: 1_000, over: 10_000) == F.eur(5_990))
    }

    @Test("combining currencies throws money.currencyMismatch")
    func currencyMismatch() {
        let eur = F.eur(100)
        let cny = Money(100, F.cny)
        #expect(F.errorCode { () throws(DomainError) in try eur.adding(cny) } == "money.currencyMismatch")
        #expect(F.errorCode { () throws(DomainError) in try eur.subtracting(cny) } == "money.currencyMismatch")
        #expect(F.errorCode { () throws(DomainError) in try [eur, cny].sum(in: F.eur) } == "money.currencyMismatch")
        #expect(throws: DomainError.currencyMismatch(F.eur, F.cny)) { try eur.adding(cny) }
    }

    @Test("arithmetic within one currency")
    func arithmetic() throws {
        #expect(try F.eur(150).adding(F.eur(-50)) == F.eur(100))
        #expect(try F.eur(150).subtracting(F.eur(200)) == F.eur(-50))
        #expect(F.eur(1_999).times(3) == F.eur(5_997))
        #expect(-F.eur(7) == F.eur(-7))
        #expect(try [F.eur(1), F.eur(2), F.eur(3)].sum(in: F.eur) == F.eur(6))
        #expect(F.eur(1_234).description == "12.34 EUR")
        #expect(F.eur(-5).description == "-0.05 EUR")
    }

    @Test("money is integers all the way down: JSON carries minor as an integer, never a Double")
    func noFloatingPoint() throws {
        let data = try JSONEncoder.sortedForMoneyFixtures.encode(F.eur(1_234))
        #expect(String(decoding: data, as: UTF8.self) == #"{"currency":"EUR","minor":1234}"#)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["minor"] is Int)

        // A fractional amount is refused rather than rounded.
        let fractional = Data(#"{"currency":"EUR","minor":12.5}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(Money.self, from: fractional) }

        // No stored property of Money or VATRate is floating point.
        for value in [Mirror(reflecting: F.eur(1)), Mirror(reflecting: F.vat20)] {
            for child in value.children {
                #expect(!(child.value is Double) && !(child.value is Float), "\(child.label ?? "?") is floating point")
            }
        }
        #expect(String(decoding: try JSONEncoder().encode(F.vat13), as: UTF8.self) == "1300")
        #expect(Mirror(reflecting: F.eur(1)).children.map { $0.label } == ["minor", "currency"])
    }
}

extension JSONEncoder {
    /// Sorted keys, so the JSON text can be compared literally.
    static var sortedForMoneyFixtures: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return e
    }
}
