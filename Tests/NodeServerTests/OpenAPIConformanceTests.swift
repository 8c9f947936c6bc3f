import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import OpenAPITesting
import ReplicaStore
import ReturnsDomain
import Testing

/// Protocol/openapi.yaml is the source of truth of the node API (DESIGN.md §7). These tests keep
/// it honest without a code generator: the routes the real router registers and the routes the
/// spec documents must be the same set, and real answers must have the shape their documented
/// schemas give.
@Suite("Protocol/openapi.yaml matches the node API")
struct OpenAPIConformanceTests {
    @Test("every route the router registers is documented in the spec")
    func registeredRoutesAreDocumented() async throws {
        let documented = try Set(OpenAPISpec.load().nodeOperations)
        let registered = try await Self.registeredRoutes()
        #expect(registered.count >= 35, "the router lists only \(registered.count) routes")
        for route in registered.sorted() where !documented.contains(route) {
            Issue.record("\(route) is registered but not in Protocol/openapi.yaml")
        }
    }

    @Test("every node operation but the probes and the desk page needs the node's key and documents 401")
    func keysAreDocumented() throws {
        let spec = try OpenAPISpec.load()
        let open: Set<String> = [
            "/healthz", "/metrics", "/api/v1/healthz", "/api/v1/metrics", "/desk", "/desk.js", "/desk.css",
        ]
        for op in spec.operations(on: nil) where !op.viaRef {
            // An operation without `security` has the root's, `nodeKey`.
            let security = op.node["security"]?.children.map { $0.children.first?.key ?? $0.value } ?? ["nodeKey"]
            if open.contains(op.path) {
                #expect(security == ["{}"], "\(op.route) answers without a key: \(security)")
            } else {
                #expect(security.contains("nodeKey"), "\(op.route) needs the node's key: \(security)")
                #expect(op.node["responses"]?["401"] != nil, "\(op.route) does not document 401")
            }
        }
    }

    @Test("every route the spec documents is registered by the router")
    func documentedRoutesAreRegistered() async throws {
        let documented = try OpenAPISpec.load().nodeOperations
        #expect(documented.count >= 35, "the parser found only \(documented.count) operations")
        #expect(Set(documented).count == documented.count, "an operation is documented twice")
        let registered = try await Set(Self.registeredRoutes())
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
            _ = try await call(.get, "returns/\(id)/credit-notes", expect: .ok)
            _ = try await call(.get, "credit-notes/CN-S1-000001", expect: .ok)
            _ = try await call(.get, "credit-notes/CN-S1-404", expect: .notFound)
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
            // The desk previews the difference first: the same as the exchange then records (had the
            // preview recorded anything, the exchange would be an illegal step now).
            let preview = try await call(.post, "returns/\(swapID)/exchange/preview", jsonText(exchange), expect: .ok)
                .decode(Exchange.self)
            #expect(preview.difference.minor > 0, "a toaster costs more than a kettle: \(preview)")
            let swapped = try await call(.post, "returns/\(swapID)/exchange", jsonText(exchange), expect: .ok)
                .decode(ReturnView.self)
            #expect(swapped.exchanges.first?.difference == preview.difference, "\(swapped.exchanges)")

            // Reads and probes.
            _ = try await call(.get, "stock?sku=KETTLE&store=S1", expect: .ok)
            _ = try await call(.get, "customers/C1/history", expect: .ok)
            _ = try await call(.get, "exceptions", expect: .ok)
            for probe in ["healthz", "metrics", "/healthz", "/metrics", "/desk", "/desk.js"] {
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
                "CustomerHistory", "HealthStatus", "Problem", "CreditNote", "CreditNoteLine",
            ]
            let missed = expected.subtracting(checker.visited)
            #expect(missed.isEmpty, "never checked against a real answer: \(missed.sorted())")
        }
    }

    /// `METHOD /path` of every route `buildNodeRouter` registers, paths as Hummingbird prints them
    /// (`/api/v1/returns/{id}`, the OpenAPI template form).
    static func registeredRoutes() async throws -> [String] {
        let node = try await NodeAPIFixture()
        defer { try? FileManager.default.removeItem(at: node.directory) }
        return buildNodeRouter(service: node.service).routes.map { "\($0.method.rawValue) \($0.path)" }
    }
}

/// `value` as the JSON text of a request body.
private func jsonText(_ value: some Encodable) throws -> String {
    String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
}

extension OpenAPISpec {
    /// `METHOD /path` of every operation written inline under `paths`: the node's routes (the
    /// hub-only paths are `$ref`s to `components.pathItems`).
    var nodeOperations: [String] { operations(on: nil).filter { !$0.viaRef }.map(\.route) }
}
