import Foundation
import Hummingbird
import HummingbirdTesting
import Localization
import OpenAPITesting
import Testing

@testable import NodeServer

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

    @Test("the page comes in the language asked for: ?lang=, then the switch's cookie, then Accept-Language")
    func languageOfThePage() async throws {
        try await NodeAPIFixture.run { _, client in
            func page(_ path: String, _ headers: HTTPFields) async throws -> TestResponse {
                try await client.execute(uri: path, method: .get, headers: headers)
            }
            let problems = try await WebPageCheck.languageProblems(
                path: "/desk", chinese: "查找销售单", english: "Find the sale", style: "/desk.css", get: page)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    /// What a person reads on the zh-CN page (text, placeholders, titles, the script's words) is
    /// Chinese; the Latin words left are the product's name and the other language's own name.
    @Test("the zh-CN page shows no English and the en page no raw code")
    func noEnglishInChinese() throws {
        let chinese = DeskPage.page(.zhCN)
        // "UTF-8" (read as "UTF-") names the CSV format a spreadsheet saves, as its menu says.
        let allowed: Set<String> = ["ReturnSync", "English", "SKU", "JSON", "Idempotency-Key", "CSV", "UTF-"]
        let english = WebPageCheck.english(onChinesePage: chinese, allowed: allowed)
        #expect(english.isEmpty, "English on the zh-CN page: \(english)")
        #expect(try #require(WebPageCheck.words(in: chinese)).count > 200)
        // The English page: words, not the API's codes.
        let readable = WebPageCheck.readable(DeskPage.page(.en))
        for code in ["changedMind", "unopened", "needsApproval", "storeCredit", "desk."] {
            #expect(!readable.contains(code), "\(code) on the en page")
        }
        #expect(WebPageCheck.words(in: DeskPage.page(.en))?["reason.changedMind"] == "changed mind")
    }

    @Test("problems are worded in the language the request prefers; the code stays the same")
    func problemsInChinese() async throws {
        try await NodeAPIFixture.run { _, client in
            var headers: HTTPFields = [.authorization: "Bearer \(NodeAPIFixture.key)", .acceptLanguage: "zh-CN"]
            let chinese = try await client.execute(uri: "/api/v1/returns/RT-NONE-1", method: .get, headers: headers)
            let problem = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: chinese.body))
            #expect(chinese.status == .notFound && problem.code == "return.notFound")
            #expect(problem.title == "没有该退货单。" && chinese.headers[.contentLanguage] == "zh-CN", "\(problem)")
            headers[.acceptLanguage] = nil
            let english = try await client.execute(uri: "/api/v1/returns/RT-NONE-1", method: .get, headers: headers)
            let plain = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: english.body))
            #expect(plain.code == "return.notFound" && plain.title == "No such return.", "\(plain)")
        }
    }
}
