/// What a store does when a sale or an exchange would take sellable stock below zero (the ledger
/// says fewer than are handed over: a miscount, goods not booked in yet).
public enum NegativeStockRule: String, Hashable, Sendable, Codable, CaseIterable {
    /// Record it and say nothing.
    case allow
    /// Record it and say which products went below zero (the default).
    case warn
    /// Refuse it (`stock.insufficient`): nothing is recorded.
    case refuse

    /// A store that has not chosen warns.
    public static let `default` = NegativeStockRule.warn
}

/// A product a sale or exchange takes below zero: how many it needs, how many the ledger holds.
public struct StockShortfall: Hashable, Sendable, Codable {
    public var sku: SKU
    public var needed: Int
    public var onHand: Int
    public init(sku: SKU, needed: Int, onHand: Int) {
        self.sku = sku
        self.needed = needed
        self.onHand = onHand
    }
}

/// The negative-stock rule, applied. Pure: the node reads what the sellable location holds.
public enum StockCheck {
    /// The products `needed` (units per SKU) would take below zero, by SKU.
    public static func shortfalls(needed: [SKU: Int], onHand: (SKU) throws -> Int) rethrows -> [StockShortfall] {
        try needed.sorted { $0.key < $1.key }.compactMap { sku, units in
            let held = try onHand(sku)
            return units > held ? StockShortfall(sku: sku, needed: units, onHand: held) : nil
        }
    }

    /// What the store's rule makes of `shortfalls`: refused (`stock.insufficient`, naming each),
    /// the warnings to give, or nothing.
    /// B-grade units are sold only from refurbished stock the ledger holds: a shortfall there is
    /// refused whatever the rule (each such unit is one that was written down).
    public static func apply(
        _ rule: NegativeStockRule, to shortfalls: [StockShortfall], from location: StockLocation = .sellable
    ) throws(DomainError) -> [StockShortfall] {
        if location == .refurbished, !shortfalls.isEmpty {
            let list = shortfalls.map { "\($0.sku): \($0.needed) needed, \($0.onHand) B-grade in stock" }
            throw DomainError(
                code: "stock.insufficient",
                message: "B-grade units are sold only from refurbished stock (" + list.joined(separator: "; ") + ")",
                values: values(shortfalls, at: location))
        }
        guard !shortfalls.isEmpty, rule != .allow else { return [] }
        if rule == .refuse {
            let list = shortfalls.map { "\($0.sku): \($0.needed) needed, \($0.onHand) in stock" }
            throw DomainError(
                code: "stock.insufficient",
                message: "this store does not sell below zero stock (" + list.joined(separator: "; ") + ")",
                values: values(shortfalls, at: location))
        }
        return shortfalls
    }

    /// The values of a `stock.insufficient` refusal: one shortfall's figures, told in the reader's
    /// language; several are listed in the English message only.
    static func values(_ shortfalls: [StockShortfall], at location: StockLocation) -> [String: String] {
        guard shortfalls.count == 1, let one = shortfalls.first else { return [:] }
        return [
            "location": location.rawValue, "onHand": String(one.onHand), "sku": "\(one.sku)",
            "quantity": String(one.needed),
        ]
    }
}
