import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import OpenAPITesting
import Testing

/// The page behind `GET /desk` (NodeServer/Routes/DeskPage.swift). Walked through in a real
/// browser against a real node process: Tests/EndToEndTests/DeskBrowserTests.swift.
@Suite("the return desk page")
struct DeskPageTests {
    @Test("the page and its script are served under a policy that keeps them to this node")
    func served() async throws {
        try await NodeAPIFixture.run { _, client in
            let page = try await client.send(.get, "/desk", staff: nil)
            let script = try await client.send(.get, "/desk.js", staff: nil)
            let problems = WebPageCheck.problems(page: page, script: script, scriptPath: "/desk.js")
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("every API path the script calls is documented for the node")
    func scriptCallsTheDocumentedAPI() async throws {
        try await NodeAPIFixture.run { _, client in
            let script = String(buffer: try await client.send(.get, "/desk.js", staff: nil).body)
            let paths = try WebPageCheck.apiPaths(in: script)
            #expect(paths.count >= 5, "\(paths.sorted())")
            let documented = try OpenAPISpec.load().operations(on: "http://127.0.0.1:{port}").map(\.path)
            for path in paths.sorted() {
                // The query goes; "/api/v1/sales/" + id is the start of a templated path.
                let bare = path.split(separator: "?").first.map(String.init) ?? path
                #expect(
                    documented.contains { $0 == bare || $0.hasPrefix(bare) }, "\(path) is not documented for the node")
            }
        }
    }
}
