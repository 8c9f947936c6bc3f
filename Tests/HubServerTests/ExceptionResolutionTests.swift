import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Head office works the exceptions queue: a resolution is recorded, the exception stays.
@Suite("Hub API: resolving exceptions")
struct ExceptionResolutionTests {
    @Test(
        "head office resolves an exception with a note; unknown ids, empty notes and store tokens are refused",
        arguments: HubBackend.all)
    func resolve(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            // Two stores register one customer concurrently: a concurrent-edit exception at the hub.
            var storeToken = ""
            for (node, store) in [("S01-a", "S01"), ("S02-b", "S02")] {
                let shop = try StoreNode(NodeID(node), store: StoreID(store))
                storeToken = try await hub.enroll(shop.id, store: shop.store)
                try await shop.setUp(customer: "C1")
                expectStatus(try await client.push(try await shop.changeSet(), token: storeToken), .ok)
            }
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            let exceptions = try await client.call(.get, "/api/v1/exceptions", token: office).decode(
                [ReplicationException].self)
            let target = try #require(exceptions.first { $0.record == .customer("C1") })

            let body = try jsonText(["id": target.id, "note": "  phone confirmed with the customer "])
            let answer = try await client.call(.post, "/api/v1/exceptions/resolve", token: office, raw: body)
            expectStatus(answer, .ok)
            let resolution = try answer.decode(ExceptionResolution.self)
            #expect(resolution.id == target.id && resolution.note == "phone confirmed with the customer")
            #expect(resolution.resolvedBy == "HO-1")

            let listed = try await client.call(.get, "/api/v1/exceptions/resolutions", token: office).decode(
                [ExceptionResolution].self)
            #expect(listed.map(\.id) == [target.id])
            // The facts stand: the exception is still reported.
            let after = try await client.call(.get, "/api/v1/exceptions", token: office).decode(
                [ReplicationException].self)
            #expect(after.contains { $0.id == target.id })

            _ = expectProblem(
                try await client.call(
                    .post, "/api/v1/exceptions/resolve", token: office, raw: try jsonText(["id": "nope", "note": "x"])),
                .notFound, "exception.notFound")
            _ = expectProblem(
                try await client.call(
                    .post, "/api/v1/exceptions/resolve", token: office,
                    raw: try jsonText(["id": target.id, "note": " "])),
                .unprocessableContent, "input.missingNote")
            _ = expectProblem(
                try await client.call(.post, "/api/v1/exceptions/resolve", token: storeToken, raw: body), .forbidden,
                "auth.forbidden")
        }
    }
}
