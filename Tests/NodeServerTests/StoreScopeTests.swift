import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import ReturnsDomain
import Testing

/// A node answers for its own store (issue 19: the desk's latest returns listed other stores', and
/// its stock showed other stores' figures wrongly).
@Suite("The node answers for its own store")
struct StoreScopeTests {
    @Test("stock is this store's by default and another store's is 422 stock.otherStore")
    func stock() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            let own = try await client.get("stock").decode([StockRow].self)
            #expect(!own.isEmpty && own.allSatisfy { $0.store == "S1" })
            #expect(try await client.get("stock?store=S1").decode([StockRow].self) == own)
            expectProblem(try await client.get("stock?store=S2"), .unprocessableContent, "stock.otherStore")
        }
    }

    @Test("returns are this store's by default; another store's on asking")
    func returns() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 2), client)
            let opened = try await Seed.open(Seed.returnOf("S1-0001"), client)
            #expect(try await client.get("returns").decode([ReturnView].self).map(\.id) == [opened.id])
            #expect(try await client.get("returns?store=S2").decode([ReturnView].self).isEmpty)
        }
    }
}

/// Refusals of a malformed body speak JSON's words, never Swift's (issue 20: "must be
/// Dictionary<String, Any>").
@Suite("Malformed bodies are described in JSON's words")
struct MalformedBodyWordsTests {
    @Test("an array for an object, an object for an array, an unknown reason, a fraction, a missing member")
    func words() async throws {
        try await NodeAPIFixture.run { _, client in
            let line = #""saleLine": 1, "reason": "changedMind", "condition": "unopened""#
            for (body, words) in [
                ("[]", "the body must be an object"),
                ("{oops", "the body is not JSON: invalid value around character 1"),
                (#"{"sale": "S1-0001", "lines": {}}"#, "lines: an array is needed"),
                (
                    #"{"sale": "S1-0001", "lines": [{"saleLine": 1, "quantity": 1, "reason": "nope", "condition": "unopened"}]}"#,
                    "lines[0].reason is not one of the values it may take (got nope)"
                ),
                (#"{"sale": 7, "lines": []}"#, "sale: a string is needed"),
                (
                    #"{"sale": "S1-0001", "lines": [{\#(line), "quantity": 1.5}]}"#,
                    "lines[0].quantity: a whole number is needed (got 1.5)"
                ),
                (
                    #"{"sale": "S1-0001", "lines": [{\#(line), "quantity": 1e30}]}"#,
                    "lines[0].quantity: the number is too large"
                ),
                (
                    #"{"sale": "S1-0001", "lines": [{\#(line), "quantity": "1"}]}"#,
                    "lines[0].quantity: a whole number is needed"
                ),
                (#"{"sale": "S1-0001", "lines": [{\#(line)}]}"#, "lines[0].quantity is missing"),
                (#"{"sale": "S1-0001"}"#, "lines is missing"),
                (#"{"sale": "S1-0001", "lines": [{\#(line), "quantity": null}]}"#, "lines[0].quantity is null"),
                (#"{"sale": "S1-0001", "customer": null, "lines": []}"#, "customer is null"),
            ] {
                let answer = try await client.send(.post, "returns", raw: body)
                expectProblem(answer, .badRequest, "input.malformedJSON")
                #expect(answer.text.contains(words), "\(answer.text)")
                for swift in ["Dictionary", "Array<", "Cannot initialize", "ReasonCode", "Swift.", "Int64", "Int", "`"]
                {
                    #expect(!answer.text.contains(swift), "\(answer.text)")
                }
            }
        }
    }
}
