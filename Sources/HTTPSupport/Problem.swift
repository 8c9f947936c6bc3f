import Foundation
public import Hummingbird
public import Localization
import ReturnsDomain

/// An error that knows the problem it becomes (each server module conforms its own errors).
public protocol ProblemConvertible: Error {
    var problemCode: String { get }
    var problemDetail: String { get }
    /// A fixed status, or nil to map `problemCode` through ``Problem/status(forCode:)``.
    var problemStatus: HTTPResponse.Status? { get }
    /// The figures and names of this occurrence, for the catalogs' `detail.<code>` templates
    /// (``Problem/values``); none unless the error says.
    var problemValues: [String: String] { get }
}

extension ProblemConvertible {
    public var problemValues: [String: String] { [:] }
}

/// An RFC 9457 problem: what the API answers whenever it refuses or fails a request.
///
/// Every error is turned into a `Problem` here, and only here is a stable error code given its
/// HTTP status, so the mapping cannot drift between routes.
public struct Problem: Error, Hashable, Sendable, CustomStringConvertible {
    /// Stable dotted code, e.g. `return.illegalTransition`; the same codes `DomainError` carries.
    public var code: String
    /// The HTTP status the code maps to.
    public var status: HTTPResponse.Status
    /// What went wrong, in English words a person at the desk can act on.
    public var detail: String
    /// The figures and names of this occurrence (`DomainError/values`), which fill the catalog's
    /// `detail.<code>` template in the reader's language (``body(in:)``).
    public var values: [String: String]

    /// A problem with the status its code maps to.
    public init(code: String, detail: String, values: [String: String] = [:]) {
        self.init(code: code, status: Problem.status(forCode: code), detail: detail, values: values)
    }

    public init(code: String, status: HTTPResponse.Status, detail: String, values: [String: String] = [:]) {
        self.code = code
        self.status = status
        self.detail = detail
        self.values = values
    }

    /// Turns any error that escaped a route into the problem the client sees.
    public init(_ error: any Error) {
        switch error {
        case let problem as Problem:
            self = problem
        case let error as DomainError:
            self.init(code: error.code, detail: error.message, values: error.values)
        case let error as any ProblemConvertible:
            self.init(
                code: error.problemCode, status: error.problemStatus ?? Problem.status(forCode: error.problemCode),
                detail: error.problemDetail, values: error.problemValues)
        case let error as any HTTPResponseError:
            self.init(code: Problem.code(forStatus: error.status), status: error.status, detail: "\(error)")
        default:
            self.init(code: "server.internalError", status: .internalServerError, detail: "\(error)")
        }
    }

    public var description: String { "\(status.code) \(code): \(detail)" }

    /// The one mapping from stable error codes to HTTP statuses.
    ///
    /// - `*.notFound` → 404; state conflicts (`sale.duplicateReceipt`, `return.illegalTransition`,
    ///   `repair.finished`, `escrow.insufficient`, `escrow.budgetExhausted`, `conflict.*`) → 409;
    ///   malformed JSON and a body member the route does not know → 400; a body over the limit → 413;
    ///   failures of the node itself (`node.*`) → 500; every other refusal (policy, over-return,
    ///   invalid input, unknown SKU, insufficient store credit, …) → 422.
    public static func status(forCode code: String) -> HTTPResponse.Status {
        switch code {
        case Code.malformedJSON, Code.unknownField, Code.badRequest: .badRequest
        case Code.tooLarge: .contentTooLarge
        case Code.methodNotAllowed: .methodNotAllowed
        // Admission: who may author what is a matter of permission; every other admission rule
        // (values, shapes) is an unprocessable event, the default below.
        case "admission.notOwner", "admission.roleMayNotAuthor": .forbidden
        case "node.restoredFromBackup": .conflict
        case "sale.duplicateReceipt", "return.illegalTransition", "event.illegalTransition", "repair.finished",
            "escrow.insufficient", "escrow.budgetExhausted", "escrow.claimConflict", "policy.versionExists",
            "policy.versionOutOfOrder":
            .conflict
        case _ where code.hasSuffix(".notFound"): .notFound
        case _ where code.hasPrefix("conflict."): .conflict
        case _ where code.hasPrefix("node."): .internalServerError
        default: .unprocessableContent
        }
    }

    /// Codes for refusals made by the HTTP layer itself rather than by the domain.
    public enum Code {
        /// The body is not JSON, or not the JSON shape the route expects.
        public static let malformedJSON = "input.malformedJSON"
        /// The body has a member the route does not know (a misspelt one would otherwise be
        /// passed over); `detail` names it and the member meant, when one is near.
        public static let unknownField = "input.unknownField"
        /// The body is larger than the route's limit.
        public static let tooLarge = "input.tooLarge"
        /// A query parameter is missing or has a value the route does not know.
        public static let invalidQuery = "input.invalidQuery"
        /// No route has this path.
        public static let routeNotFound = "route.notFound"
        /// Routes have this path, none with this method (405, with `Allow`).
        public static let methodNotAllowed = "route.methodNotAllowed"
        /// A request the HTTP layer could not read.
        public static let badRequest = "input.badRequest"
    }

    /// Codes for errors Hummingbird raises before a route runs.
    static func code(forStatus status: HTTPResponse.Status) -> String {
        switch status {
        case .notFound: Code.routeNotFound
        case .contentTooLarge: Code.tooLarge
        case .badRequest: Code.badRequest
        default: status.code >= 500 ? "server.internalError" : "http.status\(status.code)"
        }
    }
}

extension Problem {
    /// The media type of problem bodies (RFC 9457 §3).
    public static let mediaType = "application/problem+json"

    /// The problem+json body: `type`, `title`, `status`, `detail` and the stable `code`.
    public struct Body: Codable, Hashable, Sendable {
        var type: String
        var title: String
        var status: Int
        var detail: String
        var code: String
    }

    /// The body in `language`: the `title` is what the code means, from that language's catalog
    /// (`code.<code>`; the same for every occurrence, as RFC 9457 §3.1.3 asks), or the catalog's
    /// words for the status class when the code is not in it. The `detail` is this occurrence's
    /// own account, with its figures and names (``localizedDetail(in:)``).
    public func body(in language: Language = .fallback) -> Body {
        let catalog = Catalog.of(language)
        let title =
            catalog.meaning(ofCode: code)
            ?? catalog.text(status.code >= 500 ? "problem.serverFailed" : "problem.requestRefused")
        return Body(
            type: "urn:returnsync:problem:\(code)", title: title, status: status.code,
            detail: localizedDetail(in: language) ?? title, code: code)
    }

    /// This occurrence told in `language`: the catalog's `detail.<code>` filled from ``values``
    /// when it has one and every value it names; otherwise in English the server's own words (as
    /// integrators have always read them), in another language nil (its reader gets the title:
    /// no English words for them).
    public func localizedDetail(in language: Language) -> String? {
        if let text = Catalog.of(language).detail(ofCode: code, values: values) { return text }
        return language == .en ? detail : nil
    }

    /// The response that carries this problem, in `language` (``body(in:)``).
    public func response(language: Language = .fallback) -> Response {
        let data = (try? JSONCoding.encoder.encode(body(in: language))) ?? Data("{\"code\":\"\(code)\"}".utf8)
        return Response(
            status: status, headers: [.contentType: Problem.mediaType, .contentLanguage: language.tag],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}
