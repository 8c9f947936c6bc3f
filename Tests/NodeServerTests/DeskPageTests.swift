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
            let chinese = try await page("/desk", [.acceptLanguage: "zh-CN,zh;q=0.9,en;q=0.8"])
            #expect(chinese.headers[.contentLanguage] == "zh-CN")
            #expect(String(buffer: chinese.body).contains("<html lang=\"zh-CN\">"))
            #expect(String(buffer: chinese.body).contains("查找销售单"))
            let english = try await page("/desk", [.acceptLanguage: "de"])
            #expect(english.headers[.contentLanguage] == "en")
            #expect(String(buffer: english.body).contains("Find the sale"))
            // The switch: ?lang= answers in that language and leaves a cookie that keeps it.
            let switched = try await page("/desk?lang=en", [.acceptLanguage: "zh-CN"])
            #expect(switched.headers[.contentLanguage] == "en")
            let cookie = switched.headers[.setCookie] ?? ""
            #expect(cookie.hasPrefix("returnsync_lang=en") && cookie.contains("SameSite=Strict"), "\(cookie)")
            let kept = try await page("/desk", [.acceptLanguage: "zh-CN", .cookie: "returnsync_lang=en"])
            #expect(kept.headers[.contentLanguage] == "en")
            let style = try await page("/desk.css", [:])
            #expect(style.status == .ok && style.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    /// What a person reads on the zh-CN page (text, placeholders, titles, the script's words) is
    /// Chinese; the Latin words left are the product's name and the other language's own name.
    @Test("the zh-CN page shows no English and the en page no raw code")
    func noEnglishInChinese() throws {
        let chinese = DeskPage.page(.zhCN)
        let allowed: Set<String> = ["ReturnSync", "English", "SKU", "JSON", "Idempotency-Key"]
        let english = Self.latinWords(Self.readable(chinese)).subtracting(allowed)
        #expect(english.isEmpty, "English on the zh-CN page: \(english.sorted())")
        let words = try Self.words(in: chinese)
        #expect(words.count > 200)
        for (key, text) in words {
            let latin = Self.latinWords(
                text.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: " ", options: .regularExpression)
            )
            .subtracting(allowed)
            #expect(latin.isEmpty, "\(key): \(text)")
        }
        // The English page: words, not the API's codes.
        let readable = Self.readable(DeskPage.page(.en))
        for code in ["changedMind", "unopened", "needsApproval", "storeCredit", "desk."] {
            #expect(!readable.contains(code), "\(code) on the en page")
        }
        #expect(try Self.words(in: DeskPage.page(.en))["reason.changedMind"] == "changed mind")
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

    /// The text a person reads: the page without its scripts' code and tags, with the texts of
    /// `placeholder` and `title` attributes.
    static func readable(_ html: String) -> String {
        var text = html.replacingOccurrences(
            of: #"<script[^>]*>.*?</script>"#, with: " ", options: [.regularExpression])
        let attributes = try! NSRegularExpression(pattern: #"(?:placeholder|title)="([^"]*)""#)
        let shown = attributes.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap {
            Range($0.range(at: 1), in: text).map { String(text[$0]) }
        }
        text = text.replacingOccurrences(of: #"<[^>]*>"#, with: " ", options: .regularExpression)
        return ([text] + shown).joined(separator: " ")
    }

    /// The words the page gives its script (`<script type="application/json" id="words">`).
    static func words(in html: String) throws -> [String: String] {
        let start = try #require(html.range(of: #"<script type="application/json" id="words">"#))
        let end = try #require(html.range(of: "</script>", range: start.upperBound..<html.endIndex))
        return try JSONDecoder().decode([String: String].self, from: Data(html[start.upperBound..<end.lowerBound].utf8))
    }

    static func latinWords(_ text: String) -> Set<String> {
        Set(
            text.split { !($0.isASCII && ($0.isLetter || $0 == "-")) }.map(String.init).filter {
                $0.filter(\.isLetter).count >= 2
            })
    }
}
