import Foundation
import HTTPSupport
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

/// Head office's exceptions queue, complete: abuse signals and stock below zero beside the
/// records' exceptions, each resolved with a note that reaches the store as an event.
@Suite("Hub API: the exceptions queue and its resolutions")
struct ExceptionQueueTests {
    @Test(
        "an abuse signal and negative stock are in the queue; a resolution reaches the store", arguments: HubBackend.all
    )
    func queue(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            let token = try await hub.enroll("S01-a", store: "S01")
            let node = try StoreNode("S01-a", store: "S01")
            try await node.setUp()
            // Three returns in a few days (the standard threshold for abuse.frequency30)…
            let sale = try await node.sell("R-1", quantity: 3)
            for _ in 0..<3 {
                _ = try await node.service.createReturn(
                    CreateReturnCommand(
                        sale: sale.id,
                        lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]),
                    staff: "desk")
            }
            // …and more kettles sold than the store ever received (the store warns, and sells).
            try await node.sell("R-2", quantity: 12)
            try await EscrowTests.pushAll(node, token: token, client: client)

            let queue = try await client.call(.get, "/api/v1/exceptions", token: office).decode(
                [ReplicationException].self)
            let abuse = try #require(queue.first { $0.code == "abuse.frequency30" }, "\(queue)")
            #expect(abuse.record == .customer("C1"))
            let negative = try #require(queue.first { $0.code == ExceptionQueue.negativeStockCode }, "\(queue)")
            #expect(
                negative.record == .product("KETTLE") && negative.message.contains("S01 sellable -5"), "\(negative)")

            // Resolving needs a note and an exception that is in the queue.
            expectProblem(
                try await client.call(
                    .post, "/api/v1/exceptions/resolve", token: office,
                    raw: try jsonText(["id": abuse.id, "note": "  "])), .unprocessableContent, "input.missingNote")
            expectProblem(
                try await client.call(
                    .post, "/api/v1/exceptions/resolve", token: office,
                    raw: try jsonText(["id": "abuse.ratio|customer:C9|", "note": "?"])), .notFound,
                "exception.notFound")
            let resolved = try await client.call(
                .post, "/api/v1/exceptions/resolve", token: office,
                raw: try jsonText(["id": abuse.id, "note": "已致电顾客，说明退货规定"]))
            expectStatus(resolved, .ok)
            let resolutions = try await client.call(.get, "/api/v1/exceptions/resolutions", token: office).decode(
                [ExceptionResolution].self)
            #expect(resolutions.map(\.id) == [abuse.id] && resolutions.first?.note == "已致电顾客，说明退货规定")

            // The store pulls head office's note and shows it in its own queue.
            try await EscrowTests.catchUp(node, token: token, client: client)
            let shown = try await node.service.read { try $0.storeExceptions() }
            let note = try #require(shown.first { $0.exception.code == "abuse.frequency30" }, "\(shown)")
            #expect(note.exception.record == .customer("C1") && note.resolution?.note == "已致电顾客，说明退货规定")
            #expect(note.resolution?.resolvedBy == "HO-1")

            // Head office raises the bar: four returns in 30 days from now on.
            var thresholds = try await client.call(.get, "/api/v1/settings/abuse-thresholds", token: office).decode(
                AbuseThresholds.self)
            #expect(thresholds == .standard(currency: HubFixture.eur))
            thresholds.returnsIn30Days = 4
            expectStatus(
                try await client.call(
                    .put, "/api/v1/settings/abuse-thresholds", token: office, raw: try jsonText(thresholds)), .ok)
            let after = try await client.call(.get, "/api/v1/exceptions", token: office).decode(
                [ReplicationException].self)
            #expect(!after.contains { $0.code == "abuse.frequency30" }, "\(after)")
            thresholds.returnsIn30Days = 0
            expectProblem(
                try await client.call(
                    .put, "/api/v1/settings/abuse-thresholds", token: office, raw: try jsonText(thresholds)),
                .unprocessableContent, "abuse.invalidThresholds")
        }
    }
}
