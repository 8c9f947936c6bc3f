public import Admission
public import ReturnsDomain

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
    /// Head office, read only: the dashboard and reports; authors no events.
    case viewer

    /// Whether events authored under this role are accepted.
    public var mayPush: Bool { self != .admin && self != .viewer }

    /// Whether this role belongs to one store or channel.
    public var needsStore: Bool { self == .storeNode || self == .onlineChannel }
}

extension HubRole {
    /// What this role is when it authors events (`Admission`'s ownership table).
    public var authorRole: AuthorRole {
        switch self {
        case .storeNode: .store
        case .onlineChannel: .channel
        case .headOffice: .headOffice
        case .admin, .viewer: .reader
        }
    }
}

extension HubRole {
    /// What a machine's token of this role may do at head office: head office's and an
    /// operator's everything, a viewer's reports and books, a store's or channel's nothing of
    /// head office's (people sign in and hold their roles' permissions instead).
    public var headOfficePermissions: [HeadOfficePermission] {
        switch self {
        case .headOffice, .admin: HeadOfficePermission.allCases
        case .viewer: [.reports, .books]
        case .storeNode, .onlineChannel: []
        }
    }
}
