import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

/// Protocol/openapi.yaml is the source of truth of the node API (DESIGN.md §7). These tests keep
/// it honest without a code generator: the routes the real router registers and the routes the
/// spec documents must be the same set, and real answers must have the shape their documented
/// schemas give.
@Suite("Protocol/openapi.yaml matches the node API")
struct OpenAPIConformanceTests {
    @Test("every route the router registers is documented in the spec")
    func registeredRoutesAreDocumented() throws {
        let documented = try Set(OpenAPISpec.load().operations)
        let registered = try Self.registeredRoutes()
        #expect(registered.count >= 35, "the router lists only \(registered.count) routes")
        for route in registered.sorted() where !documented.contains(route) {
            Issue.record("\(route) is registered but not in Protocol/openapi.yaml")
        }
    }

    @Test("every route the spec documents is registered by the router")
    func documentedRoutesAreRegistered() throws {
        let documented = try OpenAPISpec.load().operations
        #expect(documented.count >= 35, "the parser found only \(documented.count) operations")
        #expect(Set(documented).count == documented.count, "an operation is documented twice")
        let registered = try Set(Self.registeredRoutes())
        for route in documented.sorted() where !registered.contains(route) {
            Issue.record("\(route) is in Protocol/openapi.yaml but the router does not register it")
        }
    }

    @Test("every $ref names a component the spec defines")
    func referencesResolve() throws {
        let spec = try OpenAPISpec.load()
        let refs = spec.root.all("$ref")
        #expect(refs.count > 100)
        for ref in Set(refs).sorted() where spec.resolve(ref) == nil {
            Issue.record("\(ref) does not resolve")
        }
    }

    @Test("money is integer minor units and a currency; no schema has a floating-point number")
    func moneyIsInteger() throws {
        let spec = try OpenAPISpec.load()
        let money = try #require(spec.resolve("#/components/schemas/Money"))
        #expect(money["required"]?.list.sorted() == ["currency", "minor"])
        #expect(money["properties"]?["minor"]?["type"]?.value == "integer")
        #expect(money["properties"]?["minor"]?["format"]?.value == "int64")
        #expect(money["properties"]?["currency"]?["$ref"]?.value == "#/components/schemas/Currency")
        #expect(!spec.root.all("type").contains("number"), "amounts, quantities and rates are integers")
    }

    @Test("real answers have the content type, required properties and no undocumented ones")
    func responsesMatchTheirSchemas() async throws {
        let spec = try OpenAPISpec.load()
        try await NodeAPIFixture.run { _, client in
            var checker = SchemaChecker(spec: spec)
            func call(
                _ method: HTTPRequest.Method, _ path: String, _ body: String? = nil, expect status: HTTPResponse.Status,
                sourceLocation: SourceLocation = #_sourceLocation
            ) async throws -> TestResponse {
                let response = try await client.send(method, path, raw: body)
                expectStatus(response, status, sourceLocation: sourceLocation)
                let uri = path.hasPrefix("/") ? path : "\(api)/\(path)"
                for issue in checker.check(response, method: method.rawValue, uri: uri) {
                    let answer = "\(method) \(uri) → \(response.status.code)"
                    Issue.record("\(answer): \(issue)", sourceLocation: sourceLocation)
                }
                return response
            }

            // Set-up.
            _ = try await call(.post, "products", jsonText(Seed.kettle), expect: .created)
            _ = try await call(.post, "products", jsonText(Seed.toaster), expect: .created)
            _ = try await call(.get, "products", expect: .ok)
            for sku: SKU in ["KETTLE", "TOASTER"] {
                let receipt = InventoryReceiptBody(sku: sku, quantity: 10, vendor: "ACME")
                _ = try await call(.post, "inventory/receipts", jsonText(receipt), expect: .created)
            }
            _ = try await call(
                .post, "reorder-points", jsonText(ReorderPointBody(sku: "KETTLE", minimum: 100)), expect: .ok)
            _ = try await call(.get, "alerts/low-stock", expect: .ok)
            _ = try await call(.post, "customers", jsonText(Seed.alice), expect: .created)
            let credit = StoreCreditAdjustmentBody(amount: Seed.money(50_00), memo: "gift card")
            _ = try await call(.post, "customers/C1/store-credit", jsonText(credit), expect: .ok)
            _ = try await call(.get, "customers/C1/store-credit?currency=EUR", expect: .ok)
            _ = try await call(.get, "policy", expect: .ok)
            _ = try await call(.put, "policy", jsonText(Seed.strictApproval), expect: .ok)

            // A sale, returned, graded C, repaired, refunded and closed.
            _ = try await call(.post, "sales", jsonText(Seed.sale("S1-0001")), expect: .created)
            _ = try await call(.get, "sales/S1-0001", expect: .ok)
            _ = try await call(.get, "sales?customer=C1", expect: .ok)
            _ = try await call(.post, "policy/evaluate", jsonText(Seed.returnOf("S1-0001")), expect: .ok)
            let opened = try await call(.post, "returns", jsonText(Seed.returnOf("S1-0001")), expect: .created)
            let id = try opened.decode(ReturnView.self).id
            _ = try await call(.post, "returns/\(id)/approve", #"{"note":"manager ok"}"#, expect: .ok)
            _ = try await call(.post, "returns/\(id)/receive", expect: .ok)
            let grade = InspectBody(grades: [LineGrade(line: 1, grade: .c, quantity: 1, notes: "no power")])
            _ = try await call(.post, "returns/\(id)/inspect", jsonText(grade), expect: .ok)
            let toRepair = LineDisposition(line: 1, quantity: 1, disposition: .repair(order: "", technician: "Tom"))
            let disposed = try await call(
                .post, "returns/\(id)/dispose", jsonText(DisposeBody(dispositions: [toRepair])), expect: .ok)
            let order = try disposed.decode(ReturnView.self).dispositions.compactMap { d -> RepairOrderID? in
                if case .repair(let order, _) = d.disposition { return order }
                return nil
            }.first
            let repair = try #require(order)
            _ = try await call(.get, "repairs/\(repair)", expect: .ok)
            let progress = RepairProgressBody(
                status: .inProgress, parts: [RepairPart(name: "fuse", cost: Seed.money(2_00))],
                laborCost: Seed.money(10_00))
            _ = try await call(.post, "repairs/\(repair)/progress", jsonText(progress), expect: .ok)
            let done = RepairCompletionBody(
                outcome: .repaired(resalePrice: Seed.money(70_00)), totalCost: Seed.money(12_00))
            _ = try await call(.post, "repairs/\(repair)/complete", jsonText(done), expect: .ok)
            _ = try await call(.post, "returns/\(id)/refund", #"{"method":"originalTender"}"#, expect: .ok)
            _ = try await call(.post, "returns/\(id)/close", expect: .ok)
            _ = try await call(.get, "returns/\(id)", expect: .ok)
            _ = try await call(.get, "returns?status=closed&limit=10", expect: .ok)

            // An exchange of a kettle for a toaster.
            _ = try await call(.post, "sales", jsonText(Seed.sale("S1-0002", quantity: 1)), expect: .created)
            let swap = try await call(
                .post, "returns", jsonText(Seed.returnOf("S1-0002", type: .exchange)), expect: .created)
            let swapID = try swap.decode(ReturnView.self).id
            _ = try await call(.post, "returns/\(swapID)/approve", expect: .ok)
            _ = try await call(.post, "returns/\(swapID)/receive", expect: .ok)
            let asNew = InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 1)])
            _ = try await call(.post, "returns/\(swapID)/inspect", jsonText(asNew), expect: .ok)
            let restock = DisposeBody(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)])
            _ = try await call(.post, "returns/\(swapID)/dispose", jsonText(restock), expect: .ok)
            let exchange = ExchangeBody(items: [ExchangeItem(sku: "TOASTER", quantity: 1)], settlement: .card)
            _ = try await call(.post, "returns/\(swapID)/exchange", jsonText(exchange), expect: .ok)

            // Reads and probes.
            _ = try await call(.get, "stock?sku=KETTLE&store=S1", expect: .ok)
            _ = try await call(.get, "customers/C1/history", expect: .ok)
            _ = try await call(.get, "exceptions", expect: .ok)
            for probe in ["healthz", "metrics", "/healthz", "/metrics"] {
                _ = try await call(.get, probe, expect: .ok)
            }

            // Problems.
            _ = try await call(.get, "returns/RT-404", expect: .notFound)
            _ = try await call(.post, "sales", "{oops", expect: .badRequest)
            _ = try await call(.post, "sales", jsonText(Seed.sale("S1-0001")), expect: .conflict)
            _ = try await call(.post, "returns/\(id)/approve", expect: .conflict)
            _ = try await call(.get, "sales", expect: .unprocessableContent)

            let expected: Set<String> = [
                "Product", "SKUStock", "StockRow", "ReorderPoint", "LowStockAlert", "Customer", "StoreCreditBalance",
                "ReturnPolicy", "RestockingFee", "SaleView", "SaleViewLine", "Sale", "SaleLine", "TenderPayment",
                "Money", "Instant", "PolicyVerdict", "PolicyReason", "ReturnView", "ReturnRequest", "ReturnLine",
                "LineGrade", "LineDisposition", "Disposition", "ReturnStep", "Dot", "HLCTimestamp", "RepairState",
                "RepairOrder", "RepairPart", "RepairOutcome", "Refund", "RefundAllocation", "Exchange", "ExchangeLine",
                "CustomerHistory", "HealthStatus", "Problem",
            ]
            let missed = expected.subtracting(checker.visited)
            #expect(missed.isEmpty, "never checked against a real answer: \(missed.sorted())")
        }
    }

    /// `METHOD /path` of every route `buildNodeRouter` registers, paths as Hummingbird prints them
    /// (`/api/v1/returns/{id}`, the OpenAPI template form).
    static func registeredRoutes() throws -> [String] {
        let node = try NodeAPIFixture()
        defer { try? FileManager.default.removeItem(at: node.directory) }
        return buildNodeRouter(service: node.service).routes.map { "\($0.method.rawValue) \($0.path)" }
    }
}

/// `value` as the JSON text of a request body.
private func jsonText(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}

// MARK: - The spec, read with a small parser of its own

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

    /// `METHOD /path` of every documented operation.
    var operations: [String] {
        (root["paths"]?.children ?? []).filter { $0.key?.hasPrefix("/") == true }.flatMap { path in
            path.children.compactMap { $0.key }.filter(Self.methods.contains).map { "\($0.uppercased()) \(path.key!)" }
        }
    }

    /// The operation object documenting `method` on a concrete URI (`{x}` matches one segment).
    func operation(_ method: String, uri: String) -> SpecNode? {
        let segments = uri.split(separator: "?")[0].split(separator: "/")
        let path = root["paths"]?.children.first { node in
            guard let template = node.key?.split(separator: "/"), template.count == segments.count else { return false }
            return zip(template, segments).allSatisfy { $0.hasPrefix("{") || $0 == $1 }
        }
        return path?[method.lowercased()]
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
        guard let media = answer["content"]?.children.first, let mediaType = media.key, let schema = media["schema"]
        else { return ["the documented answer has no content schema"] }
        guard response.headers[.contentType] == mediaType else {
            return ["Content-Type \(response.headers[.contentType] ?? "none"), documented \(mediaType)"]
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
            if let properties = schema["properties"] {
                for (key, member) in object.sorted(by: { $0.key < $1.key }) {
                    guard let property = properties[key] else {
                        issues.append("\(path).\(key) is in the answer but not in the spec")
                        continue
                    }
                    issues += check(member, against: property, at: "\(path).\(key)")
                }
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
