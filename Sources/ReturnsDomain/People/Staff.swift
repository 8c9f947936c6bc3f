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
    /// Ring up open-price lines (goods below their shelf price, a service or fee at the price
    /// typed) worth more than the store's approval threshold.
    case openPrice
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

    /// What a sale needs: `openPrice` when its open-price value is above the store policy's
    /// approval threshold (in the sale's currency; no threshold, no limit). The open-price value
    /// is what the till typed rather than took from the shelf: per line of goods the discount
    /// below its `shelfPrice` (the catalog's price, or a B-grade unit's written-down value), per
    /// service or fee line its whole value.
    public static func required(
        forSale sale: Sale, shelfPrice: (SaleLine) -> Money?, approvalThreshold: Money?
    ) -> StaffPermission? {
        guard let threshold = approvalThreshold, threshold.currency == sale.currency else { return nil }
        // Saturating sums: a value past the 64-bit range is past any threshold.
        var open: Int64 = 0
        func add(_ unit: Int64, _ quantity: Int) {
            let line = unit.multipliedReportingOverflow(by: Int64(quantity))
            let sum = open.addingReportingOverflow(line.partialValue)
            open = line.overflow || sum.overflow ? .max : sum.partialValue
        }
        for l in sale.lines {
            if l.source == .service {
                add(l.unitPrice.minor, l.quantity)
            } else if let shelf = shelfPrice(l), shelf.currency == sale.currency, l.unitPrice.minor < shelf.minor {
                add(shelf.minor - l.unitPrice.minor, l.quantity)
            }
        }
        return open > threshold.minor ? .openPrice : nil
    }

    /// Who records a step at `store` that needs `permission`, when the store signs staff in
    /// (`roster` holds someone who works there; otherwise staff are named as typed and nothing is
    /// refused): `staff` when they hold it and proved who they are (`signedIn`: a desk session,
    /// not a name a till typed), else the `authoriser` who gave their PIN for this step (the step
    /// is then theirs). Refused: `authority.unknownStaff` for a name head office never defined,
    /// `authority.required` when no one who holds it proved it, `authority.notAtThisStore`.
    public static func actor(
        _ staff: StaffID, for permission: StaffPermission?, roster: [StaffMember], authoriser: StaffMember?,
        signedIn: Bool, at store: StoreID
    ) throws(DomainError) -> StaffID {
        guard roster.contains(where: { $0.worksAt(store) }) else { return staff }
        guard let member = roster.first(where: { $0.id == staff }) else {
            throw DomainError(
                code: "authority.unknownStaff",
                message: "\(staff) is not a staff member head office has defined: sign in at the desk",
                values: ["staff": "\(staff)"])
        }
        if let permission, !(signedIn && member.holds(permission)), let authoriser {
            try check(authoriser, holds: permission, at: store)
            try check(member, holds: nil, at: store)
            return authoriser.id
        }
        try check(member, holds: permission, at: store)
        if permission != nil && !signedIn {
            throw DomainError(
                code: "authority.required",
                message: "\(permission!.rawValue) is signed for with a PIN: sign in at the desk, or have it authorised",
                values: refusalValues(member, permission!))
        }
        return staff
    }

    /// Refuses `member` for `permission` at `store` (`authority.required`, naming who may).
    public static func check(_ member: StaffMember, holds permission: StaffPermission?, at store: StoreID)
        throws(DomainError)
    {
        guard member.worksAt(store) else {
            throw DomainError(
                code: "authority.notAtThisStore",
                message: "\(member.id) is not staff of \(store) (or has left); sign in as someone who is",
                values: ["staff": "\(member.id)", "store": "\(store)"])
        }
        guard let permission, !member.holds(permission) else { return }
        let who = StaffRole.allCases.filter { $0.permissions.contains(permission) }.map(\.rawValue)
        throw DomainError(
            code: "authority.required",
            message: "\(permission.rawValue) needs a \(who.joined(separator: " or ")); \(member.id) is "
                + member.roles.map(\.rawValue).joined(separator: ", ") + ": a manager can authorise it with their PIN",
            values: refusalValues(member, permission))
    }

    /// The values of an `authority.required` refusal: the permission, the roles that hold it
    /// (`holders`), and who was refused with their roles, as codes.
    static func refusalValues(_ member: StaffMember, _ permission: StaffPermission) -> [String: String] {
        [
            "permission": permission.rawValue,
            "holders": StaffRole.allCases.filter { $0.permissions.contains(permission) }.map(\.rawValue)
                .joined(separator: ","),
            "staff": "\(member.id)", "roles": member.roles.map(\.rawValue).joined(separator: ","),
        ]
    }
}

/// What head office gives to define or change a staff member (the CLI and the hub's API): the
/// PIN in the clear, which only ever leaves here as a hash.
public struct StaffDefinition: Hashable, Sendable, Codable {
    public var name: String
    public var roles: [StaffRole]
    public var store: StoreID?
    public var language: String?
    public var active: Bool?
    /// 4 to 12 digits; needed for someone new, otherwise kept unless given.
    public var pin: String?

    public init(
        name: String, roles: [StaffRole], store: StoreID? = nil, language: String? = nil, active: Bool? = nil,
        pin: String? = nil
    ) {
        self.name = name
        self.roles = roles
        self.store = store
        self.language = language
        self.active = active
        self.pin = pin
    }

    /// The member this makes of `existing` (nil for someone new), with a given PIN turned into
    /// `hash(pin)` (a slow hash the caller supplies). Refused (`staff.invalid`): no name, no role,
    /// a language other than zh-CN or en, a PIN that is not 4 to 12 digits, someone new without one.
    public func member(id: StaffID, existing: StaffMember?, hash: (String) -> String) throws(DomainError)
        -> StaffMember
    {
        // `rule` names what is wrong (the catalog's `staffRule.*`).
        func refuse(_ why: String, _ rule: String) -> DomainError {
            DomainError(code: "staff.invalid", message: "\(id): \(why)", values: ["staff": "\(id)", "staffRule": rule])
        }
        let name = String(self.name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !name.isEmpty else { throw refuse("give the name", "name") }
        guard !roles.isEmpty else {
            throw refuse("give at least one role (\(StaffRole.allCases.map(\.rawValue)))", "roles")
        }
        if let language, !["zh-CN", "en"].contains(language) {
            throw refuse("the language is zh-CN or en", "language")
        }
        let pinHash: String
        if let pin {
            guard (4...12).contains(pin.count), pin.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw refuse("a PIN is 4 to 12 digits", "pin")
            }
            pinHash = hash(pin)
        } else if let existing {
            pinHash = existing.pinHash
        } else {
            throw refuse("someone new needs a PIN", "newPin")
        }
        var roles: [StaffRole] = []
        for role in self.roles where !roles.contains(role) { roles.append(role) }
        return StaffMember(
            id: id, name: name, roles: roles, store: store, pinHash: pinHash, language: language,
            active: active ?? existing?.active ?? true)
    }
}

/// Wrong PINs entered for one staff member since `since` (ms).
public struct PINFailures: Hashable, Sendable {
    public var count: Int
    public var since: Int64
    public init(count: Int, since: Int64) {
        self.count = count
        self.since = since
    }
}

/// The lockout rule for PINs, at sign-in and when authorising a step: five wrong PINs within 15
/// minutes lock that member out until the 15 minutes are over. Pure: the node keeps the counts.
public enum PINLockout {
    public static let attempts = 5
    public static let window: Int64 = 15 * 60 * 1000

    /// Whether `failures` lock the member out at `now`.
    public static func isLocked(_ failures: PINFailures?, now: Int64) -> Bool {
        guard let failures else { return false }
        return failures.count >= attempts && now - failures.since < window
    }

    /// The count after one more wrong PIN at `now` (a count older than the window starts again).
    public static func failed(_ failures: PINFailures?, now: Int64) -> PINFailures {
        guard let earlier = failures, now - earlier.since < window else { return PINFailures(count: 1, since: now) }
        return PINFailures(count: earlier.count + 1, since: earlier.since)
    }
}
