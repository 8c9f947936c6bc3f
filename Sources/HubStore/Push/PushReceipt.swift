/// The hub's answer to a push: every event up to `acked` from the node is durably held.
public struct PushReceipt: Hashable, Sendable, Codable {
    /// The highest contiguous seq the hub holds from the pushing node.
    public var acked: UInt64
    /// New events stored by this push.
    public var applied: Int
    /// Events the hub already held with identical content (re-sent after a lost answer).
    public var duplicates: Int
    /// The hub database's epoch.
    public var epoch: String

    public init(acked: UInt64, applied: Int, duplicates: Int, epoch: String) {
        self.acked = acked
        self.applied = applied
        self.duplicates = duplicates
        self.epoch = epoch
    }
}
