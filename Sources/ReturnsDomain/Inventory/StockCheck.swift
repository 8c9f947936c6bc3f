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
    public static func apply(_ rule: NegativeStockRule, to shortfalls: [StockShortfall]) throws(DomainError)
        -> [StockShortfall]
    {
        guard !shortfalls.isEmpty, rule != .allow else { return [] }
        if rule == .refuse {
            let list = shortfalls.map { "\($0.sku): \($0.needed) needed, \($0.onHand) in stock" }
            // One shortfall is told in the reader's language with its figures; several in English.
            let one = shortfalls.count == 1 ? shortfalls[0] : nil
            throw DomainError(
                code: "stock.insufficient",
                message: "this store does not sell below zero stock (" + list.joined(separator: "; ") + ")",
                values: one.map {
                    [
                        "location": "sellable", "onHand": String($0.onHand), "sku": "\($0.sku)",
                        "quantity": String($0.needed),
                    ]
                } ?? [:])
        }
        return shortfalls
    }
}
