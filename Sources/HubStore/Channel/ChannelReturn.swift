public import Replication
public import ReturnsDomain

/// A return the online channel submits to the hub's API (an e-shop that runs no node of its own).
public typealias ChannelReturnRequest = ReturnSubmission

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
