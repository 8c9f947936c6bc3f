import Hummingbird
import Logging

/// Wraps every route (and the not-found fallback): refuses oversized bodies up front, turns any
/// error into its problem+json response, and counts what was answered.
///
/// Errors are converted, never swallowed: a route that throws has written nothing, because every
/// command runs in one transaction that the throw rolls back.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: NodeMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > NodeAPI.maxBodyBytes {
                throw Problem.bodyTooLarge
            }
            let response = try await next(request, context)
            metrics.record(status: response.status.code, problemCode: nil)
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
            metrics.record(status: problem.status.code, problemCode: problem.code)
            return problem.response()
        }
    }
}
