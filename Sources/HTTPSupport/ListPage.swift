import Foundation
public import Hummingbird

/// The lists a server reads whole (the hub's exceptions, incidents, resolutions, stock rows,
/// stores, users; the node's stock and exceptions) come in pages as `GET /api/v1/returns` does: `limit`, an opaque `cursor` that
/// the previous page's `Link: <…>; rel="next"` gives, and the whole list's length in
/// `X-Total-Count`. The cursor is the last row's key (base64url): the next page starts after it
/// in the list's order, so rows added or removed in between neither repeat nor skip the others.
public enum ListPage {
    /// How many rows a page holds unless `limit` says, and at most.
    public static let defaultLimit = 1000

    /// `rows` in the order of their unique `key` (ascending), the page the request asks for.
    public static func response<Row: Encodable>(
        _ rows: [Row], key: (Row) -> String, request: Request, path: String, keep: [String] = []
    ) throws -> Response {
        let limit = try request.queryInteger("limit", in: 1...defaultLimit, default: defaultLimit)
        let after = try request.queryValue("cursor").map { text in
            guard let key = decode(text) else {
                throw Problem(
                    code: Problem.Code.invalidQuery, detail: "`cursor` is one a previous page's Link header gave")
            }
            return key
        }
        let keyed = rows.map { (key: key($0), row: $0) }.sorted { $0.key < $1.key }
        let rest = after.map { after in keyed.filter { $0.key > after } } ?? keyed
        let page = rest.prefix(limit)
        var response = try JSONCoding.response(page.map(\.row))
        response.headers[.init("X-Total-Count")!] = String(rows.count)
        if rest.count > limit, let last = page.last {
            var query = [("limit", String(limit)), ("cursor", encode(last.key))]
            for name in keep { if let value = request.queryValue(name) { query.append((name, value)) } }
            response.headers[.init("Link")!] = "</api/v1/\(path)?\(queryString(query))>; rel=\"next\""
        }
        return response
    }

    /// `a=1&b=x%20y`: names and values percent-encoded.
    public static func queryString(_ items: [(String, String)]) -> String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        return items.map { name, value in
            "\(name)=\(value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value)"
        }.joined(separator: "&")
    }

    static func encode(_ key: String) -> String {
        Data(key.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> String? {
        guard text.count <= 1000 else { return nil }
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        guard let data = Data(base64Encoded: b64) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    /// A key whose order is the tuple's: the parts joined by U+0000, which no id holds.
    public static func key(_ parts: String...) -> String { parts.joined(separator: "\u{0}") }

    /// A number as text that sorts as the number does (non-negative), for keys.
    public static func sortable(_ n: Int64) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits
    }
}
