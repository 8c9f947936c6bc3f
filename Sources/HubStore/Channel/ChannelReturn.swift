public import Replication
public import ReturnsDomain

/// A return the online channel submits to the hub's API (an e-shop that runs no node of its own).
public struct ChannelReturnRequest: Hashable, Sendable, Codable {
    /// The original sale (any store's or channel's), or nil for a return without receipt.
    public var sale: SaleID?
    public var customer: CustomerID?
    public var type: ReturnType?
    public var method: ReturnMethod?
    public var lines: [RequestedLine]
    public var trackingNumber: String?
    public init(
        sale: SaleID?, customer: CustomerID? = nil, type: ReturnType? = nil, method: ReturnMethod? = nil,
        lines: [RequestedLine], trackingNumber: String? = nil
    ) {
        self.sale = sale
        self.customer = customer
        self.type = type
        self.method = method
        self.lines = lines
        self.trackingNumber = trackingNumber
    }
}

/// The hub's answer to a channel return: the return as recorded and the policy's verdict.
/// A replay of the same idempotency key gets exactly this answer again.
public struct ChannelReturnReceipt: Hashable, Sendable, Codable {
    public var id: ReturnID
    public var status: ReturnStatus
    public var request: ReturnRequest
    public var verdict: PolicyVerdict
    public init(id: ReturnID, status: ReturnStatus, request: ReturnRequest, verdict: PolicyVerdict) {
        self.id = id
        self.status = status
        self.request = request
        self.verdict = verdict
    }
}
