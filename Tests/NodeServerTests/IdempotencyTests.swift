import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

/// `Idempotency-Key` on the node's writes (issue 19: a second click on "Record return" recorded a
/// second return).
@Suite("Idempotency keys on the node's writes")
struct IdempotencyTests {
    static func post(
        _ client: some TestClientProtocol, _ path: String, _ body: some Encodable, key: String?
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(NodeAPIFixture.key)"]
        headers[.init("X-Staff")!] = "alice"
        if let key { headers[.init("Idempotency-Key")!] = key }
        return try await client.execute(
            uri: "/api/v1/\(path)", method: .post, headers: headers,
            body: ByteBuffer(data: try JSONEncoder().encode(body)))
    }

    static func returnCount(_ node: NodeAPIFixture) async throws -> Int {
        try await node.service.read { try $0.returns(limit: 1_000).count }
    }

    @Test("the same key twice records one return and answers the same, marked replayed")
    func replay() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 3), client)
            let first = try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "desk-1-a")
            expectStatus(first, .created)
            let again = try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "desk-1-a")
            expectStatus(again, .created)
            #expect(again.text == first.text)
            #expect(again.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try await Self.returnCount(node) == 1)
            // Another key is another return; no key works as before.
            expectStatus(try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "desk-1-b"), .created)
            expectStatus(try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: nil), .created)
            #expect(try await Self.returnCount(node) == 3)
        }
    }

    @Test("a double click: two requests with one key at once record one return")
    func concurrent() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 3), client)
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "click") }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .created })
            #expect(Set(answers.map(\.text)).count == 1)
            #expect(try await Self.returnCount(node) == 1)
        }
    }

    @Test("the key with another request is 409; a bad key is 400; a refused request keeps no key")
    func refused() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 3), client)
            expectStatus(try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "k-1"), .created)
            expectProblem(
                try await Self.post(client, "returns", Seed.returnOf("S1-0001", quantity: 2), key: "k-1"),
                .conflict, "idempotency.conflict")
            for bad in ["", "has space", String(repeating: "x", count: 201), "王丽"] {
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[.authorization] = "Bearer \(NodeAPIFixture.key)"
                headers[.init("Idempotency-Key")!] = bad
                let answer = try await client.execute(
                    uri: "/api/v1/returns", method: .post, headers: headers,
                    body: ByteBuffer(data: try JSONEncoder().encode(Seed.returnOf("S1-0001"))))
                expectProblem(answer, .badRequest, "input.invalidIdempotencyKey")
            }
            // Over-return: refused, nothing kept, so the same key with a request that fits works.
            expectProblem(
                try await Self.post(client, "returns", Seed.returnOf("S1-0001", quantity: 9), key: "k-2"),
                .unprocessableContent, "return.overReturn")
            #expect(try await node.service.idempotency("k-2") == nil)
            #expect(try await Self.returnCount(node) == 1)
        }
    }

    @Test("work that committed without its answer kept is 409 idempotency.answerLost, not done again")
    func answerLost() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 3), client)
            expectStatus(try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "lost"), .created)
            // As if the node had stopped between the commit and keeping the answer.
            try await node.service.database.writer.write { db in
                try db.execute(sql: "UPDATE idempotency SET status = NULL, body = NULL WHERE key = 'lost'")
            }
            expectProblem(
                try await Self.post(client, "returns", Seed.returnOf("S1-0001"), key: "lost"), .conflict,
                "idempotency.answerLost")
            #expect(try await Self.returnCount(node) == 1)
        }
    }
}
