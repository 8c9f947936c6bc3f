public import Hummingbird
import Localization
import Logging

/// Wraps every route (and the not-found fallback): refuses oversized bodies up front, turns any
/// error into its problem+json response, and counts what was answered. With `routes`, a known
/// path asked with a method it does not have is `405 route.methodNotAllowed` with `Allow`.
///
/// Errors are converted, never swallowed: a route that throws has written nothing, because every
/// command runs in one transaction that the throw rolls back.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Told of every answer: its status and, for a refusal, the problem code (for metrics).
    let record: @Sendable (Int, String?) -> Void
    /// Bodies declared larger than this are refused before the route runs.
    let maxBodyBytes: Int
    /// The methods of each registered path, for 405; nil answers every unrouted request 404.
    let routes: RouteMethods?

    public init(
        maxBodyBytes: Int = JSONCoding.defaultMaxBodyBytes, routes: RouteMethods? = nil,
        record: @escaping @Sendable (Int, String?) -> Void
    ) {
        self.maxBodyBytes = maxBodyBytes
        self.routes = routes
        self.record = record
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maxBodyBytes {
                throw Problem.bodyTooLarge(maxBodyBytes)
            }
            let response = try await next(request, context)
            record(response.status.code, nil)
            return response
        } catch let error as HTTPError where error.status == .notFound {
            // Only the router's not-found fallback throws this (routes throw `*.notFound` problems).
            let allowed = routes?.allowed(for: request.uri.path) ?? []
            guard !allowed.isEmpty else { return refuse(request, context, error) }
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            let problem = Problem(
                code: Problem.Code.methodNotAllowed, status: .methodNotAllowed,
                detail: "\(request.uri.path) does not answer \(request.method.rawValue); it answers \(names)")
            record(problem.status.code, problem.code)
            var response = problem.response(language: Self.language(of: request))
            response.headers[.allow] = names
            return response
        } catch {
            return refuse(request, context, error)
        }
    }

    private func refuse(_ request: Request, _ context: Context, _ error: any Error) -> Response {
        let problem = Problem(error)
        let metadata: Logger.Metadata = [
            "problem.code": "\(problem.code)", "problem.detail": "\(problem.detail)",
            "http.path": "\(request.uri.path)",
        ]
        if problem.status.code >= 500 {
            context.logger.info("request failed", metadata: metadata)
        } else {
            context.logger.debug("request refused", metadata: metadata)
        }
        record(problem.status.code, problem.code)
        return problem.response(language: Self.language(of: request))
    }

    /// Problems are worded in the language the request's `Accept-Language` prefers (zh-CN or en).
    static func language(of request: Request) -> Language {
        Language.choose(explicit: nil, acceptLanguage: request.headers[.acceptLanguage])
    }
}
