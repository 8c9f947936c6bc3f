/// What a person at a store may be trusted with. Head office gives each staff member one or more.
public enum StaffRole: String, Hashable, Sendable, Codable, CaseIterable {
    /// The return desk: find the sale, record returns, receive, grade, refund within the limit.
    case clerk
    /// Runs the store: everything a clerk does, approves, rejects, writes off, refunds any amount.
    case storeManager
    /// After-sales and warehouse: receives, grades, repairs, scraps and returns goods to vendors.
    case afterSales
    /// Finance: refunds any amount.
    case finance
}

/// A decision that needs more than the desk's everyday trust (DESIGN §10, "People and authority").
public enum StaffPermission: String, Hashable, Sendable, Codable, CaseIterable {
    /// Approve a return (the policy wants a manager: above the threshold, or an exception).
    case approve
    /// Reject a return.
    case reject
    /// Write goods off: scrap them.
    case writeOff
    /// Refund more than the store's approval threshold.
    case largeRefund
}

extension StaffRole {
    /// The permissions this role holds.
    public var permissions: Set<StaffPermission> {
        switch self {
        case .clerk: []
        case .storeManager: Set(StaffPermission.allCases)
        case .afterSales: [.writeOff]
        case .finance: [.largeRefund]
        }
    }
}

/// A person who works at the chain's stores, as head office defines them (`staff.defined`, last
/// writer wins). The PIN is kept only as a slow hash (bcrypt), so that every node can check a
/// sign-in offline while no replica holds the PIN itself.
public struct StaffMember: Hashable, Sendable, Codable {
    public var id: StaffID
    /// The name as the person writes it (王丽).
    public var name: String
    public var roles: [StaffRole]
    /// The one store they work at; nil for every store (area managers, head office staff).
    public var store: StoreID?
    /// The bcrypt hash of their PIN (`$2b$…`).
    public var pinHash: String
    /// The language their pages come in (`zh-CN`, `en`); nil to follow the browser.
    public var language: String?
    /// False once they have left: they can no longer sign in.
    public var active: Bool

    public init(
        id: StaffID, name: String, roles: [StaffRole], store: StoreID? = nil, pinHash: String,
        language: String? = nil, active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.roles = roles
        self.store = store
        self.pinHash = pinHash
        self.language = language
        self.active = active
    }

    /// Whether any of their roles holds `permission`.
    public func holds(_ permission: StaffPermission) -> Bool {
        roles.contains { $0.permissions.contains(permission) }
    }

    /// Whether they may work at `other` now: active, and that store's or every store's.
    public func worksAt(_ other: StoreID) -> Bool {
        active && (store == nil || store == other)
    }
}

/// The authority rules of the return lifecycle: which step needs which permission. Pure: the node
/// asks before it records a step, the same online and offline.
public enum StaffAuthority {
    /// What `action` needs, given what it carries: approving and rejecting always need a manager;
    /// disposing needs `writeOff` when a line is scrapped; a refund above the store policy's
    /// approval threshold (in the refund's currency) needs `largeRefund`. Nil: any staff member.
    public static func required(
        for action: ReturnAction, dispositions: [Disposition] = [], refund: Money? = nil,
        approvalThreshold: Money? = nil
    ) -> StaffPermission? {
        switch action {
        case .approve: return .approve
        case .reject: return .reject
        case .dispose:
            return dispositions.contains { if case .scrap = $0 { true } else { false } } ? .writeOff : nil
        case .refund:
            guard let refund, let threshold = approvalThreshold, refund.currency == threshold.currency,
                refund.minor > threshold.minor
            else { return nil }
            return .largeRefund
        case .receive, .inspect, .exchange, .close:
            return nil
        }
    }

    /// Refuses `member` for `permission` at `store` (`authority.required`, naming who may).
    public static func check(_ member: StaffMember, holds permission: StaffPermission?, at store: StoreID)
        throws(DomainError)
    {
        guard member.worksAt(store) else {
            throw DomainError(
                code: "authority.notAtThisStore",
                message: "\(member.id) is not staff of \(store) (or has left); sign in as someone who is")
        }
        guard let permission, !member.holds(permission) else { return }
        let who = StaffRole.allCases.filter { $0.permissions.contains(permission) }.map(\.rawValue)
        throw DomainError(
            code: "authority.required",
            message: "\(permission.rawValue) needs a \(who.joined(separator: " or ")); \(member.id) is "
                + member.roles.map(\.rawValue).joined(separator: ", ") + ": a manager can authorise it with their PIN")
    }
}
