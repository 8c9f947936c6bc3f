import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

/// The node's API answers only callers holding one of its keys (issue 18: it trusted anyone who
/// could reach it).
@Suite("The node's API needs one of its keys")
struct NodeKeyTests {
    static func call(_ client: some TestClientProtocol, _ path: String, authorization: String?) async throws
        -> TestResponse
    {
        var headers: HTTPFields = [:]
        if let authorization { headers[.authorization] = authorization }
        return try await client.execute(uri: path, method: .get, headers: headers)
    }

    @Test("no key, a wrong key or a malformed header is 401; reads and writes alike write nothing")
    func refused() async throws {
        try await NodeAPIFixture.run { node, client in
            for (authorization, code) in [
                (nil, "auth.missing"), ("Basic dGVzdHM6a2V5", "auth.missing"),
                ("Bearer not-a-key", "auth.unknown"), ("Bearer \(NodeAPIFixture.key)x", "auth.unknown"),
            ] as [(String?, String)] {
                for path in ["/api/v1/stock", "/api/v1/returns", "/api/v1/sales/S1-0001", "/api/v1/exceptions"] {
                    expectProblem(try await Self.call(client, path, authorization: authorization), .unauthorized, code)
                }
            }
            try await node.expectNothingWritten {
                var headers: HTTPFields = [.contentType: "application/json"]
                headers[.init("X-Staff")!] = "alice"
                let answer = try await client.execute(
                    uri: "/api/v1/customers", method: .post, headers: headers,
                    body: ByteBuffer(string: #"{"id":"C9","name":"王丽"}"#))
                expectProblem(answer, .unauthorized, "auth.missing")
            }
        }
    }

    @Test("the probes and the desk page need no key; the API answers the key it has")
    func open() async throws {
        try await NodeAPIFixture.run { _, client in
            for path in ["/healthz", "/api/v1/healthz", "/metrics", "/api/v1/metrics", "/desk", "/desk.js"] {
                expectStatus(try await Self.call(client, path, authorization: nil), .ok)
            }
            expectStatus(
                try await Self.call(client, "/api/v1/stock", authorization: "Bearer \(NodeAPIFixture.key)"), .ok)
        }
    }

    @Test("a revoked key stops at once; a new key under the same name works, the old one does not")
    func revoked() async throws {
        try await NodeAPIFixture.run { node, client in
            let till = TokenHash.newToken()
            try await node.service.addAPIToken(name: "till-1", secretHash: TokenHash.of(till))
            expectStatus(try await Self.call(client, "/api/v1/stock", authorization: "Bearer \(till)"), .ok)
            await #expect(throws: DomainError.self) {
                try await node.service.addAPIToken(name: "till-1", secretHash: TokenHash.of(TokenHash.newToken()))
            }
            #expect(try await node.service.revokeAPIToken(name: "till-1"))
            #expect(try await !node.service.revokeAPIToken(name: "till-1"))
            expectProblem(
                try await Self.call(client, "/api/v1/stock", authorization: "Bearer \(till)"), .unauthorized,
                "auth.unknown")
            let again = TokenHash.newToken()
            try await node.service.addAPIToken(name: "till-1", secretHash: TokenHash.of(again))
            expectStatus(try await Self.call(client, "/api/v1/stock", authorization: "Bearer \(again)"), .ok)
            expectProblem(
                try await Self.call(client, "/api/v1/stock", authorization: "Bearer \(till)"), .unauthorized,
                "auth.unknown")
            let keys = try await node.service.apiTokens()
            #expect(keys.map(\.name) == ["tests", "till-1"] && keys.allSatisfy { $0.revokedAt == nil })
            await #expect(throws: DomainError.self) {
                try await node.service.addAPIToken(name: "till\u{0}2", secretHash: TokenHash.of(till))
            }
        }
    }
}

/// Staff names in any script reach the record (issue 19: 王丽 broke every desk request, since a
/// browser sends only ISO-8859-1 in a header).
@Suite("X-Staff carries names in any script")
struct StaffHeaderTests {
    @Test("a percent-encoded UTF-8 name is recorded as typed; a plain one and a stray % stay as they are")
    func percentEncoded() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            _ = try await Seed.record(Seed.sale("S1-0001", quantity: 3), client)
            for (header, staff) in [("%E7%8E%8B%E4%B8%BD", "王丽"), ("bob", "bob"), ("50%", "50%")] {
                let answer = try await client.send(.post, "returns", json: Seed.returnOf("S1-0001"), staff: header)
                expectStatus(answer, .created)
                #expect(try answer.decode(ReturnView.self).steps.first?.staff == StaffID(staff))
            }
        }
    }
}
