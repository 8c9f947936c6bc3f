import HTTPSupport
public import Hummingbird
public import NodeStore

/// A request from a signed-in desk carries `X-Staff-Session: <token>` (`POST /api/v1/sessions`):
/// the change is then recorded as that session's staff member, whatever `X-Staff` says. A token
/// that is unknown, expired, or whose member no longer works here is `401 auth.sessionExpired`:
/// the desk asks them to sign in again.
public struct StaffSessionGuard<Context: RequestContext>: RouterMiddleware {
    let service: NodeService

    public init(service: NodeService) {
        self.service = service
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let token = request.headers[.init("X-Staff-Session")!], request.uri.path.hasPrefix(NodeAPI.prefix + "/")
        else {
            return try await next(request, context)
        }
        guard let session = try await service.session(tokenHash: TokenHash.of(token)) else {
            throw Problem(
                code: "auth.sessionExpired", status: .unauthorized,
                detail: "this sign-in has ended (after a shift, or it was signed out): sign in again")
        }
        return try await AuthenticatedStaff.$id.withValue(session.staff) { try await next(request, context) }
    }
}
