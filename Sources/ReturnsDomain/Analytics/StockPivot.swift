/// Consolidated stock as a table: one row per SKU, one column per store, with the names people
/// know them by and the totals of every row and column.
public struct StockPivot: Hashable, Sendable, Codable {
    public struct Column: Hashable, Sendable, Codable {
        public var store: StoreID
        /// The store's name; nil when head office has not described it.
        public var name: String?
        /// Units of every row in this store.
        public var total: Int
    }

    public struct Row: Hashable, Sendable, Codable {
        public var sku: SKU
        /// The catalog name; nil when the SKU is not in the catalog.
        public var name: String?
        /// Units per store, in the order of `columns` (0 where the store has none).
        public var quantities: [Int]
        public var total: Int
    }

    /// Only this location's stock, or every location's when nil.
    public var location: StockLocation?
    /// By store id.
    public var columns: [Column]
    /// By SKU.
    public var rows: [Row]
    public var total: Int

    /// The pivot of `stock` (per store, location and SKU), of one `location` or all of them.
    /// SKUs and stores whose units add up to zero everywhere are left out.
    public init(
        stock: [StockKey: Int], location: StockLocation? = nil, products: [SKU: Product], stores: [StoreID: Store]
    ) {
        var cells: [SKU: [StoreID: Int]] = [:]
        for (key, quantity) in stock where location == nil || key.location == location {
            cells[key.sku, default: [:]][key.store, default: 0] += quantity
        }
        cells = cells.compactMapValues { byStore in
            let kept = byStore.filter { $0.value != 0 }
            return kept.isEmpty ? nil : kept
        }
        let storeIDs = Set(cells.values.flatMap(\.keys)).sorted()
        let rows = cells.keys.sorted().map { sku in
            let quantities = storeIDs.map { cells[sku]?[$0] ?? 0 }
            return Row(sku: sku, name: products[sku]?.name, quantities: quantities, total: quantities.reduce(0, +))
        }
        self.location = location
        self.rows = rows
        columns = storeIDs.enumerated().map { i, store in
            Column(store: store, name: stores[store]?.name, total: rows.reduce(0) { $0 + $1.quantities[i] })
        }
        total = rows.reduce(0) { $0 + $1.total }
    }
}
