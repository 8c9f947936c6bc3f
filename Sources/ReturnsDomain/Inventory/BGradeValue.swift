/// What a B-grade unit of a product is carried at once it is in refurbished stock: the value it
/// was written down to, by the return's disposition (`refurbish(unitValue:)`) or by the repair
/// that fixed it (`repaired(resalePrice:)`). A sale of a B-grade unit costs it at that value, so
/// the inventory that the write-down left is what the sale takes out.
public struct BGradeValue: Hashable, Sendable {
    public var unitValue: Money
    /// When it was written down (the return's request or the repair order's opening), to choose
    /// the latest.
    public var at: Instant

    public init(unitValue: Money, at: Instant) {
        self.unitValue = unitValue
        self.at = at
    }

    /// The value a B-grade unit sold now is costed at: the latest write-down of that product at
    /// the store (units written down at different values are not told apart); nil when none is
    /// known, and the sale keeps the cost it carries.
    public static func latest(_ values: [BGradeValue]) -> Money? {
        values.max { ($0.at.millis, $0.unitValue.minor) < ($1.at.millis, $1.unitValue.minor) }?.unitValue
    }
}

extension Sale {
    /// The sale as it is recorded: a service or fee line is marked so and carries no cost; a line
    /// of B-grade goods is costed at `bGradeValue` (``BGradeValue/latest(_:)``) when one is known.
    public func costed(products: (SKU) -> Product?, bGradeValue: (SKU) -> Money?) -> Sale {
        var sale = self
        for i in sale.lines.indices {
            let l = sale.lines[i]
            if products(l.sku)?.isService == true, l.source == nil || l.source == .service {
                sale.lines[i].source = .service
                sale.lines[i].unitCost = Money(0, currency)
            } else if l.source == .refurbished, let value = bGradeValue(l.sku), value.currency == currency {
                sale.lines[i].unitCost = value
            }
        }
        return sale
    }
}

/// What the desk gives to sell B-grade units out of refurbished stock.
public struct ResaleCommand: Hashable, Sendable, Codable {
    public var sku: SKU
    public var quantity: Int
    /// One per unit for serial-tracked goods.
    public var serials: [String]?
    /// VAT-inclusive price per unit; nil for the value the units were written down to.
    public var unitPrice: Money?
    public var tender: Tender
    public var customer: CustomerID?

    public init(
        sku: SKU, quantity: Int, serials: [String]? = nil, unitPrice: Money? = nil, tender: Tender,
        customer: CustomerID? = nil
    ) {
        self.sku = sku
        self.quantity = quantity
        self.serials = serials
        self.unitPrice = unitPrice
        self.tender = tender
        self.customer = customer
    }
}

extension Sale {
    /// A sale of `quantity` B-grade units of `product` from refurbished stock, paid in one
    /// `tender`: at `unitPrice`, else at the value they were `writtenDown` to, else (nothing known)
    /// at the catalog's price. Costed and checked as every sale is when it is recorded.
    public static func bGradeResale(
        id: SaleID, store: StoreID, product: Product, quantity: Int, serials: [String], unitPrice: Money?,
        writtenDown: Money?, tender: Tender, customer: CustomerID?, at: Instant
    ) throws(DomainError) -> Sale {
        guard !product.isService else {
            throw .invalid("sale.lineSource", "\(product.sku) is a service or fee: there are no B-grade units of it")
        }
        guard quantity > 0, quantity <= Limits.maxQuantity else { throw .invalidQuantity(quantity) }
        let price = unitPrice ?? writtenDown ?? product.unitPrice
        let currency = price.currency
        guard let total = Limits.lineValue(quantity, price) else {
            throw .invalid(
                "admission.moneyOutOfRange", "quantity × price may be at most \(Money(Limits.maxMoney, currency))")
        }
        let line = SaleLine(
            line: 1, sku: product.sku, quantity: quantity, unitPrice: price, unitCost: writtenDown ?? product.unitCost,
            vatRate: product.vatRate, serials: serials, source: .refurbished)
        let tenders = total > 0 ? [TenderPayment(tender: tender, amount: Money(total, currency))] : []
        return Sale(
            id: id, store: store, customer: customer, soldAt: at, currency: currency, lines: [line], tenders: tenders)
    }
}
