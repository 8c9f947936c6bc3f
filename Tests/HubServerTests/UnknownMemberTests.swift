import Foundation
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Issue 20: the hub refuses a body member its route does not know, as the node does, naming it.
@Suite("Hub API: unknown body members")
struct HubUnknownMemberTests {
    @Test(
        "a channel return with lines[0].line, a resolution and a refusal report with a stray member are 400 input.unknownField",
        arguments: HubBackend.all)
    func refused(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let shop = try StoreNode("S01-a", store: "S01")
            let shopToken = try await hub.enroll(shop.id, store: shop.store)
            try await shop.setUp()
            _ = try await shop.sell("R-S01-1", quantity: 2)
            expectStatus(try await client.push(try await shop.changeSet(), token: shopToken), .ok)
            let web = try await hub.enroll("WEB-1", store: "WEB", role: .onlineChannel)
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)

            let headers: HTTPFields = [
                .authorization: "Bearer \(web)", .contentType: "application/json",
                .init("Idempotency-Key")!: "order-1-return-1",
            ]
            let nested =
                #"{"sale": "R-S01-1", "lines": [{"line": 1, "quantity": 1, "reason": "changedMind", "condition": "unopened"}]}"#
            let answer = try await client.execute(
                uri: "/api/v1/channel/returns", method: .post, headers: headers, body: ByteBuffer(string: nested))
            let problem = expectProblem(answer, .badRequest, "input.unknownField")
            #expect(problem?.detail == "lines[0].line is not a member of this body; did you mean saleLine?")
            #expect(try await hub.store.state().returns(store: "WEB", status: nil, limit: 10).isEmpty)

            let resolution = expectProblem(
                try await client.call(
                    .post, "/api/v1/exceptions/resolve", token: office, raw: #"{"id": "x", "note": "n", "nte": "n"}"#),
                .badRequest, "input.unknownField")
            #expect(resolution?.detail == "nte is not a member of this body; did you mean note?")

            let report = expectProblem(
                try await client.call(
                    .post, "/sync/v1/refusals", token: shopToken,
                    raw: #"{"dot": {"node": "S01-a", "seq": 1, "sq": 1}, "code": "admission.x", "message": "m"}"#),
                .badRequest, "input.unknownField")
            #expect(report?.detail == "dot.sq is not a member of this body; did you mean seq?")
        }
    }
}
