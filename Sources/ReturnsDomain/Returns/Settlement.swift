/// Money sent back on one tender: the same shape as a payment (`reference`: a card or transfer
/// reference, or the store-credit account's customer id).
public typealias RefundAllocation = TenderPayment

/// A refund as paid out: cash has left the till once this is recorded.
public struct Refund: Hashable, Sendable, Codable {
    /// VAT-inclusive value of the goods taken back.
    public var gross: Money
    /// Restocking fee kept by the store.
    public var restockingFee: Money
    /// What went back on which tender; adds up to `gross - restockingFee`.
    public var allocations: [RefundAllocation]
    public var refundedAt: Instant
    /// The credit note's number (`CN-S01-000042`), minted by the node that recorded the refund
    /// (``CreditNote/prefix``); nil on refunds recorded before credit notes were numbered.
    public var creditNote: String?
    /// The store or channel that paid it, where the customer stood, when that is not the store
    /// holding the return (an online order refunded at a branch); nil: the return's own store.
    /// The revenue it reverses still belongs to the store that sold (``Postings/refund(_:_:)``).
    public var store: StoreID?
    public init(
        gross: Money, restockingFee: Money, allocations: [RefundAllocation], refundedAt: Instant,
        creditNote: String? = nil, store: StoreID? = nil
    ) {
        self.gross = gross
        self.restockingFee = restockingFee
        self.allocations = allocations
        self.refundedAt = refundedAt
        self.creditNote = creditNote
        self.store = store
    }
    public var paidOut: Money { Money(allocations.reduce(0) { $0 + $1.amount.minor }, gross.currency) }
}

/// Goods handed out in an exchange.
public struct ExchangeLine: Hashable, Sendable, Codable {
    public var sku: SKU
    public var quantity: Int
    public var unitPrice: Money
    public var unitCost: Money
    public var vatRate: VATRate
    public var serials: [String]
    public init(
        sku: SKU, quantity: Int, unitPrice: Money, unitCost: Money, vatRate: VATRate, serials: [String] = []
    ) {
        self.sku = sku
        self.quantity = quantity
        self.unitPrice = unitPrice
        self.unitCost = unitCost
        self.vatRate = vatRate
        self.serials = serials
    }
    public var gross: Money { unitPrice.times(quantity) }
}

/// An exchange (换货): the returned goods' value is set against new goods; the difference is
/// settled either way on `settlementTender`.
public struct Exchange: Hashable, Sendable, Codable {
    /// VAT-inclusive value credited for the returned goods (after any restocking fee).
    public var returnedValue: Money
    public var restockingFee: Money
    public var outLines: [ExchangeLine]
    /// New goods minus returned value: positive means the customer pays, negative means a refund.
    public var difference: Money
    public var settlementTender: Tender
    public var exchangedAt: Instant
    public init(
        returnedValue: Money, restockingFee: Money, outLines: [ExchangeLine], difference: Money,
        settlementTender: Tender, exchangedAt: Instant
    ) {
        self.returnedValue = returnedValue
        self.restockingFee = restockingFee
        self.outLines = outLines
        self.difference = difference
        self.settlementTender = settlementTender
        self.exchangedAt = exchangedAt
    }
    public var newGoodsValue: Money { Money(outLines.reduce(0) { $0 + $1.gross.minor }, returnedValue.currency) }
}
