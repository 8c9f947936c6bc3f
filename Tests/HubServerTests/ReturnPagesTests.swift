import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import Replication
import ReturnsDomain
import Testing

/// Head office's list of returns comes in pages: `limit`, a `Link` to the next page with an
/// opaque cursor, and the whole list's length in `X-Total-Count`.
@Suite("Hub API: returns in pages")
struct ReturnPagesTests {
    @Test("three returns in pages of two: each once, newest first, with the total", arguments: HubBackend.all)
    func pages(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let token = try await hub.enroll("S01-a", store: "S01")
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            let node = try StoreNode("S01-a", store: "S01")
            try await node.setUp()
            var made: [ReturnID] = []
            for i in 1...3 {
                _ = try await node.sell(SaleID("S01-\(i)"))
                made.append(try await node.returnAndRefund(SaleID("S01-\(i)")))
            }
            try await EscrowTests.pushAll(node, token: token, client: client)

            let first = try await client.call(.get, "/api/v1/returns?limit=2", token: office)
            expectStatus(first, .ok)
            #expect(first.headers[.init("X-Total-Count")!] == "3")
            let link = try #require(first.headers[.init("Link")!])
            #expect(link.hasSuffix("rel=\"next\""))
            let next = String(link.dropFirst().prefix { $0 != ">" })
            let second = try await client.call(.get, next, token: office)
            expectStatus(second, .ok)
            #expect(second.headers[.init("Link")!] == nil, "the last page has no next")
            let ids =
                try first.decode([ReturnOrderState].self).compactMap(\.request?.id)
                + second.decode([ReturnOrderState].self).compactMap(\.request?.id)
            #expect(Set(ids) == Set(made) && ids.count == 3, "\(ids)")

            expectProblem(
                try await client.call(.get, "/api/v1/returns?cursor=not-a-cursor!", token: office),
                .unprocessableContent, "input.invalidQuery")
        }
    }
}
