/// Why the customer brings the goods back. The 7-day no-reason rule accepts `changedMind`.
public enum ReasonCode: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case changedMind, defective, damagedInTransit, wrongItem, notAsDescribed, sizeOrFit, other
    /// A quality fault of the goods: not the customer's choice, so no restocking fee and the longer window.
    public var isFault: Bool { [.defective, .damagedInTransit, .wrongItem, .notAsDescribed].contains(self) }
    public static func < (a: ReasonCode, b: ReasonCode) -> Bool { a.rawValue < b.rawValue }
}

/// The state of the goods as the customer hands them over.
public enum ItemCondition: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// Sealed, in original packaging.
    case unopened
    /// Opened but complete, with packaging.
    case openedComplete
    /// Packaging or accessories missing.
    case incomplete
    /// Visibly used or damaged by the customer.
    case used
    case damaged
    public static func < (a: ItemCondition, b: ItemCondition) -> Bool { a.rawValue < b.rawValue }
}

/// Refund the money, or swap for other goods.
public enum ReturnType: String, Hashable, Sendable, Codable, CaseIterable {
    case refund, exchange
}

/// How the goods come back.
public enum ReturnMethod: String, Hashable, Sendable, Codable, CaseIterable {
    case counter, courier, homePickup, onlineSelfService
}

/// One line of a return document (退货单).
public struct ReturnLine: Hashable, Sendable, Codable {
    /// 1-based line number within the return.
    public var line: Int
    /// The sale line this refers to; nil for a receipt-less return.
    public var saleLine: Int?
    public var sku: SKU
    public var quantity: Int
    /// VAT-inclusive price refunded per unit (the price paid, or for receipt-less returns a policy price).
    public var unitRefund: Money
    /// Cost per unit at which inventory comes back (the original sale's cost).
    public var unitCost: Money
    public var vatRate: VATRate
    public var reason: ReasonCode
    public var condition: ItemCondition
    public var lot: String?
    public var serials: [String]
    /// Where the sold goods came from (the sale line's source): a service line brings nothing
    /// back into stock.
    public var source: LineSource?

    public init(
        line: Int, saleLine: Int?, sku: SKU, quantity: Int, unitRefund: Money, unitCost: Money,
        vatRate: VATRate, reason: ReasonCode, condition: ItemCondition, lot: String? = nil, serials: [String] = [],
        source: LineSource? = nil
    ) {
        self.line = line
        self.saleLine = saleLine
        self.sku = sku
        self.quantity = quantity
        self.unitRefund = unitRefund
        self.unitCost = unitCost
        self.vatRate = vatRate
        self.reason = reason
        self.condition = condition
        self.lot = lot
        self.serials = serials
        self.source = source
    }

    public var gross: Money { unitRefund.times(quantity) }
    /// Whether goods come back (every line but a service's).
    public var bringsGoods: Bool { source != .service }
    public var cost: Money { unitCost.times(quantity) }
}

/// What a return document says when it is opened: everything needed later is copied in, so the
/// return never has to look the sale up again.
public struct ReturnRequest: Hashable, Sendable, Codable {
    public var id: ReturnID
    /// The store or channel that takes the goods back (may differ from the selling store).
    public var store: StoreID
    /// The original sale, or nil for a receipt-less return.
    public var sale: SaleID?
    /// The store that made the sale, when known (for cross-store returns and escrow).
    public var saleStore: StoreID?
    public var customer: CustomerID?
    public var type: ReturnType
    public var method: ReturnMethod
    public var currency: Currency
    public var lines: [ReturnLine]
    public var requestedAt: Instant
    /// Restocking fee decided by policy at request time (zero when none).
    public var restockingFee: Money
    /// Courier tracking number, for returns by post.
    public var trackingNumber: String?
    /// Policy verdict codes recorded for audit.
    public var policyNotes: [String]
    /// The versioned policy rules in force that decided it (`chain@3`, `category:食品@1`); nil
    /// when none had been published and the store's or chain's whole policy decided.
    public var policyRules: [String]?

    public init(
        id: ReturnID, store: StoreID, sale: SaleID?, saleStore: StoreID?, customer: CustomerID?,
        type: ReturnType, method: ReturnMethod, currency: Currency, lines: [ReturnLine], requestedAt: Instant,
        restockingFee: Money, trackingNumber: String? = nil, policyNotes: [String] = [], policyRules: [String]? = nil
    ) {
        self.id = id
        self.store = store
        self.sale = sale
        self.saleStore = saleStore
        self.customer = customer
        self.type = type
        self.method = method
        self.currency = currency
        self.lines = lines
        self.requestedAt = requestedAt
        self.restockingFee = restockingFee
        self.trackingNumber = trackingNumber
        self.policyNotes = policyNotes
        self.policyRules = policyRules
    }

    public var isReceiptless: Bool { sale == nil }
    public var gross: Money { Money(lines.reduce(0) { $0 + $1.gross.minor }, currency) }
    public var totalQuantity: Int { lines.reduce(0) { $0 + $1.quantity } }
    public func line(_ number: Int) -> ReturnLine? { lines.first { $0.line == number } }
}
