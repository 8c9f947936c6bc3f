import Foundation
public import HTTPSupport
public import HubStore
public import Hummingbird

/// The request context of the hub: who is calling, once `HubAuthMiddleware` has looked at the token.
public struct HubRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The authenticated caller, set by `HubAuthMiddleware`.
    public var credential: HubCredential?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The caller, or 401.
    func caller() throws -> HubCredential {
        guard let credential else {
            throw Problem(code: "auth.missing", status: .unauthorized, detail: "send Authorization: Bearer <token>")
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
}

/// Checks `Authorization: Bearer <token>`: the token's SHA-256 is looked up (the hub stores only
/// hashes), a revoked credential is refused, and the caller is put in the context. The node a
/// request speaks for is always the credential's, never anything in the body.
struct HubAuthMiddleware: RouterMiddleware {
    typealias Context = HubRequestContext
    let store: any HubStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw Problem(code: "auth.missing", status: .unauthorized, detail: "send Authorization: Bearer <token>")
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
