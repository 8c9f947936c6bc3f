import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import OpenAPITesting
import ReplicaStore
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
    func registeredRoutesAreDocumented() async throws {
        let documented = try Set(OpenAPISpec.load().operations(on: Self.hubURL).map(\.route))
        let registered = try await Self.registeredRoutes()
        #expect(registered.count >= 13, "the router lists only \(registered.count) routes")
        for route in registered.sorted() where !documented.contains(route) {
            Issue.record("\(route) is registered by buildHubRouter but not documented for the hub")
        }
    }

    @Test("every route the spec documents for the hub is registered by its router")
    func documentedRoutesAreRegistered() async throws {
        let documented = try OpenAPISpec.load().operations(on: Self.hubURL).map(\.route)
        #expect(documented.count >= 13, "the parser found only \(documented.count) hub operations")
        #expect(Set(documented).count == documented.count, "an operation is documented twice")
        let registered = Set(try await Self.registeredRoutes())
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
                #expect(
                    op.servers.contains(Self.nodeURL),
                    "\(op.route) is inline, so the node's, but does not list the node")
            }
            guard op.servers.contains(Self.hubURL) else { continue }
            let security = op.node["security"]?.children.map { $0.children.first?.key ?? $0.value } ?? []
            // Probes, the dashboard's page and script (they hold no data; the page reads the API
            // once signed in) and the sign-in itself.
            let isOpen = [
                "/healthz", "/livez", "/metrics", "/dashboard", "/dashboard.js", "/dashboard.css", "/api/v1/sign-in",
            ].contains(op.path)
            if isOpen {
                // `[{}]`: open despite the root's `nodeKey`.
                #expect(security == ["{}"], "\(op.route) answers without a token: \(security)")
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

    @Test(
        "real hub answers have the documented content type, required properties and no undocumented ones",
        arguments: HubBackend.all)
    func responsesMatchTheirSchemas(backend: HubBackend) async throws {
        let spec = try OpenAPISpec.load()
        try await HubFixture.run(backend) { hub, client in
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
            _ = try await call(
                .post, "/sync/v1/push", token: tokenA, try jsonText(try await clone.changeSet()), expect: .conflict)

            // Head office and the shared reads.
            for path in [
                "sync-status", "incidents", "journal.csv", "journal.csv?store=S01", "verify", "exceptions",
                "returns?store=S01", "returns?status=closed", "stock?sku=KETTLE", "sales/R-S01-1",
                "customers/C1/history",
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
            _ = try await call(.get, "/livez", token: nil, expect: .ok)
            _ = try await call(.get, "/metrics", token: nil, expect: .ok)
            _ = try await call(.get, "/dashboard", token: nil, expect: .ok)
            _ = try await call(.get, "/dashboard.js", token: nil, expect: .ok)
            _ = try await call(.get, "/dashboard.css", token: nil, expect: .ok)

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
    /// Listing routes reads no data, so one backend (SQLite, no server needed) is enough.
    static func registeredRoutes() async throws -> [String] {
        let hub = try await HubFixture(.sqlite)
        defer { hub.handle.remove() }
        return buildHubRouter(store: hub.store).routes.map { "\($0.method.rawValue) \($0.path)" }
    }
}

// MARK: - The spec, read with a small parser of its own
