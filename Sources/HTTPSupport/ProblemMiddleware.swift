public import Hummingbird
import Logging

/// Wraps every route (and the not-found fallback): refuses oversized bodies up front, turns any
/// error into its problem+json response, and counts what was answered.
///
/// Errors are converted, never swallowed: a route that throws has written nothing, because every
/// command runs in one transaction that the throw rolls back.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Told of every answer: its status and, for a refusal, the problem code (for metrics).
    let record: @Sendable (Int, String?) -> Void
    /// Bodies declared larger than this are refused before the route runs.
    let maxBodyBytes: Int

    public init(maxBodyBytes: Int = JSONCoding.defaultMaxBodyBytes, record: @escaping @Sendable (Int, String?) -> Void)
    {
        self.maxBodyBytes = maxBodyBytes
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
        } catch {
            let problem = Problem(error)
            if problem.status.code >= 500 {
                context.logger.info(
                    "request failed",
                    metadata: [
                        "problem.code": "\(problem.code)", "problem.detail": "\(problem.detail)",
                        "http.path": "\(request.uri.path)",
                    ])
            } else {
                context.logger.debug(
                    "request refused",
                    metadata: [
                        "problem.code": "\(problem.code)", "problem.detail": "\(problem.detail)",
                        "http.path": "\(request.uri.path)",
                    ])
            }
            record(problem.status.code, problem.code)
            return problem.response()
        }
    }
}
