import Foundation
public import Hummingbird

/// Keeps web pages other than the desk's own from using the node's API through a browser open on
/// the store's network (cross-site request forgery, DNS rebinding):
///
/// - `Host` must name this node (`allowedHosts`: its address and loopback names with its port,
///   a bare name matching any port of that name,
///   plus any the operator adds), when the node knows them: a page served from another name that
///   resolves to the node is refused (`403 input.unknownHost`);
/// - a request with an `Origin` (every browser request from a page but a plain navigation) must
///   come from the node's own origin, the scheme and `Host` it was sent to (`403 input.crossOrigin`);
/// - a state-changing request (`POST`, `PUT`, `PATCH`, `DELETE`) that carries a body type must carry
///   `application/json` (`415 input.unsupportedMediaType`): an HTML form can only send
///   `text/plain`, `multipart/form-data` or `application/x-www-form-urlencoded`.
///
/// Tills and scripts that send JSON, with or without an `Origin`, are unaffected.
public struct BrowserGuard<Context: RequestContext>: RouterMiddleware {
    /// `host:port` values (lowercased) a request's `Host` may have; nil: any.
    let allowedHosts: Set<String>?

    public init(allowedHosts: Set<String>?) {
        self.allowedHosts = allowedHosts.map { Set($0.map { $0.lowercased() }) }
    }

    /// The names a node listening on `host`:`port` answers to: that address and the loopback
    /// names, each with the port, plus `extra` (`host:port` or a bare name, which gets the port).
    public static func hosts(listeningOn host: String, port: Int, extra: [String] = []) -> Set<String> {
        var out = Set(["127.0.0.1", "localhost", "[::1]", host].map { "\($0.lowercased()):\(port)" })
        for e in extra {
            out.insert(
                e.range(of: #":[0-9]+$"#, options: .regularExpression) != nil
                    ? e.lowercased() : "\(e.lowercased()):\(port)")
        }
        return out
    }

    /// `host` (`name:port`, or a bare name when a browser reached the default port, or a proxy
    /// passes the name on) is one of `allowed`'s, by name and port, or by name alone when it has none.
    static func allows(_ host: String, in allowed: Set<String>) -> Bool {
        let host = host.lowercased()
        if allowed.contains(host) { return true }
        guard host.range(of: #":[0-9]+$"#, options: .regularExpression) == nil else { return false }
        return allowed.contains { entry in
            entry.range(of: #":[0-9]+$"#, options: .regularExpression).map { entry[..<$0.lowerBound] == host } ?? false
        }
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let host = request.head.authority
        if let allowedHosts, let host, !Self.allows(host, in: allowedHosts) {
            throw Problem(
                code: "input.unknownHost", status: .forbidden,
                detail: "this node does not answer to \(host); use its own address (or add the name with --allow-host)")
        }
        if let origin = request.headers[.origin] {
            let sameOrigin =
                host.map {
                    origin.lowercased() == "http://\($0.lowercased())"
                        || origin.lowercased() == "https://\($0.lowercased())"
                } ?? false
            guard sameOrigin else {
                throw Problem(
                    code: "input.crossOrigin", status: .forbidden,
                    detail:
                        "requests from the page at \(origin) are not accepted; only the node's own pages may call it")
            }
        }
        switch request.method {
        case .post, .put, .patch, .delete:
            if let type = request.headers[.contentType],
                type.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
                    != "application/json"
            {
                throw Problem(
                    code: "input.unsupportedMediaType", status: .unsupportedMediaType,
                    detail: "send the request body as application/json, not \(type)")
            }
        default: break
        }
        return try await next(request, context)
    }
}
