import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

/// The node's API is not open to other web pages (cross-site request forgery, DNS rebinding):
/// `BrowserGuard` in front of every route.
@Suite("Other web pages cannot use the node's API")
struct BrowserGuardTests {
    static func post(
        _ client: some TestClientProtocol, contentType: String?, origin: String?, body: String
    ) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let contentType { headers[.contentType] = contentType }
        if let origin { headers[.origin] = origin }
        headers[.authorization] = "Bearer \(NodeAPIFixture.key)"
        return try await client.execute(
            uri: "/api/v1/customers", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static let customer = #"{"id":"C9","name":"王丽"}"#

    @Test(
        "a form post, a text/plain post and a page of another origin are refused; nothing is written",
        arguments: [
            ("text/plain", nil, 415, "input.unsupportedMediaType"),
            ("application/x-www-form-urlencoded", nil, 415, "input.unsupportedMediaType"),
            ("multipart/form-data; boundary=x", nil, 415, "input.unsupportedMediaType"),
            ("application/json", "http://evil.example", 403, "input.crossOrigin"),
            ("text/plain", "http://evil.example", 403, "input.crossOrigin"),
            ("application/json", "null", 403, "input.crossOrigin"),
        ] as [(String?, String?, Int, String)])
    func refused(contentType: String?, origin: String?, status: Int, code: String) async throws {
        try await NodeAPIFixture.run { node, client in
            try await node.expectNothingWritten {
                let answer = try await Self.post(client, contentType: contentType, origin: origin, body: Self.customer)
                #expect(Int(answer.status.code) == status, "\(answer.text)")
                #expect(answer.text.contains(code), "\(answer.text)")
            }
        }
    }

    @Test("JSON from a till (no Origin) or from the node's own page is taken")
    func allowed() async throws {
        try await NodeAPIFixture.run { _, client in
            let till = try await Self.post(client, contentType: "application/json", origin: nil, body: Self.customer)
            #expect(till.status == .created, "\(till.text)")
            let desk = try await Self.post(
                client, contentType: "application/json; charset=utf-8", origin: "http://localhost",
                body: #"{"id":"C10","name":"Li"}"#)
            #expect(desk.status == .created, "\(desk.text)")
        }
    }

    @Test("a Host the node does not answer to is refused (DNS rebinding); its own names are not")
    func hosts() async throws {
        let node = try await NodeAPIFixture()
        defer { try? FileManager.default.removeItem(at: node.directory) }
        // The router test client sends `Host: localhost`.
        let other = Application(
            router: buildNodeRouter(service: node.service, allowedHosts: ["desk.store-12.lan:8080"]))
        try await other.test(.router) { client in
            let answer = try await client.execute(uri: "/api/v1/healthz", method: .get)
            #expect(answer.status == .forbidden && String(buffer: answer.body).contains("input.unknownHost"))
        }
        let own = Application(
            router: buildNodeRouter(
                service: node.service,
                allowedHosts: BrowserGuard<BasicRequestContext>.hosts(
                    listeningOn: "127.0.0.1", port: 8080, extra: ["localhost"])))
        try await own.test(.router) { client in
            let answer = try await client.execute(uri: "/api/v1/healthz", method: .get)
            #expect(answer.status == .ok)
        }
        #expect(
            BrowserGuard<BasicRequestContext>.hosts(
                listeningOn: "0.0.0.0", port: 8080, extra: ["desk.lan", "desk.lan:443"])
                == ["127.0.0.1:8080", "localhost:8080", "[::1]:8080", "0.0.0.0:8080", "desk.lan:8080", "desk.lan:443"])
    }
}
