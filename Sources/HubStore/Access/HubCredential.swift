public import Replication
public import ReturnsDomain

/// Who a secret belongs to. The hub stores only the secret's hash.
public struct HubCredential: Hashable, Sendable, Codable {
    public var node: NodeID
    /// The store or channel the node belongs to; nil for head office and operators.
    public var store: StoreID?
    public var role: HubRole
    /// A revoked credential is still found, so the server can say `auth.revoked`.
    public var revoked: Bool

    public init(node: NodeID, store: StoreID?, role: HubRole, revoked: Bool) {
        self.node = node
        self.store = store
        self.role = role
        self.revoked = revoked
    }
}
