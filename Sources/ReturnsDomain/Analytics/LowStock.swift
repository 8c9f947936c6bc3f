/// Sellable stock of an SKU at a store is under its reorder point.
public struct LowStockAlert: Hashable, Sendable, Codable {
    public var store: StoreID
    public var sku: SKU
    /// Units in the sellable location (returned goods awaiting inspection do not count).
    public var sellable: Int
    public var minimum: Int
    /// `minimum − sellable`: units to bring in to get back to the reorder point.
    public var shortfall: Int

    public init(store: StoreID, sku: SKU, sellable: Int, minimum: Int) {
        self.store = store
        self.sku = sku
        self.sellable = sellable
        self.minimum = minimum
        self.shortfall = minimum - sellable
    }
}

extension ReturnAnalytics {
    /// One alert per (store, SKU) whose sellable stock is below its reorder point, sorted by store
    /// then SKU. A missing stock entry is zero; when a (store, SKU) has several reorder points the
    /// highest minimum applies.
    public func lowStockAlerts() -> [LowStockAlert] {
        var minimums: [StockKey: Int] = [:]
        for point in input.reorderPoints {
            let key = StockKey(store: point.store, location: .sellable, sku: point.sku)
            minimums[key] = max(minimums[key] ?? point.minimum, point.minimum)
        }
        return minimums.keys.sorted().compactMap { key in
            let sellable = input.stock[key] ?? 0
            let minimum = minimums[key]!
            guard sellable < minimum else { return nil }
            return LowStockAlert(store: key.store, sku: key.sku, sellable: sellable, minimum: minimum)
        }
    }
}
