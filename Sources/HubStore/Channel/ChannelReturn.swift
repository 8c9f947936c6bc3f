import Foundation
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

/// What every backend checks before it records a channel return: the caller is an online channel
/// with a store, the idempotency key is 1 to 200 characters (trimmed), and the digest that tells a
/// replay of the same request from a different one under the same key.
public struct ChannelSubmission: Sendable {
    public var store: StoreID
    public var key: String
    public var digest: String

    public init(_ request: ChannelReturnRequest, from channel: HubCredential, idempotencyKey: String) throws {
        try self.init(request, operation: nil, from: channel, idempotencyKey: idempotencyKey)
    }

    /// Any of the channel's commands (`operation`: `sale`, `RT-…/refund`, …), so that one key
    /// given to two different commands is told apart from a replay.
    public init(
        _ request: some Encodable, operation: String?, from channel: HubCredential, idempotencyKey: String
    ) throws {
        guard channel.role == .onlineChannel, let store = channel.store else {
            throw HubError(code: HubError.Code.forbidden, message: "only an online channel uses the channel API")
        }
        let key = idempotencyKey.trimmingCharacters(in: .whitespaces)
        guard !key.isEmpty, key.count <= 200 else {
            throw HubError(
                code: "input.invalidIdempotencyKey", message: "send an Idempotency-Key header of 1 to 200 characters")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        self.store = store
        self.key = key
        let body = String(decoding: try encoder.encode(request), as: UTF8.self)
        self.digest = ReplicaState.fnv1a64(operation.map { "\($0)\n\(body)" } ?? body)
    }
}
