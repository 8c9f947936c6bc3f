/// A return as it is asked for, at a store's desk or by the online channel at the hub: which sale,
/// which lines, why. `ReturnDesk.requestReturn` turns it into a return document.
public struct ReturnSubmission: Hashable, Sendable, Codable {
    /// The original sale, or nil for a return without receipt.
    public var sale: SaleID?
    public var customer: CustomerID?
    public var type: ReturnType?
    public var method: ReturnMethod?
    public var lines: [RequestedLine]
    public var trackingNumber: String?
    /// When the return happened, for history loaded from an earlier system
    /// (``ReturnIntake/businessDate(of:sale:now:)``); nil for now.
    public var businessDate: Instant?
    public init(
        sale: SaleID?, customer: CustomerID? = nil, type: ReturnType? = nil, method: ReturnMethod? = nil,
        lines: [RequestedLine], trackingNumber: String? = nil, businessDate: Instant? = nil
    ) {
        self.sale = sale
        self.customer = customer
        self.type = type
        self.method = method
        self.lines = lines
        self.trackingNumber = trackingNumber
        self.businessDate = businessDate
    }
}
