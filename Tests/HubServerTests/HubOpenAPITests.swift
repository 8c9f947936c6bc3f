import Foundation
import HubServer
import HubStore
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Protocol/openapi.yaml documents the node and the hub, two separate servers. The rule (stated
/// in the spec's header comment): an operation's effective `servers` (its own, else its path
/// item's, else the root's) says which server has it. Inline operations under `paths` are the
/// node's; where the hub has the same path and method, that one entry lists the hub among its
/// servers and documents both answers. Paths only the hub has are `$ref`s to
/// `components.pathItems.Hub*`, whose servers are the hub alone. These tests compare every
/// operation whose effective servers include the hub with the routes `buildHubRouter` registers
/// (both ways), and check real hub answers against their documented schemas.
/// (Tests/NodeServerTests/OpenAPIConformanceTests.swift does the same for the node.)
@Suite("Protocol/openapi.yaml matches the hub API")
struct HubOpenAPITests {
    /// How the spec names the hub server.
    static let hubURL = "http://{hubHost}:{hubPort}"
    static let nodeURL = "http://127.0.0.1:{port}"

    @Test("every route the hub's router registers is documented for the hub")
    func registeredRoutesAreDocumented() throws {
        let documented = try Set(OpenAPISpec.load().operations(on: Self.hubURL).map(\.route))
        let registered = try Self.registeredRoutes()
        #expect(registered.count >= 13, "the router lists only \(registered.count) routes")
        for route in registered.sorted() where !documented.contains(route) {
            Issue.record("\(route) is registered by buildHubRouter but not documented for the hub")
        }
    }

    @Test("every route the spec documents for the hub is registered by its router")
    func documentedRoutesAreRegistered() throws {
        let documented = try OpenAPISpec.load().operations(on: Self.hubURL).map(\.route)
        #expect(documented.count >= 13, "the parser found only \(documented.count) hub operations")
        #expect(Set(documented).count == documented.count, "an operation is documented twice")
        let registered = try Set(Self.registeredRoutes())
        for route in documented.sorted() where !registered.contains(route) {
            Issue.record("\(route) is documented for the hub but buildHubRouter does not register it")
        }
    }

    @Test("hub-only paths live in components.pathItems, shared ones on the node's entry, with the hub's token")
    func theRuleIsKept() throws {
        let spec = try OpenAPISpec.load()
        let all = spec.operations(on: nil)
        for op in all {
            if op.viaRef {
                #expect(op.ref?.hasPrefix("#/components/pathItems/Hub") == true, "\(op.route): \(op.ref ?? "")")
                #expect(op.servers == [Self.hubURL], "\(op.route) is a hub path item; its only server is the hub")
            } else {
                #expect(op.servers.contains(Self.nodeURL), "\(op.route) is inline, so the node's, but does not list the node")
            }
            guard op.servers.contains(Self.hubURL) else { continue }
            let security = op.node["security"]?.children.map { $0.children.first?.key ?? $0.value } ?? []
            let isProbe = op.path == "/healthz" || op.path == "/metrics"
            if isProbe {
                #expect(security.isEmpty, "\(op.route) answers without a token")
            } else {
                #expect(security.contains("hubToken"), "\(op.route) needs the hub's bearer token: \(security)")
                #expect(op.node["responses"]?["401"] != nil, "\(op.route) does not document 401")
                #expect(op.node["responses"]?["403"] != nil, "\(op.route) does not document 403")
                #expect(op.node["tags"]?.list.contains { $0 == "sync" || $0 == "head-office" } == true, "\(op.route)")
            }
        }
        // The node's conformance test sees inline operations only: none of them is hub-only.
        #expect(all.filter { !$0.viaRef && $0.servers == [Self.hubURL] }.isEmpty)
    }

    @Test("real hub answers have the documented content type, required properties and no undocumented ones")
    func responsesMatchTheirSchemas() async throws {
        let spec = try OpenAPISpec.load()
        try await HubFixture.run { hub, client in
            var checker = SchemaChecker(spec: spec)
            func call(
                _ method: HTTPRequest.Method, _ uri: String, token: String?, _ body: String? = nil,
                expect status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation
            ) async throws -> TestResponse {
                let response = try await client.call(method, uri, token: token, raw: body)
                expectStatus(response, status, sourceLocation: sourceLocation)
                for issue in checker.check(response, method: method.rawValue, uri: uri) {
                    Issue.record("\(method) \(uri) → \(response.status.code): \(issue)", sourceLocation: sourceLocation)
                }
                return response
            }

            let a = try StoreNode("S01-a", store: "S01")
            let b = try StoreNode("S02-b", store: "S02")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll(b.id, store: b.store)
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            try await a.setUp()
            try await a.sell("R-S01-1")
            try await a.returnAndRefund("R-S01-1")
            try await a.sell("R-S01-2", quantity: 1)
            _ = try await a.service.createReturn(
                CreateReturnCommand(
                    sale: "R-S01-2",
                    lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .defective, condition: .openedComplete)]),
                staff: "desk")
            let changeSet = try await a.changeSet()
            // The request body too: the change set a real node sends is a documented ChangeSet.
            let sent = try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(changeSet))
            for issue in checker.check(sent, against: SpecNode.ref("#/components/schemas/ChangeSet"), at: "$") {
                Issue.record("the pushed change set: \(issue)")
            }

            // Sync.
            let body = try jsonText(changeSet)
            _ = try await call(.post, "/sync/v1/push", token: tokenA, body, expect: .ok)
            _ = try await call(.post, "/sync/v1/push", token: tokenA, body, expect: .ok)
            _ = try await call(.get, "/sync/v1/pull?after=0&limit=5", token: tokenB, expect: .ok)
            _ = try await call(.get, "/sync/v1/pull?after=0", token: tokenB, expect: .ok)
            let late = try jsonText(ChangeSet(node: a.id, events: Array(changeSet.events.dropFirst(1))))
            try await a.sell("R-S01-3")
            try await a.sell("R-S01-4")
            let next = try await a.changeSet()
            let gap = try jsonText(ChangeSet(node: a.id, events: [next.events.last!]))
            _ = try await call(.post, "/sync/v1/push", token: tokenA, late, expect: .ok)
            _ = try await call(.post, "/sync/v1/push", token: tokenA, gap, expect: .conflict)
            _ = try await call(.post, "/sync/v1/push", token: tokenB, body, expect: .forbidden)
            _ = try await call(.post, "/sync/v1/push", token: tokenA, "{oops", expect: .badRequest)
            _ = try await call(.post, "/sync/v1/push", token: nil, body, expect: .unauthorized)
            _ = try await call(.get, "/sync/v1/pull?after=x", token: tokenB, expect: .unprocessableContent)
            _ = try await call(.get, "/sync/v1/pull?after=9999", token: tokenB, expect: .badRequest)
            let clone = try StoreNode("S01-a", store: "S01")
            try await clone.setUp(customer: "C9")
            _ = try await call(.post, "/sync/v1/push", token: tokenA, try jsonText(try await clone.changeSet()), expect: .conflict)

            // Head office and the shared reads.
            for path in [
                "sync-status", "incidents", "journal.csv", "journal.csv?store=S01", "verify", "exceptions",
                "returns?store=S01", "returns?status=closed", "stock?sku=KETTLE", "sales/R-S01-1", "customers/C1/history",
            ] {
                _ = try await call(.get, "/api/v1/\(path)", token: office, expect: .ok)
            }
            _ = try await call(.get, "/api/v1/customers/C404/history", token: tokenB, expect: .ok)
            _ = try await call(.get, "/api/v1/sales/R-404", token: tokenB, expect: .notFound)
            _ = try await call(.get, "/api/v1/incidents", token: tokenB, expect: .forbidden)
            _ = try await call(.get, "/api/v1/returns?status=lost", token: office, expect: .unprocessableContent)
            _ = try await call(.get, "/api/v1/stock", token: TokenHash.newToken(), expect: .unauthorized)
            try await hub.store.revoke(node: b.id)
            _ = try await call(.get, "/sync/v1/pull", token: tokenB, expect: .forbidden)
            _ = try await call(.get, "/healthz", token: nil, expect: .ok)
            _ = try await call(.get, "/metrics", token: nil, expect: .ok)

            let expected: Set<String> = [
                "ChangeSet", "Event", "DomainEventPayload", "RecordKey", "VersionVector", "Dot", "HLCTimestamp",
                "PushResponse", "PullResponse", "FeedEntry", "NodeSyncStatus", "HubRole", "HubIncident",
                "HubVerificationReport", "HubSaleView", "Sale", "ReturnOrderState", "ReturnRequest", "CustomerHistory",
                "StockRow", "HubHealth", "Problem",
            ]
            let missed = expected.subtracting(checker.visited)
            #expect(missed.isEmpty, "never checked against a real answer: \(missed.sorted())")
        }
    }

    /// `METHOD /path` of every route `buildHubRouter` registers, paths as Hummingbird prints them
    /// (`/api/v1/sales/{id}`, the OpenAPI template form).
    static func registeredRoutes() throws -> [String] {
        let hub = try HubFixture()
        defer { hub.folder.remove() }
        return buildHubRouter(store: hub.store).routes.map { "\($0.method.rawValue) \($0.path)" }
    }
}

// MARK: - The spec, read with a small parser of its own

/// (A copy of the node test's reader, which is private to its target, extended to follow path
/// items' `$ref`, to pick the answer's media type among several, and to check
/// `additionalProperties`.)
///
/// One node of the YAML subset openapi.yaml is written in: block mappings (`key: value`, nested by
/// indentation), block sequences (`- item`), `|`/`>` block scalars (skipped), short flow lists
/// (`[a, b]`) and comments. Anything else is refused with its line number, so the file has to
/// stay in that regular shape.
private struct SpecNode: Sendable {
    /// The mapping key; nil for a sequence item.
    var key: String?
    /// The scalar after the key (or the item's scalar), unquoted; empty when the value is nested.
    var value: String
    var children: [SpecNode]

    subscript(_ key: String) -> SpecNode? { children.first { $0.key == key } }

    /// A schema that is just `$ref: ref`.
    static func ref(_ ref: String) -> SpecNode {
        SpecNode(key: nil, value: "", children: [SpecNode(key: "$ref", value: ref, children: [])])
    }

    /// `[a, b]` on the line, or the scalars of the `- a` items below it.
    var list: [String] {
        if value.hasPrefix("[") && value.hasSuffix("]") {
            return value.dropFirst().dropLast().split(separator: ",")
                .map { SpecNode.unquote($0.trimmingCharacters(in: .whitespaces)) }
        }
        return children.filter { $0.key == nil }.map(\.value)
    }

    /// Every value of `key`, anywhere below this node.
    func all(_ key: String) -> [String] {
        children.flatMap { ($0.key == key ? [$0.value] : []) + $0.all(key) }
    }

    static func unquote(_ text: String) -> String {
        guard text.count >= 2, let first = text.first, first == "'" || first == "\"", text.last == first else {
            return text
        }
        let inner = String(text.dropFirst().dropLast())
        return first == "'" ? inner.replacingOccurrences(of: "''", with: "'") : inner
    }
}

private struct SpecParseError: Error, CustomStringConvertible {
    var line: Int
    var text: String
    var description: String { "openapi.yaml line \(line) is not in the regular shape: \(text)" }
}

private enum SpecParser {
    private struct Line {
        var indent: Int
        var key: String?
        var value: String
    }

    static func parse(_ text: String) throws -> SpecNode {
        var lines: [Line] = []
        var blockAbove: Int?  // inside a block scalar deeper than this indent
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let indent = raw.prefix { $0 == " " }.count
            let content = raw.dropFirst(indent).trimmingCharacters(in: .whitespaces)
            if let block = blockAbove {
                if content.isEmpty || indent > block { continue }
                blockAbove = nil
            }
            if content.isEmpty || content.hasPrefix("#") { continue }
            var at = indent
            var rest = content
            if rest.hasPrefix("- ") {
                rest = String(rest.dropFirst(2))
                guard splitKey(rest) != nil else {
                    lines.append(Line(indent: at, key: nil, value: SpecNode.unquote(rest)))
                    continue
                }
                lines.append(Line(indent: at, key: nil, value: ""))
                at += 2
            }
            guard let (key, value) = splitKey(rest) else { throw SpecParseError(line: number + 1, text: content) }
            lines.append(Line(indent: at, key: key, value: value))
            if ["|", "|-", "|+", ">", ">-", ">+"].contains(value) { blockAbove = at }
        }
        var index = 0
        return SpecNode(key: nil, value: "", children: nest(lines, &index, below: -1))
    }

    private static func nest(_ lines: [Line], _ index: inout Int, below indent: Int) -> [SpecNode] {
        var nodes: [SpecNode] = []
        while index < lines.count, lines[index].indent > indent {
            let line = lines[index]
            index += 1
            nodes.append(SpecNode(key: line.key, value: line.value, children: nest(lines, &index, below: line.indent)))
        }
        return nodes
    }

    /// `key: value`, `key:`, `'key': value`; the key ends at the first `: ` (or a final `:`).
    private static func splitKey(_ text: String) -> (String, String)? {
        let chars = Array(text)
        var end: Int?
        if let quote = chars.first, quote == "'" || quote == "\"" {
            guard let close = chars.dropFirst().firstIndex(of: quote), close + 1 < chars.count, chars[close + 1] == ":"
            else { return nil }
            end = close + 1
        } else {
            end = chars.indices.first { chars[$0] == ":" && ($0 + 1 == chars.count || chars[$0 + 1] == " ") }
        }
        guard let end, end > 0 else { return nil }
        let key = SpecNode.unquote(String(chars[..<end]))
        let value = String(chars[(end + 1)...]).trimmingCharacters(in: .whitespaces)
        return (key, SpecNode.unquote(value))
    }
}

/// Protocol/openapi.yaml, parsed.
private struct OpenAPISpec: Sendable {
    let root: SpecNode

    static let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]

    static func load() throws -> OpenAPISpec {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Protocol/openapi.yaml")
        return OpenAPISpec(root: try SpecParser.parse(try String(contentsOf: url, encoding: .utf8)))
    }

    /// One documented operation and where the spec says it is served.
    struct Operation {
        var method: String
        var path: String
        var node: SpecNode
        /// The URLs of its effective servers: its own, else its path item's, else the root's.
        var servers: [String]
        /// Its path item is a `$ref` (to `ref`) rather than written inline under `paths`.
        var viaRef: Bool
        var ref: String?
        var route: String { "\(method.uppercased()) \(path)" }
    }

    /// Every documented operation, following path items' `$ref`; only those served by `server`
    /// (a server URL) when given.
    func operations(on server: String?) -> [Operation] {
        let rootServers = Self.urls(root["servers"])
        let all = (root["paths"]?.children ?? []).filter { $0.key?.hasPrefix("/") == true }.flatMap { path in
            let ref = path["$ref"]?.value
            let item = ref.flatMap(resolve) ?? path
            let itemServers = item["servers"].map { Self.urls($0) } ?? rootServers
            return item.children.filter { $0.key.map(Self.methods.contains) == true }.map { op in
                Operation(
                    method: op.key!, path: path.key!, node: op, servers: op["servers"].map { Self.urls($0) } ?? itemServers,
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
    func operation(_ method: String, uri: String) -> SpecNode? {
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
    func resolve(_ ref: String) -> SpecNode? {
        guard ref.hasPrefix("#/") else { return nil }
        return ref.dropFirst(2).split(separator: "/").reduce(Optional(root)) { $0?[String($1)] }
    }
}

// MARK: - Answers against their documented schema

/// Any JSON value, decoded without losing the difference between an integer and a number.
private enum JSONValue: Decodable {
    case null, bool(Bool), integer(Int64), number(Double), string(String)
    case array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
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
private struct SchemaChecker {
    let spec: OpenAPISpec
    /// The named schemas some answer was checked against.
    private(set) var visited: Set<String> = []

    mutating func check(_ response: TestResponse, method: String, uri: String) -> [String] {
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
        do {
            let json = try JSONDecoder().decode(JSONValue.self, from: Data(response.body.readableBytesView))
            return check(json, against: schema, at: "$")
        } catch {
            return ["the body is not JSON: \(error)"]
        }
    }

    mutating func check(_ value: JSONValue, against schema: SpecNode, at path: String) -> [String] {
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
