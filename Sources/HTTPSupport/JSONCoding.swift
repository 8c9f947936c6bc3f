public import Foundation
public import Hummingbird
public import ReturnsDomain

/// JSON in and out of the node API, with the body limit and the errors clients are promised.
public enum JSONCoding {
    /// Request bodies larger than this are refused with 413 `input.tooLarge` unless a route says otherwise.
    public static let defaultMaxBodyBytes = 1 << 20

    /// Sorted keys, so the same value always gives the same bytes (handy for POS logs and tests).
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// Reads the body (at most `limit` bytes) and decodes it as `T`, refusing what `T` would
    /// otherwise pass over: a `null` member (`input.malformedJSON`) and a member `T` does not
    /// know (`input.unknownField`, naming it, with the member meant when one is near).
    ///
    /// An empty body decodes as `{}` when `emptyAllowed`, so steps whose fields are all optional
    /// (approve, receive, close) can be posted without one.
    public static func decode<T: Codable>(
        _ type: T.Type, from request: Request, emptyAllowed: Bool = false, limit: Int = defaultMaxBodyBytes
    ) async throws
        -> T
    {
        try await decode(from: request, emptyAllowed: emptyAllowed, limit: limit) { try decodeStrictly(T.self, $0) }
    }

    /// `json` as `T`, with the checks ``decode(_:from:emptyAllowed:limit:)`` makes.
    static func decodeStrictly<T: Codable>(_ type: T.Type, _ json: Data) throws -> T {
        let value = try JSONDecoder().decode(T.self, from: json)
        // JSONDecoder has read it, so it is JSON.
        guard let body = BodyTree.parse(json) else { return value }
        // The API has no nullable field: an optional one is left out, never sent as `null`
        // (which JSONDecoder would take as left out, accepting what the spec refuses).
        if let path = BodyTree.firstNull(in: body) {
            throw Problem(
                code: Problem.Code.malformedJSON,
                detail:
                    "\(BodyTree.describe(path)) is null: leave out a member that has no value (no member of this API is nullable)"
            )
        }
        try refuseUnknownMembers(of: body, decodedAs: value)
        return value
    }

    /// Refuses the first member of `body` that `value` (what `body` decoded as) does not have
    /// when written back: one its type does not know (``UnknownMembers``).
    static func refuseUnknownMembers<T: Encodable>(of body: Any, decodedAs value: T) throws {
        // Every body type writes itself back; one that could not would have nothing to compare.
        guard let data = try? encoder.encode(value), let written = BodyTree.parse(data),
            let found = UnknownMembers.first(in: body, written: written), case .member(let name)? = found.path.last
        else { return }
        let (path, writtenNames) = (found.path, found.known)
        let lowercased = Set(writtenNames.map { $0.lowercased() })
        let known =
            writtenNames
            + UnknownMembers.propertyNames(of: value, at: path.dropLast()[...]).filter {
                !lowercased.contains($0.lowercased())
            }
        let suggestions = UnknownMembers.suggestions(for: name, among: known)
        let member = BodyTree.describe(path)
        var values = ["member": member]
        var detail = "\(member) is not a member of this body"
        if !suggestions.isEmpty {
            values["suggestions"] = suggestions.joined(separator: ",")
            detail += "; did you mean \(suggestions.joined(separator: " or "))?"
        }
        throw Problem(code: Problem.Code.unknownField, detail: detail, values: values)
    }

    /// Reads the body as `decode(_:from:emptyAllowed:limit:)` does and decodes it with `decoder`
    /// (a codec of its own, e.g. the event codec for a push); a `DecodingError` it throws is
    /// answered as that function answers it.
    public static func decode<T>(
        from request: Request, emptyAllowed: Bool = false, limit: Int = defaultMaxBodyBytes,
        with decoder: (Data) throws -> T
    ) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw Problem.bodyTooLarge(limit)
        }
        var data = Data(buffer.readableBytesView)
        if data.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) {
            guard emptyAllowed else {
                throw Problem(code: Problem.Code.malformedJSON, detail: "the request needs a JSON body")
            }
            data = Data("{}".utf8)
        }
        do {
            return try decoder(data)
        } catch let error as DecodingError {
            throw Problem(
                code: Problem.Code.malformedJSON, detail: describe(error, body: data, decode: { _ = try decoder($0) }))
        }
    }

    /// Encodes `value` as the JSON body of a response.
    public static func response<T: Encodable>(
        _ value: T, status: HTTPResponse.Status = .ok, location: String? = nil
    ) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let location { headers[.location] = location }
        let data = try encoder.encode(value)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension Problem {
    public static func bodyTooLarge(_ limit: Int) -> Problem {
        Problem(code: Code.tooLarge, detail: "request bodies are limited to \(limit) bytes")
    }
}

/// The staff member a request was authenticated as (a desk's sign-in session), for the request's
/// task: set by the node's session guard, read by `Request.staff` before `X-Staff`.
public enum AuthenticatedStaff {
    @TaskLocal public static var id: StaffID?
}

extension Request {
    /// The staff member doing this: the signed-in one (`AuthenticatedStaff`), else `X-Staff`,
    /// percent-decoded as UTF-8 (browsers send only ISO-8859-1 in headers, so the desk sends 王丽 as
    /// `%E7%8E%8B%E4%B8%BD`; a value that is not valid percent-encoding is taken as it is);
    /// `unknown` when the POS sends none.
    public var staff: StaffID {
        if let signedIn = AuthenticatedStaff.id { return signedIn }
        let raw = headers[.init("X-Staff")!] ?? ""
        let value = (raw.removingPercentEncoding ?? raw).trimmingCharacters(in: .whitespaces)
        return StaffID(value.isEmpty ? "unknown" : value)
    }

    /// A query parameter, trimmed; nil when absent or empty.
    public func query(_ name: String) -> String? {
        guard let value = queryValue(name) else { return nil }
        return value.isEmpty ? nil : value
    }

    /// A query parameter as given, trimmed: "" when it is given empty (`?status=`), nil when absent.
    public func queryValue(_ name: String) -> String? {
        uri.queryParameters[name[...]].map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// A whole-number query parameter in `range`, `defaultValue` when absent; any other value
    /// (empty, not a number, out of range) is `422 input.invalidQuery`.
    public func queryInteger(_ name: String, in range: ClosedRange<Int>, default defaultValue: Int) throws -> Int {
        guard let text = queryValue(name) else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw Problem(
                code: Problem.Code.invalidQuery,
                detail: "`\(name)` must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// An RFC 3339 date-time or date query parameter (`2026-12-07`, `2026-12-07T09:00:00+08:00`),
    /// nil when absent; anything else is `422 input.invalidQuery`.
    public func queryInstant(_ name: String) throws -> Instant? {
        guard let text = queryValue(name) else { return nil }
        guard let at = Instant(rfc3339: text) else {
            throw Problem(
                code: Problem.Code.invalidQuery,
                detail: "`\(name)` is an RFC 3339 date or date-time, e.g. 2026-12-07 or 2026-12-07T09:00:00+08:00")
        }
        return at
    }

    /// An enumerated query parameter, nil when absent; a value that is not one of `T`'s (empty
    /// included) is `422 input.invalidQuery`.
    public func queryCase<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T?
    where T.RawValue == String {
        guard let text = queryValue(name) else { return nil }
        guard let value = T(rawValue: text) else {
            let known = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(
                code: Problem.Code.invalidQuery, detail: "unknown `\(name)` \"\(text)\"; use one of \(known)")
        }
        return value
    }
}

extension RequestContext {
    /// A path parameter, percent-decoded (receipt numbers may carry `/` or spaces).
    public func pathID(_ name: String = "id") throws -> String {
        let raw = try parameters.require(name)
        return raw.removingPercentEncoding ?? raw
    }
}
