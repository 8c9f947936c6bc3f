/// How a customer paid, and how money can go back.
public enum Tender: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case cash, card, bankTransfer, storeCredit
    public static func < (a: Tender, b: Tender) -> Bool { a.rawValue < b.rawValue }
}

/// One tender of a (possibly split) payment.
public struct TenderPayment: Hashable, Sendable, Codable {
    public var tender: Tender
    public var amount: Money
    /// Card authorisation, transfer reference or store-credit account; free text.
    public var reference: String?
    public init(tender: Tender, amount: Money, reference: String? = nil) {
        self.tender = tender
        self.amount = amount
        self.reference = reference
    }
}

/// Where a sale line's goods come from.
public enum LineSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// New goods from sellable stock (what a line without a source means).
    case sellable
    /// A B-grade unit from refurbished stock, carried at its written-down value.
    case refurbished
    /// No goods: a service or a fee (a product of kind `service`); no stock moves, no cost.
    case service

    /// The stock location the goods leave; nil for a service.
    public var location: StockLocation? {
        switch self {
        case .sellable: .sellable
        case .refurbished: .refurbished
        case .service: nil
        }
    }
}

/// One line of a sale as rung up. Price and cost are copied from the catalog at the time of sale,
/// so later price changes never alter what can be refunded.
public struct SaleLine: Hashable, Sendable, Codable {
    /// 1-based line number within the sale.
    public var line: Int
    public var sku: SKU
    public var quantity: Int
    /// VAT-inclusive unit price actually charged (after discounts).
    public var unitPrice: Money
    public var unitCost: Money
    public var vatRate: VATRate
    public var lot: String?
    public var serials: [String]
    /// Where the goods come from; nil for sellable stock.
    public var source: LineSource?

    public init(
        line: Int, sku: SKU, quantity: Int, unitPrice: Money, unitCost: Money, vatRate: VATRate,
        lot: String? = nil, serials: [String] = [], source: LineSource? = nil
    ) {
        self.line = line
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.unitCost = unitCost
        self.vatRate = vatRate
        self.lot = lot
        self.serials = serials
        self.source = source
    }

    public var gross: Money { unitPrice.times(quantity) }
    /// The stock location the goods leave (sellable unless said otherwise); nil for a service.
    public var fromLocation: StockLocation? { (source ?? .sellable).location }
}

/// A completed sale (receipt). Immutable once recorded.
public struct Sale: Hashable, Sendable, Codable {
    public var id: SaleID
    public var store: StoreID
    public var customer: CustomerID?
    public var soldAt: Instant
    public var currency: Currency
    public var lines: [SaleLine]
    public var tenders: [TenderPayment]

    public init(
        id: SaleID, store: StoreID, customer: CustomerID?, soldAt: Instant, currency: Currency,
        lines: [SaleLine], tenders: [TenderPayment]
    ) {
        self.id = id
        self.store = store
        self.customer = customer
        self.soldAt = soldAt
        self.currency = currency
        self.lines = lines
        self.tenders = tenders
    }

    public var total: Money { Money(lines.reduce(0) { $0 + $1.gross.minor }, currency) }

    public func line(_ number: Int) -> SaleLine? { lines.first { $0.line == number } }

    /// Checks that a sale is well formed before it is recorded: positive quantities, one currency,
    /// tenders that pay exactly the total, serials matching quantities.
    public func validate(catalog: (SKU) -> Product?) throws(DomainError) {
        guard !lines.isEmpty else { throw .invalid("sale.noLines", "a sale needs at least one line") }
        guard lines.count <= Limits.maxItems, tenders.count <= Limits.maxItems else {
            throw .invalid("admission.tooManyItems", "a sale has at most \(Limits.maxItems) lines and tenders")
        }
        var seen = Set<Int>()
        for l in lines {
            guard seen.insert(l.line).inserted else {
                throw .invalid("sale.duplicateLine", "line number \(l.line) appears twice")
            }
            guard l.quantity > 0 else { throw .invalidQuantity(l.quantity) }
            guard let product = catalog(l.sku) else { throw .unknownSKU(l.sku) }
            guard l.unitPrice.currency == currency, l.unitCost.currency == currency else {
                throw .currencyMismatch(currency, l.unitPrice.currency)
            }
            guard !l.unitPrice.isNegative, !l.unitCost.isNegative else {
                throw .invalid("sale.negativePrice", "line \(l.line): prices cannot be negative")
            }
            guard l.quantity <= Limits.maxQuantity else {
                throw .invalid(
                    "admission.quantityOutOfRange", "line \(l.line): at most \(Limits.maxQuantity) units a line")
            }
            guard Limits.lineValue(l.quantity, l.unitPrice) != nil, Limits.lineValue(l.quantity, l.unitCost) != nil
            else {
                throw .invalid(
                    "admission.moneyOutOfRange",
                    "line \(l.line): quantity × price may be at most \(Money(Limits.maxMoney, currency))")
            }
            if product.isService != (l.source == .service) {
                throw .invalid(
                    "sale.lineSource",
                    product.isService
                        ? "line \(l.line): \(l.sku) is a service or fee; its line's source is service"
                        : "line \(l.line): \(l.sku) is goods; a service line must be a service or fee",
                    ["line": "\(l.line)", "sku": "\(l.sku)"])
            }
            if l.source == .service, !l.unitCost.isZero {
                throw .invalid(
                    "sale.lineSource", "line \(l.line): a service or fee carries no cost",
                    ["line": "\(l.line)", "sku": "\(l.sku)"])
            }
            if product.serialTracked, l.serials.count != l.quantity {
                throw .invalid(
                    "sale.serialsRequired",
                    "line \(l.line): \(l.sku) is serial-tracked; give \(l.quantity) serial(s)",
                    ["line": String(l.line), "sku": "\(l.sku)", "quantity": String(l.quantity)])
            }
        }
        guard !tenders.isEmpty else { throw .invalid("sale.noTender", "a sale needs at least one tender") }
        var paid: Int64 = 0
        for t in tenders {
            guard t.amount.currency == currency else { throw .currencyMismatch(currency, t.amount.currency) }
            guard t.amount.isPositive else {
                throw .invalid("sale.invalidTender", "a tender amount must be positive")
            }
            guard t.amount.minor <= Limits.maxMoney else {
                throw .invalid(
                    "admission.moneyOutOfRange", "a tender may be at most \(Money(Limits.maxMoney, currency))")
            }
            paid += t.amount.minor
        }
        guard paid == total.minor else {
            throw .invalid(
                "sale.tenderMismatch", "tenders pay \(Money(paid, currency)) but the sale totals \(total)",
                ["paid": "\(Money(paid, currency))", "total": "\(total)"])
        }
    }
}

/// A customer's contact data. Fields are edited independently (per-field last writer wins).
public struct Customer: Hashable, Sendable, Codable {
    public var id: CustomerID
    public var name: String?
    public var phone: String?
    public var email: String?
    public init(id: CustomerID, name: String? = nil, phone: String? = nil, email: String? = nil) {
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
    }
}
