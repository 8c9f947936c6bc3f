/// A person at head office who signs in to the hub's dashboard and API.
public struct HeadOfficeUserID: StringIdentifier {
    public let rawValue: String; public init(rawValue: String) { self.rawValue = rawValue }
}

/// What a person at head office does. An operator gives each user one or more.
public enum HeadOfficeRole: String, Hashable, Sendable, Codable, CaseIterable {
    /// Reads the dashboard, analytics, returns, stock and sync health.
    case analyst
    /// An analyst who also keeps the books: the general-ledger export and the hub's verification.
    case finance
    /// An analyst who also works the exceptions queue: over-returns, conflicts, abuse signals.
    case lossPrevention
    /// An analyst who also keeps the master data: stores and channels, the catalog.
    case merchandiser
    /// Runs the hub and its people: everything, including defining staff and head-office users.
    case `operator`
}

/// What a head-office request needs.
public enum HeadOfficePermission: String, Hashable, Sendable, Codable, CaseIterable {
    /// The dashboard, analytics, returns, stock, sync status and incidents.
    case reports
    /// The general-ledger export and the hub's verification.
    case books
    /// Resolving exceptions.
    case exceptions
    /// Defining store staff and head-office users.
    case people
    /// Defining stores and channels, importing the catalog.
    case masterData
}

extension HeadOfficeRole {
    /// The permissions this role holds.
    public var permissions: Set<HeadOfficePermission> {
        switch self {
        case .analyst: [.reports]
        case .finance: [.reports, .books]
        case .lossPrevention: [.reports, .exceptions]
        case .merchandiser: [.reports, .masterData]
        case .operator: Set(HeadOfficePermission.allCases)
        }
    }
}

/// A head-office user as the hub keeps them: hub-local (never sent to stores), the password only
/// as a bcrypt hash.
public struct HeadOfficeUser: Hashable, Sendable, Codable {
    public var id: HeadOfficeUserID
    /// The name as the person writes it (陈静).
    public var name: String
    public var roles: [HeadOfficeRole]
    /// The bcrypt hash of their password (`$2b$…`).
    public var passwordHash: String
    /// The language their pages come in (`zh-CN`, `en`); nil to follow the browser.
    public var language: String?
    /// False once they have left: they can no longer sign in, and their sessions end.
    public var active: Bool

    public init(
        id: HeadOfficeUserID, name: String, roles: [HeadOfficeRole], passwordHash: String, language: String? = nil,
        active: Bool = true
    ) {
        self.id = id
        self.name = name
        self.roles = roles
        self.passwordHash = passwordHash
        self.language = language
        self.active = active
    }

    /// Whether any of their roles holds `permission`.
    public func holds(_ permission: HeadOfficePermission) -> Bool {
        roles.contains { $0.permissions.contains(permission) }
    }

    /// How long a sign-in lasts: a working day.
    public static let sessionLength: Int64 = 10 * 3_600_000
}

/// What an operator gives to define or change a head-office user (the CLI and the hub's API):
/// the password in the clear, which only ever leaves here as a hash.
public struct HeadOfficeUserDefinition: Hashable, Sendable, Codable {
    public var name: String
    public var roles: [HeadOfficeRole]
    public var language: String?
    public var active: Bool?
    /// 10 to 128 characters; needed for someone new, otherwise kept unless given.
    public var password: String?

    public init(
        name: String, roles: [HeadOfficeRole], language: String? = nil, active: Bool? = nil, password: String? = nil
    ) {
        self.name = name
        self.roles = roles
        self.language = language
        self.active = active
        self.password = password
    }

    /// The shortest password taken: NIST SP 800-63B §5.1.1.2 asks for at least 8 characters
    /// chosen by the user; 10 leaves room for the passphrases head office should use.
    public static let minimumPassword = 10
    /// The longest: bcrypt reads the first 72 bytes of it (24 to 72 characters, by script).
    public static let maximumPassword = 128

    /// The user this makes of `existing` (nil for someone new), with a given password turned
    /// into `hash(password)` (a slow hash the caller supplies). Refused (`user.invalid`): an id
    /// outside the identifier alphabet, no name, no role, a language other than zh-CN or en, a
    /// password of fewer than ``minimumPassword`` or more than ``maximumPassword`` characters or
    /// with a control character, someone new without one.
    public func user(id: HeadOfficeUserID, existing: HeadOfficeUser?, hash: (String) -> String) throws(DomainError)
        -> HeadOfficeUser
    {
        func refuse(_ why: String) -> DomainError { DomainError(code: "user.invalid", message: "\(id): \(why)") }
        guard IdentifierAlphabet.isValid(id.rawValue) else { throw refuse("an id is 1 to 64 plain characters") }
        let name = String(self.name.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !name.isEmpty, IdentifierAlphabet.isValidText(name) else { throw refuse("give the name") }
        guard !roles.isEmpty else {
            throw refuse("give at least one role (\(HeadOfficeRole.allCases.map(\.rawValue)))")
        }
        if let language, !["zh-CN", "en"].contains(language) { throw refuse("the language is zh-CN or en") }
        let passwordHash: String
        if let password {
            guard (Self.minimumPassword...Self.maximumPassword).contains(password.count),
                password.unicodeScalars.allSatisfy({ $0.properties.generalCategory != .control })
            else {
                throw refuse(
                    "a password has \(Self.minimumPassword) to \(Self.maximumPassword) characters, none a control")
            }
            passwordHash = hash(password)
        } else if let existing {
            passwordHash = existing.passwordHash
        } else {
            throw refuse("someone new needs a password")
        }
        var roles: [HeadOfficeRole] = []
        for role in self.roles where !roles.contains(role) { roles.append(role) }
        return HeadOfficeUser(
            id: id, name: name, roles: roles, passwordHash: passwordHash, language: language,
            active: active ?? existing?.active ?? true)
    }
}

/// A head-office sign-in, as the hub keeps it: the SHA-256 of the session's token and of its
/// CSRF token (never the tokens), whose user, and until when.
public struct HeadOfficeSession: Hashable, Sendable, Codable {
    public var tokenHash: String
    public var csrfHash: String
    public var user: HeadOfficeUserID
    public var expiresAt: Int64

    public init(tokenHash: String, csrfHash: String, user: HeadOfficeUserID, expiresAt: Int64) {
        self.tokenHash = tokenHash
        self.csrfHash = csrfHash
        self.user = user
        self.expiresAt = expiresAt
    }
}
