import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import ReturnsDomain
import Testing

/// `GET` and `PUT /api/v1/store`: the store's name, address and tax id for the slip's head.
@Suite("the store's profile")
struct StoreProfileRoutesTests {
    struct View: Decodable, Equatable {
        var store: String
        var name: String?
        var address: String?
        var taxID: String?
    }

    @Test("set in any script, trimmed, read back; a part left out is removed; a bad part is refused whole")
    func profile() async throws {
        try await NodeAPIFixture.run { node, client in
            let fresh = try await client.get("store").decode(View.self)
            #expect(fresh == View(store: node.service.identity.store.rawValue))

            let set = try await client.send(
                .put, "store", json: ["name": " 上海南京路店 ", "address": "南京东路 100 号\n黄浦区", "taxID": "91310000MA1K000000"])
            expectStatus(set, .ok)
            let kept = try set.decode(View.self)
            #expect(kept.name == "上海南京路店" && kept.address == "南京东路 100 号\n黄浦区")
            #expect(try await client.get("store").decode(View.self) == kept)

            // A name on two lines, or a tax id with a control character: refused, nothing changed.
            expectProblem(
                try await client.send(.put, "store", json: ["name": "A\nB"]), .unprocessableContent,
                "store.invalidProfile")
            expectProblem(
                try await client.send(.put, "store", json: ["name": "Shop", "taxID": "1\u{7}2"]),
                .unprocessableContent, "store.invalidProfile")
            expectProblem(
                try await client.send(.put, "store", json: ["name": String(repeating: "店", count: 201)]),
                .unprocessableContent, "store.invalidProfile")
            #expect(try await client.get("store").decode(View.self) == kept)

            let renamed = try await client.send(.put, "store", json: ["name": "Paris Rivoli", "address": ""])
            #expect(try renamed.decode(View.self) == View(store: kept.store, name: "Paris Rivoli"))
        }
    }
}
