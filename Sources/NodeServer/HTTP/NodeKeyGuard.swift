import HTTPSupport
public import Hummingbird
public import NodeStore

/// The node's API answers only callers that hold one of its keys: every route under `/api/v1`
/// but the health and metrics probes needs `Authorization: Bearer <key>` (`401 auth.missing`,
/// `401 auth.unknown` for a key the node does not have or has revoked). Keys are made with
/// `returnsync node token add`; the node keeps only their SHA-256. The desk page itself and the
/// probes at the root are open: they show nothing of the store's business.
public struct NodeKeyGuard<Context: RequestContext>: RouterMiddleware {
    let service: NodeService

    public init(service: NodeService) {
        self.service = service
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let path = request.uri.path
        guard path.hasPrefix(NodeAPI.prefix + "/"), !NodeAPI.openPaths.contains(path) else {
            return try await next(request, context)
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw Problem(
                code: "auth.missing", status: .unauthorized,
                detail: "send Authorization: Bearer <key>, a key made with `returnsync node token add`")
        }
        let key = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard try await service.apiTokenName(secretHash: TokenHash.of(key)) != nil else {
            throw Problem(
                code: "auth.unknown", status: .unauthorized, detail: "this node has no such key, or it was revoked")
        }
        return try await next(request, context)
    }
}
