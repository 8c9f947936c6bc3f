public import Replication
public import ReturnsDomain

/// Opening a return at the desk.
public typealias CreateReturnCommand = ReturnSubmission

/// A return as the desk sees it.
public struct ReturnView: Hashable, Sendable, Codable {
    public var id: ReturnID
    public var status: ReturnStatus
    public var request: ReturnRequest
    public var rejected: Bool
    public var grades: [LineGrade]
    public var dispositions: [LineDisposition]
    public var refunds: [Refund]
    public var exchanges: [Exchange]
    public var steps: [ReturnStep]
    /// The policy verdict, when the return was just created.
    public var verdict: PolicyVerdict?
    /// Products an exchange took below zero sellable stock, when the store warns of it; only in
    /// the answer to the exchange.
    public var stockWarnings: [StockShortfall]?

    init(_ s: ReturnOrderState, verdict: PolicyVerdict? = nil) {
        id = s.request!.id
        status = s.status
        request = s.request!
        rejected = s.rejected
        grades = s.grades
        dispositions = s.dispositions
        refunds = s.refunds
        exchanges = s.exchanges
        steps = s.steps
        self.verdict = verdict
    }
}

/// A sale with what can still be returned of each line.
public struct SaleView: Hashable, Sendable, Codable {
    public struct Line: Hashable, Sendable, Codable {
        public var line: SaleLine
        public var returned: Int
        public var returnable: Int
    }
    public var sale: Sale
    public var lines: [Line]
    /// Products this sale took below zero sellable stock, when the store warns of it
    /// (`NegativeStockRule.warn`); only in the answer to recording the sale.
    public var stockWarnings: [StockShortfall]? = nil
}

/// A customer's returns everywhere this replica knows of, and their store credit.
public struct CustomerHistory: Hashable, Sendable, Codable {
    public var customer: CustomerID
    public var details: Customer?
    public var returns: [ReturnView]
    public var storeCredit: [Money]
}
