import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import ReturnsDomain
import Testing

/// A sale or exchange that would take sellable stock below zero: warned of by default, refused or
/// allowed as the store sets it (`PUT /api/v1/store`, `negativeStock`).
@Suite("sales and exchanges below zero stock")
struct NegativeStockTests {
    struct Warned: Decodable {
        var stockWarnings: [StockShortfall]?
    }
    struct Rule: Decodable {
        var negativeStock: NegativeStockRule
    }

    @Test("warn (the default) records and names the product; refuse records nothing; allow is silent")
    func rules() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)  // 10 kettles
            let warned = try await client.send(.post, "sales", json: Seed.sale("S1-0001", quantity: 12))
            expectStatus(warned, .created)
            #expect(
                try warned.decode(Warned.self).stockWarnings == [StockShortfall(sku: "KETTLE", needed: 12, onHand: 10)])

            expectStatus(try await client.send(.put, "store", json: ["negativeStock": "refuse"]), .ok)
            #expect(try await client.get("store").decode(Rule.self).negativeStock == .refuse)
            expectProblem(
                try await client.send(.post, "sales", json: Seed.sale("S1-0002", quantity: 1)), .unprocessableContent,
                "stock.insufficient")
            #expect(try await client.get("sales/S1-0002").status == .notFound)

            expectStatus(try await client.send(.put, "store", json: ["negativeStock": "allow"]), .ok)
            let allowed = try await client.send(.post, "sales", json: Seed.sale("S1-0003", quantity: 1))
            expectStatus(allowed, .created)
            #expect(try allowed.decode(Warned.self).stockWarnings == nil)
        }
    }

    @Test("an exchange handing out goods the shelf does not hold is refused where the store refuses it")
    func exchange() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001", quantity: 1), client)
            let opened = try await Seed.open(Seed.returnOf("S1-0001", type: .exchange), client)
            let id = opened.id
            if opened.status == .requested { _ = try await Seed.step(id, "approve", Empty(), client) }
            _ = try await Seed.step(id, "receive", Empty(), client)
            _ = try await Seed.step(
                id, "inspect", InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), client)
            _ = try await Seed.step(
                id, "dispose",
                DisposeBody(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
                client)
            expectStatus(try await client.send(.put, "store", json: ["negativeStock": "refuse"]), .ok)
            let tooMany = ExchangeBody(items: [ExchangeItem(sku: "TOASTER", quantity: 11)], settlement: .card)
            expectProblem(
                try await client.send(.post, "returns/\(id)/exchange", json: tooMany), .unprocessableContent,
                "stock.insufficient")
            let fine = ExchangeBody(items: [ExchangeItem(sku: "TOASTER", quantity: 1)], settlement: .card)
            #expect(try await Seed.step(id, "exchange", fine, client).status == .exchanged)
        }
    }
}
