import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import OpenAPITesting
import Replication
import ReturnsDomain
import Testing

/// The page and script behind `GET /dashboard` (HubServer/Dashboard.swift). The page in a real
/// browser against a real hub process: Tests/EndToEndTests/DashboardBrowserTests.swift.
@Suite("head office's dashboard")
struct DashboardTests {
    @Test("the page and its script are served without a token, under a policy that keeps them to this hub")
    func served() async throws {
        try await HubFixture.run(.sqlite) { _, client in
            let page = try await client.call(.get, "/dashboard", token: nil)
            let script = try await client.call(.get, "/dashboard.js", token: nil)
            let problems = WebPageCheck.problems(page: page, script: script, scriptPath: "/dashboard.js")
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("every API path the script calls is documented for the hub and answers a head-office token")
    func scriptCallsTheDocumentedAPI() async throws {
        try await HubFixture.run(.sqlite) { hub, client in
            let script = String(buffer: try await client.call(.get, "/dashboard.js", token: nil).body)
            let paths = try WebPageCheck.apiPaths(in: script)
            #expect(paths.count >= 10, "\(paths.sorted())")
            let documented = Set(try OpenAPISpec.load().operations(on: HubOpenAPITests.hubURL).map(\.route))
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            for path in paths.sorted() {
                let method = path == "/api/v1/exceptions/resolve" ? "POST" : "GET"
                #expect(documented.contains("\(method) \(path)"), "\(method) \(path) is not documented for the hub")
                if method == "GET" {
                    let answer = try await client.call(.get, path, token: office)
                    #expect(answer.status == .ok, "\(path): \(answer.status)")
                }
            }
        }
    }

    @Test("an exception carries the id that resolving it takes", arguments: HubBackend.all)
    func exceptionIdResolves(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            // The holder and an offline store both take back the one unit sold: an over-return.
            let a = try StoreNode("S01-a", store: "S01")
            let b = try StoreNode("S02-a", store: "S02")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll(b.id, store: b.store)
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            try await a.setUp()
            try await a.sell("R-S01-1", quantity: 1)
            try await EscrowTests.pushAll(a, token: tokenA, client: client)
            try await EscrowTests.catchUp(b, token: tokenB, client: client)
            let line = [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]
            _ = try await a.service.createReturn(CreateReturnCommand(sale: "R-S01-1", lines: line), staff: "desk")
            _ = try await b.service.createReturn(CreateReturnCommand(sale: "R-S01-1", lines: line), staff: "desk")
            try await EscrowTests.pushAll(a, token: tokenA, client: client)
            try await EscrowTests.pushAll(b, token: tokenB, client: client)

            let listed = try JSONDecoder().decode(
                [[String: JSONValue]].self,
                from: Data(buffer: try await client.call(.get, "/api/v1/exceptions", token: office).body))
            let expected = try #require(
                try await hub.store.state().exceptions().first { $0.code == "return.overReturn" })
            let ids = listed.compactMap { if case .string(let id) = $0["id"] { id } else { nil } }
            #expect(ids.contains(expected.id), "\(listed)")
            let resolved = try await client.call(
                .post, "/api/v1/exceptions/resolve", token: office,
                raw: try jsonText(["id": expected.id, "note": "customer refunded once, second refund recovered"]))
            #expect(resolved.status == .ok, "\(String(buffer: resolved.body))")
            #expect(try await hub.store.exceptionResolutions().map(\.id) == [expected.id])
        }
    }
}
