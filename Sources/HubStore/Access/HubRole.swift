/// What an enrolled party is to the hub.
public enum HubRole: String, Hashable, Sendable, Codable, CaseIterable {
    /// A branch store's node: pushes its events, pulls what it needs.
    case storeNode
    /// An online shop or marketplace: pushes its returns like a store does.
    case onlineChannel
    /// Head office: may author company-wide facts (catalog, policies) and reads everything.
    case headOffice
    /// An operator: runs the hub; authors no events.
    case admin

    /// Whether events authored under this role are accepted.
    public var mayPush: Bool { self != .admin }

    /// Whether this role belongs to one store or channel.
    public var needsStore: Bool { self == .storeNode || self == .onlineChannel }
}
