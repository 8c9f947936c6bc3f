/// A movement of units of one SKU within or across the walls of one store.
/// `from == nil` means the units come from outside (a customer, a supplier, a count gain);
/// `to == nil` means they leave (sold, shipped, a count loss). Stock is the sum of movements.
public struct StockMovement: Hashable, Sendable, Codable {
    public var store: StoreID
    public var sku: SKU
    public var from: StockLocation?
    public var to: StockLocation?
    public var quantity: Int
    public init(store: StoreID, sku: SKU, from: StockLocation?, to: StockLocation?, quantity: Int) {
        self.store = store
        self.sku = sku
        self.from = from
        self.to = to
        self.quantity = quantity
    }

    /// The signed changes this movement makes to stock per location.
    public var deltas: [(StockKey, Int)] {
        var out: [(StockKey, Int)] = []
        if let from { out.append((StockKey(store: store, location: from, sku: sku), -quantity)) }
        if let to { out.append((StockKey(store: store, location: to, sku: sku), quantity)) }
        return out
    }
}

/// Stock is held per store, location and SKU.
public struct StockKey: Hashable, Sendable, Codable, Comparable {
    public var store: StoreID
    public var location: StockLocation
    public var sku: SKU
    public init(store: StoreID, location: StockLocation, sku: SKU) {
        self.store = store
        self.location = location
        self.sku = sku
    }
    public static func < (a: StockKey, b: StockKey) -> Bool {
        (a.store, a.location, a.sku) < (b.store, b.location, b.sku)
    }
}

/// Goods received from a supplier into sellable stock.
public struct InventoryReceipt: Hashable, Sendable, Codable {
    public var store: StoreID
    public var sku: SKU
    public var quantity: Int
    public var unitCost: Money
    public var vendor: VendorID?
    public var receivedAt: Instant
    public init(store: StoreID, sku: SKU, quantity: Int, unitCost: Money, vendor: VendorID? = nil, receivedAt: Instant)
    {
        self.store = store
        self.sku = sku
        self.quantity = quantity
        self.unitCost = unitCost
        self.vendor = vendor
        self.receivedAt = receivedAt
    }
}

/// A stock-take of one location: the variance (counted − expected) becomes a movement.
public struct StockCount: Hashable, Sendable, Codable {
    public var store: StoreID
    public var location: StockLocation
    public var sku: SKU
    /// What the ledger said when counting began.
    public var expected: Int
    public var counted: Int
    public var unitCost: Money
    public var countedAt: Instant
    public init(
        store: StoreID, location: StockLocation, sku: SKU, expected: Int, counted: Int, unitCost: Money,
        countedAt: Instant
    ) {
        self.store = store
        self.location = location
        self.sku = sku
        self.expected = expected
        self.counted = counted
        self.unitCost = unitCost
        self.countedAt = countedAt
    }
    public var variance: Int { counted - expected }
}
