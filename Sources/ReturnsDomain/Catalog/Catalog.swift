/// What a catalog entry sells.
public enum ProductKind: String, Hashable, Sendable, Codable, CaseIterable {
    /// Goods that are stocked, counted and come back (what an entry without a kind is).
    case goods
    /// A service or a fee (installation, delivery, a warranty): rung up at an open price, never
    /// stocked, taken back as a credit without goods.
    case service
}

/// A product as the catalog knows it. Prices are VAT-inclusive, as on a shelf label.
public struct Product: Hashable, Sendable, Codable {
    public var sku: SKU
    public var name: String
    public var model: String
    public var category: String
    /// Shelf price, VAT included.
    public var unitPrice: Money
    /// Purchase cost per unit, what inventory is carried at.
    public var unitCost: Money
    public var vatRate: VATRate
    /// Each unit has a serial number that must be captured on sale and return.
    public var serialTracked: Bool
    /// Units carry a batch/lot number.
    public var lotTracked: Bool
    /// False for goods that can never be returned (e.g. hygiene products, opened software).
    public var returnable: Bool
    public var vendor: VendorID?
    /// Goods unless said otherwise.
    public var kind: ProductKind?

    public init(
        sku: SKU, name: String, model: String = "", category: String, unitPrice: Money, unitCost: Money,
        vatRate: VATRate, serialTracked: Bool = false, lotTracked: Bool = false, returnable: Bool = true,
        vendor: VendorID? = nil, kind: ProductKind? = nil
    ) {
        self.sku = sku
        self.name = name
        self.model = model
        self.category = category
        self.unitPrice = unitPrice
        self.unitCost = unitCost
        self.vatRate = vatRate
        self.serialTracked = serialTracked
        self.lotTracked = lotTracked
        self.returnable = returnable
        self.vendor = vendor
        self.kind = kind
    }

    /// A service or fee: no stock, no cost.
    public var isService: Bool { kind == .service }

    /// Checks a catalog entry before it is defined: a SKU, prices that are not negative, and a
    /// service that carries no cost and no serials or lots (it is never stocked).
    public func validate() throws(DomainError) {
        guard unitPrice.minor >= 0, unitCost.minor >= 0 else {
            throw .invalid("catalog.negativePrice", "prices cannot be negative")
        }
        guard !sku.rawValue.isEmpty else { throw .invalid("catalog.missingSKU", "a product needs a SKU") }
        if isService, !unitCost.isZero || serialTracked || lotTracked {
            throw .invalid(
                "catalog.serviceNotStocked", "\(sku) is a service or fee: it has no cost, serials or lots")
        }
    }
}

/// Where a store or channel sells.
public enum StoreKind: String, Hashable, Sendable, Codable, CaseIterable {
    case branch, online, marketplace
}

/// A branch store or a sales channel.
public struct Store: Hashable, Sendable, Codable {
    public var id: StoreID
    public var name: String
    public var kind: StoreKind
    public var currency: Currency
    public init(id: StoreID, name: String, kind: StoreKind = .branch, currency: Currency) {
        self.id = id
        self.name = name
        self.kind = kind
        self.currency = currency
    }
}

/// The places stock sits in a store. Returned goods never go straight back to `sellable`.
public enum StockLocation: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case sellable
    case pendingInspection
    case repair
    case refurbished
    case scrap
    case returnToVendor
    case inTransit

    public static func < (a: StockLocation, b: StockLocation) -> Bool { a.rawValue < b.rawValue }
}

/// Below `minimum` sellable units of `sku` at `store`, head office wants a low-stock alert.
public struct ReorderPoint: Hashable, Sendable, Codable {
    public var store: StoreID
    public var sku: SKU
    public var minimum: Int
    public init(store: StoreID, sku: SKU, minimum: Int) {
        self.store = store
        self.sku = sku
        self.minimum = minimum
    }
}
