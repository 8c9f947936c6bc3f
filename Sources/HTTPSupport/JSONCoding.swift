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

    /// Reads the body (at most `limit` bytes) and decodes it as `T`.
    ///
    /// An empty body decodes as `{}` when `emptyAllowed`, so steps whose fields are all optional
    /// (approve, receive, close) can be posted without one.
    public static func decode<T: Decodable>(
        _ type: T.Type, from request: Request, emptyAllowed: Bool = false, limit: Int = defaultMaxBodyBytes
    ) async throws
        -> T
    {
        try await decode(from: request, emptyAllowed: emptyAllowed, limit: limit) {
            let value = try JSONDecoder().decode(T.self, from: $0)
            // The API has no nullable field: an optional one is left out, never sent as `null`
            // (which JSONDecoder would take as left out, accepting what the spec refuses).
            if let field = firstNull(in: $0) {
                throw Problem(
                    code: Problem.Code.malformedJSON,
                    detail: "\(field) is null: leave out a field that has no value (no field of this API is nullable)")
            }
            return value
        }
    }

    /// Where the first `null` of `json` (valid JSON) is: "`key`" for a member of an object, or
    /// "an array element"; nil when it has none. A scan of the bytes, outside strings.
    static func firstNull(in json: Data) -> String? {
        let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), colon = UInt8(ascii: ":")
        var inString = false
        var escaped = false
        var stringStart = json.startIndex
        var lastString: Range<Data.Index>?
        var key: Range<Data.Index>?
        for index in json.indices {
            let byte = json[index]
            if inString {
                if escaped {
                    escaped = false
                } else if byte == backslash {
                    escaped = true
                } else if byte == quote {
                    inString = false
                    lastString = stringStart..<index
                }
                continue
            }
            switch byte {
            case quote:
                inString = true
                stringStart = json.index(after: index)
            case colon: key = lastString
            case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "{"): key = nil
            case UInt8(ascii: "n"):  // in valid JSON, only `null` starts with n outside a string
                return key.map { "`" + String(decoding: json[$0], as: UTF8.self) + "`" } ?? "an array element"
            default: break
            }
        }
        return nil
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
            throw Problem(code: Problem.Code.malformedJSON, detail: describe(error))
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

    /// A decoding error in words that name the field at fault.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            keys.isEmpty
                ? "the body"
                : "`" + keys.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".") + "`"
        }
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            return "the body is not valid JSON"
        case .dataCorrupted(let c) where c.debugDescription.hasPrefix("Cannot initialize "):
            // Foundation's words for an unknown enum case name a Swift type; say it plainly.
            let value = c.debugDescription.components(separatedBy: " value ").last ?? ""
            return "\(path(c.codingPath)) is not one of the values it may take (got \(value))"
        case .dataCorrupted(let c):
            return "\(path(c.codingPath)) has a value that is not allowed: \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(path(c.codingPath + [key])) is required"
        case .valueNotFound(_, let c):
            return "\(path(c.codingPath)) must not be null"
        case .typeMismatch(let type, let c):
            return "\(path(c.codingPath)) must be \(typeName(type))"
        @unknown default:
            return "the body does not decode: \(error)"
        }
    }

    /// What a JSON value of `type` looks like, in JSON's words (never a Swift type's name).
    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is any FixedWidthInteger.Type: "an integer"
        case is any BinaryFloatingPoint.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default:
            // Foundation names the container it wanted: `Dictionary<String, Any>`, `Array<Any>`.
            "\(type)".hasPrefix("Array")
                ? "an array" : "\(type)".hasPrefix("Dictionary") ? "an object" : "another kind of value"
        }
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
