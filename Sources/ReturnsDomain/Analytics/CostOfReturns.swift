/// The ways cost of returns is broken down.
public enum CostDimension: String, Hashable, Sendable, Codable, CaseIterable {
    case sku
    /// The product's catalog category.
    case category
    /// The store that took the return in: the one whose till and books carry the cost.
    case store
    /// The month (`YYYY-MM`) the return was requested.
    case period

    /// A heading for printed reports.
    public var title: String {
        switch self {
        case .sku: "SKU"
        case .category: "category"
        case .store: "store"
        case .period: "period"
        }
    }
}

/// What returns cost for one key, in one currency.
public struct CostOfReturnsRow: Hashable, Sendable, Codable {
    public var key: String
    public var currency: Currency
    /// Gross value refunded minus restocking fees kept.
    public var refundCost: Money
    public var repairCost: Money
    public var shippingCost: Money
    /// Unit cost × scrapped units.
    public var scrapLoss: Money
    /// (unit cost − B-grade resale value) × refurbished units.
    public var writeDown: Money
    /// The sum of the five costs above.
    public var total: Money

    public init(
        key: String, currency: Currency, refundCost: Money, repairCost: Money, shippingCost: Money,
        scrapLoss: Money, writeDown: Money
    ) {
        self.key = key
        self.currency = currency
        self.refundCost = refundCost
        self.repairCost = repairCost
        self.shippingCost = shippingCost
        self.scrapLoss = scrapLoss
        self.writeDown = writeDown
        self.total = Money(
            refundCost.minor + repairCost.minor + shippingCost.minor + scrapLoss.minor + writeDown.minor, currency)
    }
}

/// Running sums of one cost row, in minor units.
struct CostSums {
    var refund: Int64 = 0
    var repair: Int64 = 0
    var shipping: Int64 = 0
    var scrap: Int64 = 0
    var writeDown: Int64 = 0
}

struct CostBucket: Hashable {
    var key: String
    var currency: Currency
}

extension ReturnAnalytics {
    /// Cost of returns per key of `dimension`, one row per key and currency, sorted by key then currency.
    ///
    /// Amounts of a return that cover several lines (refund, repair, shipping) are split over its
    /// lines exactly (largest remainder): refunds by line value, repair by units sent to repair,
    /// shipping by units. Scrap and write-down are valued at the return line's unit cost, as the
    /// journal does. Money actually spent on a rejected return (shipping) still counts.
    public func costOfReturns(by dimension: CostDimension) -> [CostOfReturnsRow] {
        var sums: [CostBucket: CostSums] = [:]
        for facts in input.returns {
            addCosts(of: facts, by: dimension, into: &sums)
        }
        return sums.keys.sorted { ($0.key, $0.currency) < ($1.key, $1.currency) }.map { b in
            let s = sums[b]!
            return CostOfReturnsRow(
                key: b.key, currency: b.currency, refundCost: Money(s.refund, b.currency),
                repairCost: Money(s.repair, b.currency), shippingCost: Money(s.shipping, b.currency),
                scrapLoss: Money(s.scrap, b.currency), writeDown: Money(s.writeDown, b.currency))
        }
    }

    func costKey(_ dimension: CostDimension, _ r: ReturnRequest, _ line: ReturnLine?) -> String {
        switch dimension {
        case .sku: line?.sku.rawValue ?? Self.unknownKey
        case .category: line.map { category(of: $0.sku) } ?? Self.unknownKey
        case .store: r.store.rawValue
        case .period: r.requestedAt.month
        }
    }

    private func addCosts(of facts: ReturnFacts, by dimension: CostDimension, into sums: inout [CostBucket: CostSums]) {
        let r = facts.request
        // A return without lines is malformed, but its money still lands somewhere visible.
        let slots: [ReturnLine?] = r.lines.isEmpty ? [nil] : r.lines.map { $0 }
        let keys = slots.map { costKey(dimension, r, $0) }

        func add(_ field: WritableKeyPath<CostSums, Int64>, _ amount: Money, slot: Int) {
            guard !amount.isZero else { return }
            sums[CostBucket(key: keys[slot], currency: amount.currency), default: CostSums()][keyPath: field] +=
                amount.minor
        }
        func spread(_ field: WritableKeyPath<CostSums, Int64>, _ amount: Money, _ candidates: [[Int64]]) {
            guard !amount.isZero else { return }
            let weights = candidates.first { $0.reduce(0, +) > 0 } ?? slots.map { _ in 1 }
            for (slot, part) in amount.allocated(proportionalTo: weights).enumerated() { add(field, part, slot: slot) }
        }

        if !facts.rejected {
            // Every accepted return gets a row, even when it cost nothing.
            for key in keys where sums[CostBucket(key: key, currency: r.currency)] == nil {
                sums[CostBucket(key: key, currency: r.currency)] = CostSums()
            }
        }

        let byUnits = slots.map { Int64($0?.quantity ?? 0) }
        if let refunded = facts.refundedAmount {
            let byValue = slots.map { $0?.gross.minor ?? 0 }
            if refunded.currency == r.restockingFee.currency {
                spread(\.refund, Money(refunded.minor - r.restockingFee.minor, refunded.currency), [byValue, byUnits])
            } else {
                spread(\.refund, refunded, [byValue, byUnits])
                spread(\.refund, -r.restockingFee, [byValue, byUnits])
            }
        }

        let unitsToRepair = slots.map { slot -> Int64 in
            guard let slot else { return 0 }
            return facts.dispositions.reduce(0) { sum, d in
                if d.line == slot.line, case .repair = d.disposition { return sum + Int64(d.quantity) }
                return sum
            }
        }
        spread(\.repair, facts.repairCost, [unitsToRepair, byUnits])
        spread(\.shipping, facts.shippingCost, [byUnits])

        for d in facts.dispositions {
            // A disposition of a line the return does not have has no cost to value (the journal skips it too).
            guard let slot = slots.firstIndex(where: { $0?.line == d.line }), let line = slots[slot] else { continue }
            switch d.disposition {
            case .scrap:
                add(\.scrap, line.unitCost.times(d.quantity), slot: slot)
            case .refurbish(let unitValue, _):
                let down = max(0, line.unitCost.minor - unitValue.minor) * Int64(d.quantity)
                add(\.writeDown, Money(down, line.unitCost.currency), slot: slot)
            case .restock, .repair, .returnToVendor:
                break
            }
        }
    }
}
