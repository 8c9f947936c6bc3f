/// A restocking fee charged on returns the customer chose to make.
public enum RestockingFee: Hashable, Sendable, Codable {
    case none
    /// A fixed amount per return document.
    case fixed(Money)
    /// A share of the returned value, in basis points (1500 = 15 %).
    case percent(basisPoints: Int64)
}

/// The return rules of a store or channel. A chain usually has one default and a few overrides.
public struct ReturnPolicy: Hashable, Sendable, Codable {
    /// Days after the sale during which a return for any reason, even "changed mind", is accepted
    /// (7 for the Chinese 7-day no-reason rule, 七天无理由退货). Zero disables it.
    public var noReasonWindowDays: Int
    /// Days after the sale during which a faulty product can be returned.
    public var faultWindowDays: Int
    /// Conditions accepted for a return that is not the product's fault.
    public var acceptedConditions: Set<ItemCondition>
    /// Categories never taken back (hygiene, perishables, custom-made).
    public var nonReturnableCategories: Set<String>
    /// Without a receipt no return is accepted at all.
    public var receiptRequired: Bool
    /// Maximum VAT-inclusive value of one receipt-less return.
    public var receiptlessMaxValue: Money
    /// Receipt-less returns a customer may make in 90 days before approval is needed.
    public var receiptlessMaxPer90Days: Int
    public var restockingFee: RestockingFee
    /// Returns worth more than this need a manager's approval.
    public var approvalThreshold: Money?

    public init(
        noReasonWindowDays: Int, faultWindowDays: Int, acceptedConditions: Set<ItemCondition>,
        nonReturnableCategories: Set<String>, receiptRequired: Bool, receiptlessMaxValue: Money,
        receiptlessMaxPer90Days: Int, restockingFee: RestockingFee, approvalThreshold: Money?
    ) {
        self.noReasonWindowDays = noReasonWindowDays
        self.faultWindowDays = faultWindowDays
        self.acceptedConditions = acceptedConditions
        self.nonReturnableCategories = nonReturnableCategories
        self.receiptRequired = receiptRequired
        self.receiptlessMaxValue = receiptlessMaxValue
        self.receiptlessMaxPer90Days = receiptlessMaxPer90Days
        self.restockingFee = restockingFee
        self.approvalThreshold = approvalThreshold
    }

    /// A sensible default: 7 days no-reason, 30 days for faults, unopened or complete goods, no fee,
    /// manager approval above 1,000.00, receipt-less up to 50.00 and twice in 90 days.
    public static func standard(currency: Currency) -> ReturnPolicy {
        ReturnPolicy(
            noReasonWindowDays: 7, faultWindowDays: 30, acceptedConditions: [.unopened, .openedComplete],
            nonReturnableCategories: [], receiptRequired: false, receiptlessMaxValue: Money(5_000, currency),
            receiptlessMaxPer90Days: 2, restockingFee: .none, approvalThreshold: Money(100_000, currency))
    }
}

extension ReturnPolicy {
    private enum CodingKeys: String, CodingKey {
        case noReasonWindowDays, faultWindowDays, acceptedConditions, nonReturnableCategories, receiptRequired
        case receiptlessMaxValue, receiptlessMaxPer90Days, restockingFee, approvalThreshold
    }

    /// Sets are written sorted so the same policy always encodes to the same bytes (event
    /// content is compared byte for byte across replicas).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(noReasonWindowDays, forKey: .noReasonWindowDays)
        try c.encode(faultWindowDays, forKey: .faultWindowDays)
        try c.encode(acceptedConditions.sorted(), forKey: .acceptedConditions)
        try c.encode(nonReturnableCategories.sorted(), forKey: .nonReturnableCategories)
        try c.encode(receiptRequired, forKey: .receiptRequired)
        try c.encode(receiptlessMaxValue, forKey: .receiptlessMaxValue)
        try c.encode(receiptlessMaxPer90Days, forKey: .receiptlessMaxPer90Days)
        try c.encode(restockingFee, forKey: .restockingFee)
        try c.encodeIfPresent(approvalThreshold, forKey: .approvalThreshold)
    }
}
