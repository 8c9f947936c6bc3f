import Foundation
public import HTTPSupport
public import HubStore
public import Hummingbird
public import ReturnsDomain

/// The request context of the hub: who is calling, once `HubAuthMiddleware` has looked at the token.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller, set by `HubAuthMiddleware`: a machine's token…
    public var credential: HubCredential?
    /// …or a head-office user signed in with a password (a session cookie).
    public var user: HeadOfficeUser?
    /// The signed-in user's session, to sign it out.
    var session: HeadOfficeSession?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The caller, or 401.
    func caller() throws -> HubCredential {
        guard let credential else {
            if user != nil {
                throw Problem(
                    code: "auth.forbidden", status: .forbidden, detail: "this route is for machines, with their token")
            }
            throw Problem.signInNeeded
        }
        return credential
    }

    /// The caller when its role is one of `roles`, else 403.
    func caller(in roles: Set<HubRole>) throws -> HubCredential {
        let c = try caller()
        guard roles.contains(c.role) else {
            throw Problem(
                code: "auth.forbidden", status: .forbidden, detail: "the \(c.role.rawValue) role may not use this route"
            )
        }
        return c
    }

    /// Who the caller is, for what they record (`hq.chen` for a user, the node for a token), when
    /// they hold `permission` (`HeadOfficeAccess`), else 403; 401 when no one signed in.
    func headOffice(_ permission: HeadOfficePermission) throws -> String {
        let access = try HeadOfficeAccess(self)
        guard access.permissions.contains(permission) else {
            throw Problem(
                code: "auth.forbidden", status: .forbidden,
                detail: "\(access.id) does not hold \(permission.rawValue) (\(access.roles.joined(separator: ", ")))")
        }
        return access.id
    }

    /// Any caller that may read company data: a head-office user who reads reports, or a token
    /// of head office, its viewers and operators, or a store's or channel's node.
    func reader() throws {
        if user != nil {
            _ = try headOffice(.reports)
        } else {
            _ = try caller(in: HubRoutes.anyReader)
        }
    }
}

/// What a caller may do at head office, whether they signed in or sent a token.
struct HeadOfficeAccess: Encodable, Sendable {
    /// The user's id, or the token's node.
    var id: String
    var name: String
    /// `user` (signed in with a password) or `token`.
    var kind: String
    /// The user's head-office roles, or the token's hub role.
    var roles: [String]
    var permissions: [HeadOfficePermission]
    var language: String?
    /// When the sign-in ends.
    var expiresAt: Instant?

    init(_ context: HubRequestContext) throws {
        if let user = context.user {
            id = user.id.rawValue
            name = user.name
            kind = "user"
            roles = user.roles.map(\.rawValue)
            permissions = HeadOfficePermission.allCases.filter(user.holds)
            language = user.language
            expiresAt = context.session.map { Instant(millis: $0.expiresAt) }
        } else if let credential = context.credential {
            id = credential.node.rawValue
            name = credential.node.rawValue
            kind = "token"
            roles = [credential.role.rawValue]
            permissions = credential.role.headOfficePermissions
        } else {
            throw Problem.signInNeeded
        }
    }
}

extension Problem {
    /// No token and no sign-in.
    static let signInNeeded = Problem(
        code: "auth.missing", status: .unauthorized,
        detail: "sign in (POST /api/v1/sign-in) or send Authorization: Bearer <token>")
}

/// Checks `Authorization: Bearer <token>`: the token's SHA-256 is looked up (the hub stores only
/// hashes), a revoked credential is refused, and the caller is put in the context. Without a
/// token, a head-office user's session cookie (`HeadOfficeSignIn`) is taken instead. The node a
/// request speaks for is always the credential's, never anything in the body.
struct HubAuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let store: any HubStore
    let clock: @Sendable () -> Int64

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            // A person signed in at the dashboard: the session cookie, and for a change the
            // CSRF token the sign-in gave the page (a cross-site form cannot read it).
            guard let token = HeadOfficeSignIn.sessionToken(in: request) else { throw Problem.signInNeeded }
            guard let (session, user) = try await store.session(tokenHash: TokenHash.of(token), now: clock()) else {
                throw Problem(
                    code: "auth.sessionExpired", status: .unauthorized, detail: "the sign-in has ended: sign in again")
            }
            if request.method != .get && request.method != .head {
                guard let csrf = request.headers[.init(HeadOfficeSignIn.csrfHeader)!],
                    TokenHash.of(csrf) == session.csrfHash
                else {
                    throw Problem(
                        code: "auth.csrf", status: .forbidden,
                        detail: "a change needs the X-CSRF-Token header the sign-in gave")
                }
            }
            var context = context
            context.user = user
            context.session = session
            return try await next(request, context)
        }
        let token = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard let credential = try await store.credential(secretHash: TokenHash.of(token)) else {
            throw Problem(
                code: "auth.unknown", status: .unauthorized, detail: "this token is not enrolled with the hub")
        }
        guard !credential.revoked else { throw HubError.revoked(credential.node) }
        var context = context
        context.credential = credential
        return try await next(request, context)
    }
}
