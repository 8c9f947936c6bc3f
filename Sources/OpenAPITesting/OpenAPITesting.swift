import Foundation
package import Hummingbird
package import HummingbirdTesting
import Yams

// A reader for Protocol/openapi.yaml and a checker of real answers against its schemas, shared by
// the node's and the hub's conformance tests. Test support only: no product depends on it.

/// One node of Protocol/openapi.yaml as the tests walk it: a mapping entry (its key, its scalar
/// value or children) or a sequence item (no key). Read with Yams, so the file is any YAML.
package struct SpecNode: Sendable {
    /// The mapping key; nil for a sequence item.
    package var key: String?
    /// The scalar after the key (or the item's scalar); empty when the value is nested, and
    /// `{}` / `[]` for an empty mapping or sequence.
    package var value: String
    package var children: [SpecNode]

    package subscript(_ key: String) -> SpecNode? { children.first { $0.key == key } }

    /// A schema that is just `$ref: ref`.
    package static func ref(_ ref: String) -> SpecNode {
        SpecNode(key: nil, value: "", children: [SpecNode(key: "$ref", value: ref, children: [])])
    }

    /// The scalars of a sequence value (`[a, b]` or `- a` items).
    package var list: [String] { children.filter { $0.key == nil }.map(\.value) }

    /// Every value of `key`, anywhere below this node.
    package func all(_ key: String) -> [String] {
        children.flatMap { ($0.key == key ? [$0.value] : []) + $0.all(key) }
    }
}

package struct SpecParseError: Error, CustomStringConvertible {
    package var description: String
}

package enum SpecParser {
    package static func parse(_ text: String) throws -> SpecNode {
        guard let node = try Yams.compose(yaml: text) else {
            throw SpecParseError(description: "openapi.yaml is empty")
        }
        return make(key: nil, node)
    }

    private static func make(key: String?, _ node: Yams.Node) -> SpecNode {
        switch node {
        case .scalar(let scalar):
            return SpecNode(key: key, value: scalar.string, children: [])
        case .mapping(let mapping):
            let children = mapping.map { make(key: $0.key.string ?? "", $0.value) }
            return SpecNode(key: key, value: children.isEmpty ? "{}" : "", children: children)
        case .sequence(let sequence):
            let children = sequence.map { make(key: nil, $0) }
            return SpecNode(key: key, value: children.isEmpty ? "[]" : "", children: children)
        case .alias:
            return SpecNode(key: key, value: "", children: [])
        }
    }
}

/// Protocol/openapi.yaml, parsed.
package struct OpenAPISpec: Sendable {
    package let root: SpecNode

    package static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    package static func load() throws -> OpenAPISpec {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocol/openapi.yaml")
        return OpenAPISpec(root: try SpecParser.parse(try String(contentsOf: url, encoding: .utf8)))
    }

    /// One documented operation and where the spec says it is served.
    package struct Operation {
        package var method: String
        package var path: String
        package var node: SpecNode
        /// The URLs of its effective servers: its own, else its path item's, else the root's.
        package var servers: [String]
        /// Its path item is a `$ref` (to `ref`) rather than written inline under `paths`.
        package var viaRef: Bool
        package var ref: String?
        package var route: String { "\(method.uppercased()) \(path)" }
    }

    /// Every documented operation, following path items' `$ref`; only those served by `server`
    /// (a server URL) when given.
    package func operations(on server: String?) -> [Operation] {
        let rootServers = Self.urls(root["servers"])
        let all = (root["paths"]?.children ?? []).filter { $0.key?.hasPrefix("/") == true }.flatMap { path in
            let ref = path["$ref"]?.value
            let item = ref.flatMap(resolve) ?? path
            let itemServers = item["servers"].map { Self.urls($0) } ?? rootServers
            return item.children.filter { $0.key.map(Self.methods.contains) == true }.map { op in
                Operation(
                    method: op.key!, path: path.key!, node: op,
                    servers: op["servers"].map { Self.urls($0) } ?? itemServers,
                    viaRef: ref != nil, ref: ref)
            }
        }
        return server.map { url in all.filter { $0.servers.contains(url) } } ?? all
    }

    private static func urls(_ servers: SpecNode?) -> [String] {
        (servers?.children ?? []).compactMap { $0["url"]?.value }
    }

    /// The operation object documenting `method` on a concrete URI (`{x}` matches one segment;
    /// a literal match wins over a template).
    package func operation(_ method: String, uri: String) -> SpecNode? {
        let segments = uri.split(separator: "?")[0].split(separator: "/")
        let candidates = (root["paths"]?.children ?? []).filter { node in
            guard let template = node.key?.split(separator: "/"), template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        let exact = candidates.first { $0.key!.split(separator: "/") == segments }
        guard let path = exact ?? candidates.first else { return nil }
        let item = path["$ref"].flatMap { resolve($0.value) } ?? path
        return item[method.lowercased()]
    }

    /// The node a `#/a/b/c` reference names.
    package func resolve(_ ref: String) -> SpecNode? {
        guard ref.hasPrefix("#/") else { return nil }
        return ref.dropFirst(2).split(separator: "/").reduce(Optional(root)) { $0?[String($1)] }
    }
}

// MARK: - Answers against their documented schema

/// Any JSON value, decoded without losing the difference between an integer and a number.
package enum JSONValue: Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    package init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let value = try? c.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? c.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? c.decode(Double.self) {
            self = .number(value)
        } else if let value = try? c.decode(String.self) {
            self = .string(value)
        } else if let value = try? c.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }
}

/// Checks a real answer against what the spec documents for its route and status: the media type,
/// and for JSON the schema's `type`, `enum`, `const`, `required` and `properties` (no undocumented
/// property), following `$ref`, `items` and `oneOf` all the way down.
package struct SchemaChecker {
    package let spec: OpenAPISpec
    /// The named schemas some answer was checked against.
    package private(set) var visited: Set<String> = []

    package init(spec: OpenAPISpec) { self.spec = spec }

    package mutating func check(_ response: TestResponse, method: String, uri: String) -> [String] {
        guard let operation = spec.operation(method, uri: uri) else { return ["no documented operation"] }
        guard var answer = operation["responses"]?[String(response.status.code)] else {
            return ["status \(response.status.code) is not documented"]
        }
        if let ref = answer["$ref"]?.value {
            guard let resolved = spec.resolve(ref) else { return ["\(ref) does not resolve"] }
            answer = resolved
        }
        let documented = (answer["content"]?.children ?? []).compactMap(\.key)
        guard let media = answer["content"]?.children.first(where: { $0.key == response.headers[.contentType] }),
            let mediaType = media.key, let schema = media["schema"]
        else {
            return ["Content-Type \(response.headers[.contentType] ?? "none"), documented \(documented)"]
        }
        guard mediaType.contains("json") else { return [] }
        if mediaType == "application/x-ndjson" {
            // Newline-delimited JSON: every line is checked against the schema.
            var issues: [String] = []
            let lines = Data(response.body.readableBytesView).split(separator: UInt8(ascii: "\n"))
            for (i, line) in lines.enumerated() {
                do {
                    let json = try JSONDecoder().decode(JSONValue.self, from: Data(line))
                    issues += check(json, against: schema, at: "line \(i + 1)")
                } catch {
                    issues.append("line \(i + 1) is not JSON: \(error)")
                }
            }
            return issues
        }
        do {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView))
            return check(json, against: schema, at: "$")
        } catch {
            return ["the body is not JSON: \(error)"]
        }
    }

    package mutating func check(_ value: JSONValue, against schema: SpecNode, at path: String) -> [String] {
        if let ref = schema["$ref"]?.value {
            guard let target = spec.resolve(ref) else { return ["\(path): \(ref) does not resolve"] }
            visited.insert(String(ref.split(separator: "/").last!))
            return check(value, against: target, at: path)
        }
        var issues: [String] = []
        switch (schema["type"]?.value, value) {
        case (nil, _), ("integer", .integer), ("number", .integer), ("number", .number), ("boolean", .bool),
            ("string", .string):
            break
        case ("array", .array(let items)):
            if let itemSchema = schema["items"] {
                for (i, item) in items.enumerated() { issues += check(item, against: itemSchema, at: "\(path)[\(i)]") }
            }
        case ("object", .object(let object)):
            for key in schema["required"]?.list ?? [] where object[key] == nil {
                issues.append("\(path).\(key) is required by the spec but missing")
            }
            let properties = schema["properties"]
            let additional = schema["additionalProperties"]
            if properties != nil || additional != nil {
                for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                    if let property = properties?[key] {
                        issues += check(member, against: property, at: "\(path).\(key)")
                    } else if let additional, !additional.children.isEmpty {
                        issues += check(member, against: additional, at: "\(path).\(key)")
                    } else {
                        issues.append("\(path).\(key) is in the answer but not in the spec")
                    }
                }
            }
            if let most = schema["maxProperties"].flatMap({ Int($0.value) }), object.count > most {
                issues.append("\(path) has \(object.count) properties, at most \(most) documented")
            }
        case (let type?, _):
            issues.append("\(path) is \(value), the spec says \(type)")
        }
        if case .string(let text) = value {
            if let allowed = schema["enum"]?.list, !allowed.contains(text) {
                issues.append("\(path) is \"\(text)\", not one of \(allowed)")
            }
            if let constant = schema["const"]?.value, constant != text { issues.append("\(path) is not \(constant)") }
        }
        if let alternatives = schema["oneOf"]?.children {
            var copy = self
            let matching = alternatives.filter { copy.check(value, against: $0, at: path).isEmpty }
            if matching.count == 1 {
                _ = check(value, against: matching[0], at: path)  // to record what it visited
            } else {
                issues.append("\(path) matches \(matching.count) of the oneOf alternatives, not exactly 1")
            }
        }
        return issues
    }
}

// MARK: - The servers' web pages

/// Checks both servers' web pages (the hub's `/dashboard`, the node's `/desk`) have in common.
package enum WebPageCheck {
    /// What is wrong with a page and its script as served: their content types, the
    /// Content-Security-Policy, and an inline script (which that policy would block).
    package static func problems(page: TestResponse, script: TestResponse, scriptPath: String) -> [String] {
        var problems: [String] = []
        if page.status != .ok { problems.append("the page answered \(page.status)") }
        if page.headers[.contentType] != "text/html; charset=utf-8" {
            problems.append("page: \(page.headers[.contentType] ?? "no content type")")
        }
        let policy = page.headers[.init("Content-Security-Policy")!] ?? ""
        for directive in ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]
        where !policy.contains(directive) {
            problems.append("the policy lacks \(directive): \(policy)")
        }
        let html = String(buffer: page.body)
        if !html.contains("<script src=\"\(scriptPath)\"") { problems.append("the page does not load \(scriptPath)") }
        if html.contains("<script>") { problems.append("an inline script would be blocked by the page's own policy") }
        if script.status != .ok { problems.append("the script answered \(script.status)") }
        if script.headers[.contentType] != "text/javascript; charset=utf-8" {
            problems.append("script: \(script.headers[.contentType] ?? "no content type")")
        }
        return problems
    }

    /// The text a person reads on a page: the page without its scripts' code and tags, with the
    /// texts of `placeholder` and `title` attributes. What stands in `<code>` is left out: a command
    /// to type or a code quoted as such for support, never a word to translate.
    package static func readable(_ html: String) -> String {
        var text = html.replacingOccurrences(
            of: #"<(script|style|code)[^>]*>.*?</(script|style|code)>"#, with: " ", options: [.regularExpression])
        let attributes = try! NSRegularExpression(pattern: #"(?:placeholder|title)="([^"]*)""#)
        let shown = attributes.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        return ([text] + shown).joined(separator: " ")
    }

    /// The words a page gives its script (`<script type="application/json" id="words">`); nil
    /// when it gives none.
    package static func words(in html: String) -> [String: String]? {
        guard let start = html.range(of: #"<script type="application/json" id="words">"#),
            let end = html.range(of: "</script>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return try? JSONDecoder().decode(
            [String: String].self, from: Data(html[start.upperBound..<end.lowerBound].utf8))
    }

    /// The English on a zh-CN page: Latin words (``latinWords(_:)``) other than `allowed` in what a
    /// person reads (``readable(_:)``) and in each of the words it gives its script (their `{name}`
    /// placeholders aside), one line a place.
    package static func english(onChinesePage html: String, allowed: Set<String>) -> [String] {
        var found: [String] = []
        let shown = latinWords(readable(html)).subtracting(allowed)
        if !shown.isEmpty { found.append("on the page: \(shown.sorted())") }
        for (key, text) in (words(in: html) ?? [:]).sorted(by: { $0.key < $1.key }) {
            let latin = latinWords(
                text.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: " ", options: .regularExpression)
            )
            .subtracting(allowed)
            if !latin.isEmpty { found.append("\(key): \(text)") }
        }
        return found
    }

    /// Runs of two or more Latin letters (with hyphens): the English a zh-CN page must not show.
    /// Single letters are grades (A 级).
    package static func latinWords(_ text: String) -> Set<String> {
        Set(
            text.split { !($0.isASCII && ($0.isLetter || $0 == "-")) }.map(String.init).filter {
                $0.filter(\.isLetter).count >= 2
            })
    }

    /// What is wrong with how the page at `path` picks its language (`LocalizedPage`): `?lang=`,
    /// then the switch's `returnsync_lang` cookie (left by `?lang=` alone, SameSite=Strict), then
    /// `Accept-Language`, then en, said in `Content-Language` and `Vary`. `chinese` and `english`
    /// are texts each language's page shows; `style` is the page's style sheet, served under the
    /// pages' policy; `get` asks the server.
    package static func languageProblems(
        path: String, chinese: String, english: String, style: String,
        get: (String, HTTPFields) async throws -> TestResponse
    ) async throws -> [String] {
        var problems: [String] = []
        func expect(_ ok: Bool, _ problem: @autoclosure () -> String) { if !ok { problems.append(problem()) } }
        let zh = try await get(path, [.acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8"])
        expect(zh.headers[.contentLanguage] == "zh-CN", "Accept-Language zh-CN: \(zh.headers)")
        expect(zh.headers[.vary] == "Accept-Language, Cookie", "Vary: \(zh.headers)")
        expect(String(buffer: zh.body).contains("<html lang=\"zh-CN\">"), "the zh-CN page's lang")
        expect(String(buffer: zh.body).contains(chinese), "the zh-CN page lacks \(chinese)")
        expect(zh.headers[.setCookie] == nil, "only the switch leaves a cookie: \(zh.headers)")
        let en = try await get(path, [.acceptLanguage: "de"])
        expect(en.headers[.contentLanguage] == "en", "Accept-Language de: \(en.headers)")
        expect(String(buffer: en.body).contains(english), "the en page lacks \(english)")
        for (tag, other) in [("en", "zh-CN"), ("zh-CN", "en")] {
            // The switch: ?lang= answers in that language and leaves a cookie that keeps it.
            let switched = try await get(path + "?lang=" + tag, [.acceptLanguage: other])
            expect(switched.headers[.contentLanguage] == tag, "?lang=\(tag): \(switched.headers)")
            let cookie = switched.headers[.setCookie] ?? ""
            expect(
                cookie.hasPrefix("returnsync_lang=\(tag)") && cookie.contains("SameSite=Strict"), "cookie: \(cookie)")
            let kept = try await get(path, [.acceptLanguage: other, .cookie: "returnsync_lang=\(tag)"])
            expect(kept.headers[.contentLanguage] == tag, "cookie \(tag): \(kept.headers)")
        }
        let unknown = try await get(path + "?lang=xx", [.acceptLanguage: "zh"])
        expect(unknown.headers[.contentLanguage] == "zh-CN", "an unknown tag falls back as if absent")
        let sheet = try await get(style, [:])
        expect(sheet.status == .ok && sheet.headers[.contentType] == "text/css; charset=utf-8", "\(style): \(sheet)")
        expect(sheet.headers[.init("Content-Security-Policy")!] != nil, "\(style) without the pages' policy")
        return problems
    }

    /// The server paths a page's script names as string literals (`"/api/v1/…"`, `"/healthz"`),
    /// without their query.
    package static func apiPaths(in script: String) throws -> Set<String> {
        let pattern = try NSRegularExpression(pattern: "\"(/api/v1/[a-z0-9./{}-]+|/healthz)")
        return Set(
            pattern.matches(in: script, range: NSRange(script.startIndex..., in: script)).compactMap {
                Range($0.range(at: 1), in: script).map { String(script[$0]) }
            })
    }
}
