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

/// The online channel submits returns to the hub with idempotency keys.
@Suite("Hub API: channel returns")
struct ChannelReturnTests {
    static func body(quantity: Int) throws -> String {
        try jsonText(
            ChannelReturnRequest(
                sale: "R-S01-1",
                lines: [RequestedLine(saleLine: 1, quantity: quantity, reason: .changedMind, condition: .unopened)]))
    }

    @Test(
        "a channel return is recorded once per idempotency key; a replay gets the first answer; a changed body is 409",
        arguments: HubBackend.all)
    func idempotentSubmission(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let shop = try StoreNode("S01-a", store: "S01")
            let shopToken = try await hub.enroll(shop.id, store: shop.store)
            try await shop.setUp()
            _ = try await shop.sell("R-S01-1", quantity: 2)
            expectStatus(try await client.push(try await shop.changeSet(), token: shopToken), .ok)
            let web = try await hub.enroll("WEB-1", store: "WEB", role: .onlineChannel)

            func submit(key: String?, quantity: Int, token: String) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(token)", .contentType: "application/json"]
                if let key { headers[.init("Idempotency-Key")!] = key }
                return try await client.execute(
                    uri: "/api/v1/channel/returns", method: .post, headers: headers,
                    body: ByteBuffer(string: try Self.body(quantity: quantity)))
            }
            let first = try await submit(key: "order-77-return-1", quantity: 1, token: web)
            expectStatus(first, .created)
            let receipt = try first.decode(ChannelReturnReceipt.self)
            #expect(receipt.status == .approved && receipt.request.store == "WEB" && receipt.request.saleStore == "S01")

            let replay = try await submit(key: "order-77-return-1", quantity: 1, token: web)
            expectStatus(replay, .created)
            #expect(replay.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try replay.decode(ChannelReturnReceipt.self) == receipt)
            #expect(
                try await hub.store.state().returns(store: "WEB", status: nil, limit: 10).count == 1,
                "the replay recorded nothing")

            _ = expectProblem(
                try await submit(key: "order-77-return-1", quantity: 2, token: web), .conflict, "idempotency.conflict")
            _ = expectProblem(
                try await submit(key: nil, quantity: 1, token: web), .unprocessableContent,
                "input.missingIdempotencyKey")
            _ = expectProblem(
                try await submit(key: "k2", quantity: 2, token: web), .unprocessableContent, "return.overReturn")
            _ = expectProblem(try await submit(key: "k3", quantity: 1, token: shopToken), .forbidden, "auth.forbidden")

            // The store pulls the channel's return: its returnable quantity drops.
            let page = try await client.pull(after: 0, token: shopToken).decode(PullResponse.self)
            #expect(page.events.contains { $0.event.record == .returnOrder(receipt.id) })
            let report = try await hub.store.verify()
            #expect(report.isOK, "\(report.mismatches)")
        }
    }
}
