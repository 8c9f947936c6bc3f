/// The facts analytics needs about one return, derived from its events by a projection.
public struct ReturnFacts: Hashable, Sendable, Codable {
    public var request: ReturnRequest
    /// Rejected: the units never came back, so they count in no return rate.
    public var rejected: Bool
    /// VAT-inclusive value of the goods refunded (`Refund.gross`), before the restocking fee;
    /// nil when no money was refunded (rejected, exchanged or still open).
    public var refundedAmount: Money?
    public var dispositions: [LineDisposition]
    /// What repairing the returned goods cost in total (zero if none).
    public var repairCost: Money
    /// What bringing the goods back cost the company: courier, pickup (zero if none).
    public var shippingCost: Money

    /// Costs left out default to zero in the return's currency.
    public init(
        request: ReturnRequest, rejected: Bool = false, refundedAmount: Money? = nil,
        dispositions: [LineDisposition] = [], repairCost: Money? = nil, shippingCost: Money? = nil
    ) {
        self.request = request
        self.rejected = rejected
        self.refundedAmount = refundedAmount
        self.dispositions = dispositions
        self.repairCost = repairCost ?? .zero(request.currency)
        self.shippingCost = shippingCost ?? .zero(request.currency)
    }
}

/// Everything analytics looks at. The caller scopes it (a date range, a region); analytics
/// never reads a clock and never drops a fact it was given.
public struct AnalyticsInput: Hashable, Sendable, Codable {
    public var products: [SKU: Product]
    public var stores: [StoreID: Store]
    public var sales: [Sale]
    public var returns: [ReturnFacts]
    /// Stock per (store, location, SKU), as projected from stock movements.
    public var stock: [StockKey: Int]
    public var reorderPoints: [ReorderPoint]

    public init(
        products: [SKU: Product] = [:], stores: [StoreID: Store] = [:], sales: [Sale] = [],
        returns: [ReturnFacts] = [], stock: [StockKey: Int] = [:], reorderPoints: [ReorderPoint] = []
    ) {
        self.products = products
        self.stores = stores
        self.sales = sales
        self.returns = returns
        self.stock = stock
        self.reorderPoints = reorderPoints
    }
}

/// The ways return rates are broken down.
public enum AnalyticsDimension: String, Hashable, Sendable, Codable, CaseIterable {
    case sku
    /// The product's catalog category.
    case category
    /// The product's vendor (supplier) in the catalog.
    case vendor
    /// The store that made the sale (a cross-store return counts against the seller).
    case store
    /// The selling store's kind: branch, online, marketplace.
    case channel
    /// Why the goods came back. Reasons do not split sales, so each row's sold units are all units sold.
    case reason
    /// Batch/lot; lines without a lot are left out of this dimension only.
    case lot
    /// `YYYY-MM`: the sale's month for sold units, the return request's month for returned units.
    case period

    /// A heading for printed reports.
    public var title: String {
        switch self {
        case .sku: "SKU"
        case .category: "category"
        case .vendor: "vendor"
        case .store: "store"
        case .channel: "channel"
        case .reason: "reason"
        case .lot: "lot"
        case .period: "period"
        }
    }
}

enum AnalyticsMath {
    /// `part × 10_000 / whole`, rounded down; nil when `whole` is not positive.
    static func basisPoints(_ part: Int, of whole: Int) -> Int? {
        whole > 0 ? part * 10_000 / whole : nil
    }

    /// The `count` months before `period` (`YYYY-MM`), most recent first; empty if `period` is not a month.
    static func months(before period: String, count: Int) -> [String] {
        let parts = period.split(separator: "-")
        guard parts.count == 2, let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m) else { return [] }
        var year = y
        var month = m
        var out: [String] = []
        for _ in 0..<max(0, count) {
            month -= 1
            if month == 0 {
                month = 12
                year -= 1
            }
            let yy = String(year)
            out.append(
                String(repeating: "0", count: max(0, 4 - yy.count)) + yy + (month < 10 ? "-0" : "-") + String(month))
        }
        return out
    }
}
