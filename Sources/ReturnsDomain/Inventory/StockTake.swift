/// A stock-take of one location at a store: what was counted against what the ledger says. Pure:
/// the node reads `expected` and the unit cost and records what this returns.
public enum StockTake {
    /// The count to record. Refused: a negative count (`input.invalidQuantity`), goods in transit
    /// (counted where they arrive: `stock.notCountable`).
    public static func count(
        store: StoreID, location: StockLocation, sku: SKU, counted: Int, expected: Int, unitCost: Money, at: Instant
    ) throws(DomainError) -> StockCount {
        guard counted >= 0, counted <= 1_000_000 else { throw DomainError.invalidQuantity(counted) }
        guard location != .inTransit else {
            throw DomainError(
                code: "stock.notCountable", message: "goods in transit are counted where they arrive, not on the way")
        }
        return StockCount(
            store: store, location: location, sku: sku, expected: expected, counted: counted, unitCost: unitCost,
            countedAt: at)
    }

    /// What a count needs: writing goods off (counted below the ledger) is a write-off.
    public static func permission(for count: StockCount) -> StaffPermission? {
        count.variance < 0 ? .writeOff : nil
    }
}
