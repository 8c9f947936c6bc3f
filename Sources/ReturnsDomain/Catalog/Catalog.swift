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

    /// Refuses stock of a service or fee (`catalog.serviceNotStocked`): goods received, counted or
    /// adjusted are goods.
    public func requireStocked() throws(DomainError) {
        guard isService else { return }
        throw .invalid(
            "catalog.serviceNotStocked", "\(sku) is a service or fee: it is never stocked", ["sku": "\(sku)"])
    }

    /// Checks a catalog entry before it is defined: a SKU, prices that are not negative, and a
    /// service that carries no cost and no serials or lots (it is never stocked).
    public func validate() throws(DomainError) {
        guard unitPrice.minor >= 0, unitCost.minor >= 0 else {
            throw .invalid("catalog.negativePrice", "prices cannot be negative")
        }
        guard !sku.rawValue.isEmpty else { throw .invalid("catalog.missingSKU", "a product needs a SKU") }
        if isService, !unitCost.isZero || serialTracked || lotTracked {
            throw .invalid(
                "catalog.serviceNotStocked", "\(sku) is a service or fee: it has no cost, serials or lots",
                ["sku": "\(sku)"])
        }
    }
}

/// Where a store or channel sells.
public enum StoreKind: String, Hashable, Sendable, Codable, CaseIterable {
    case branch, online, marketplace
}

/// A branch store or a sales channel, as head office describes it (`store.defined`).
public struct Store: Hashable, Sendable, Codable {
    public var id: StoreID
    public var name: String
    public var kind: StoreKind
    public var currency: Currency
    /// The address its documents print.
    public var address: String?
    /// The tax id its documents print (统一社会信用代码, a VAT number).
    public var taxID: String?
    /// Its IANA time zone (`Asia/Shanghai`): where its business days begin and end.
    public var timeZone: String?

    public init(
        id: StoreID, name: String, kind: StoreKind = .branch, currency: Currency, address: String? = nil,
        taxID: String? = nil, timeZone: String? = nil
    ) {
        self.id = id
        self.name = name
        self.kind = kind
        self.currency = currency
        self.address = address
        self.taxID = taxID
        self.timeZone = timeZone
    }
}

/// What head office gives to define or change a store or channel (the CLI and the hub's API).
public struct StoreDefinition: Hashable, Sendable, Codable {
    public var name: String
    public var kind: StoreKind
    public var currency: Currency
    public var address: String?
    public var taxID: String?
    public var timeZone: String?

    public init(
        name: String, kind: StoreKind = .branch, currency: Currency, address: String? = nil, taxID: String? = nil,
        timeZone: String? = nil
    ) {
        self.name = name
        self.kind = kind
        self.currency = currency
        self.address = address
        self.taxID = taxID
        self.timeZone = timeZone
    }

    /// The store this defines. Refused (`store.invalid`): an id outside the identifier alphabet,
    /// no name, a currency that is not three capital letters, a time zone that is not an IANA
    /// name (`Area/City`, or `UTC`), a tax id over 64 characters; blank optional parts are left out.
    public func store(id: StoreID) throws(DomainError) -> Store {
        func refuse(_ why: String) -> DomainError { DomainError(code: "store.invalid", message: "\(id): \(why)") }
        func trimmed(_ text: String?) -> String? {
            guard let text else { return nil }
            let t = String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            return t.isEmpty ? nil : t
        }
        guard IdentifierAlphabet.isValid(id.rawValue) else { throw refuse("an id is 1 to 64 plain characters") }
        guard let name = trimmed(name), IdentifierAlphabet.isValidText(name) else { throw refuse("give the name") }
        guard currency.isWellFormed else { throw refuse("a currency is three capital letters (CNY, EUR)") }
        let address = trimmed(address)
        if let address, !IdentifierAlphabet.isValidText(address) { throw refuse("the address is too long") }
        let taxID = trimmed(taxID)
        if let taxID, taxID.count > 64 || !IdentifierAlphabet.isValid(taxID) {
            throw refuse("a tax id is 1 to 64 plain characters")
        }
        let timeZone = trimmed(timeZone)
        if let timeZone, !Self.isTimeZoneName(timeZone) {
            throw refuse("a time zone is an IANA name such as Asia/Shanghai or Europe/Paris")
        }
        return Store(
            id: id, name: name, kind: kind, currency: currency, address: address, taxID: taxID, timeZone: timeZone)
    }

    /// `UTC`, or `Area/Location[/More]` in ASCII letters, digits, `_`, `-` and `+`, as the IANA
    /// time zone database names them.
    static func isTimeZoneName(_ name: String) -> Bool {
        if name == "UTC" { return true }
        let parts = name.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count >= 2, name.count <= 64 else { return false }
        return parts.allSatisfy { part in
            !part.isEmpty && part.first!.isLetter
                && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_-+".contains($0)) }
        }
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
