import Foundation
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import Localization
import NodeStore
import OpenAPITesting
import Replication
import ReturnsDomain
import Testing

@testable import HubServer

/// The page, script and style behind `GET /dashboard` (HubServer/Dashboard.swift and its
/// Resources/dashboard.*). The page in a real
/// browser against a real hub process: Tests/EndToEndTests/DashboardBrowserTests.swift.
@Suite("head office's dashboard")
struct DashboardTests {
    @Test("the page and its script are served without a token, under a policy that keeps them to this hub")
    func served() async throws {
        try await HubFixture.run(.sqlite) { _, client in
            let page = try await client.call(.get, "/dashboard", token: nil)
            let script = try await client.call(.get, "/dashboard.js", token: nil)
            let problems = WebPageCheck.problems(page: page, script: script, scriptPath: "/dashboard.js")
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    @Test("the page comes in the language asked for: ?lang=, then the switch's cookie, then Accept-Language")
    func languageOfThePage() async throws {
        try await HubFixture.run(.sqlite) { _, client in
            func page(_ path: String, _ headers: HTTPFields) async throws -> TestResponse {
                try await client.execute(uri: path, method: .get, headers: headers)
            }
            let problems = try await WebPageCheck.languageProblems(
                path: "/dashboard", chinese: "待复核异常", english: "Exceptions to review", style: "/dashboard.css",
                get: page)
            #expect(problems.isEmpty, "\(problems)")
        }
    }

    /// What an analyst reads on the zh-CN page (text, placeholders, titles, the script's words) is
    /// Chinese. The Latin words left, each unavoidable: ReturnSync (the product's name), English
    /// (the other language's own name in the switch), SKU (the retail term Chinese retail uses
    /// as is), CSV (the journal download's file format), JSON (in words of problems the API gives
    /// about a request's body) and Idempotency-Key (a header's name, in the same). Commands and
    /// codes quoted as such stand in `<code>` and are not read as words.
    @Test("the zh-CN page shows no English and the en page no raw code")
    func noEnglishInChinese() throws {
        let chinese = Dashboard.page(.zhCN)
        // "UTF-8" (read as "UTF-") names the CSV format a spreadsheet saves, as its menu says.
        let allowed: Set<String> = ["ReturnSync", "English", "SKU", "CSV", "JSON", "Idempotency-Key", "UTF-"]
        let english = WebPageCheck.english(onChinesePage: chinese, allowed: allowed)
        #expect(english.isEmpty, "English on the zh-CN page: \(english)")
        let words = try #require(WebPageCheck.words(in: chinese))
        // Every code the dashboard shows has its words: statuses, reasons, locations, tenders,
        // the hub's roles, the kinds of record, exceptions, incidents and abuse signals.
        for key in [
            "status.requested", "reason.changedMind", "location.pendingInspection", "tender.storeCredit",
            "dashboard.role.onlineChannel", "dashboard.record.sale", "code.return.overReturn",
            "code.sync.dotConflict", "code.feed.refused", "code.abuse.frequency30",
        ] {
            #expect(words[key].map { !$0.isEmpty && $0 != key } == true, "\(key) has no words")
        }
        // The English page: words, not the API's codes nor the catalog's keys.
        let page = Dashboard.page(.en)
        let readable = WebPageCheck.readable(page)
        for code in ["changedMind", "storeNode", "overReturn", "abuse.", "dashboard.", "{{"] {
            #expect(!readable.contains(code), "\(code) on the en page")
        }
        #expect(readable.contains("Exceptions to review"))
        #expect(WebPageCheck.words(in: page)?["reason.changedMind"] == "changed mind")
        #expect(page.contains("<option value=\"requested\">requested</option>"), "the filter sends the code")
    }

    /// Every `t("…")` and `word("…", …)` group the script reads is in the words the page gives it.
    @Test("the words the script asks for are on the page, in both languages")
    func scriptWordsAreOnThePage() throws {
        let script = Dashboard.script
        let keys = try NSRegularExpression(pattern: #"\bt\("([a-zA-Z.]+)""#)
        let groups = try NSRegularExpression(pattern: #"\bword\("([a-zA-Z.]+)""#)
        func matches(_ pattern: NSRegularExpression) -> Set<String> {
            Set(
                pattern.matches(in: script, range: NSRange(script.startIndex..., in: script)).compactMap {
                    Range($0.range(at: 1), in: script).map { String(script[$0]) }
                })
        }
        #expect(matches(keys).count > 10 && matches(groups).count >= 7)
        for language in Language.allCases {
            let words = try #require(WebPageCheck.words(in: Dashboard.page(language)))
            // `t("dashboard.column." + key)` names a group of texts.
            for key in matches(keys) where !key.hasSuffix(".") { #expect(words[key] != nil, "\(language): \(key)") }
            for group in matches(groups) + matches(keys).filter({ $0.hasSuffix(".") }).map({ String($0.dropLast()) }) {
                #expect(words.keys.contains { $0.hasPrefix(group + ".") }, "\(language): \(group).*")
            }
        }
    }

    @Test("every API path the script calls is documented for the hub and answers a head-office token")
    func scriptCallsTheDocumentedAPI() async throws {
        try await HubFixture.run(.sqlite) { hub, client in
            let script = String(buffer: try await client.call(.get, "/dashboard.js", token: nil).body)
            let paths = try WebPageCheck.apiPaths(in: script)
            #expect(paths.count >= 10, "\(paths.sorted())")
            let documented = Set(try OpenAPISpec.load().operations(on: HubOpenAPITests.hubURL).map(\.route))
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            // The script's changes; a path ending in `/` is completed by an id.
            let changes = [
                "/api/v1/exceptions/resolve": "POST", "/api/v1/sign-in": "POST", "/api/v1/sign-out": "POST",
                "/api/v1/catalog/import": "POST", "/api/v1/stores/": "PUT", "/api/v1/policies/preview": "POST",
                "/api/v1/policies/": "PUT",
            ]
            // Paths the script completes with more than an id.
            let completed = ["/api/v1/policies/": "/api/v1/policies/{scope}/versions/{version}"]
            for path in paths.sorted() {
                let method = changes[path] ?? "GET"
                let route = completed[path] ?? (path.hasSuffix("/") ? path + "{id}" : path)
                #expect(documented.contains("\(method) \(route)"), "\(method) \(route) is not documented for the hub")
                if method == "GET" {
                    let answer = try await client.call(.get, path, token: office)
                    #expect(answer.status == .ok, "\(path): \(answer.status)")
                }
            }
        }
    }

    @Test("an exception carries the id that resolving it takes", arguments: HubBackend.all)
    func exceptionIdResolves(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            // The holder and an offline store both take back the one unit sold: an over-return.
            let a = try StoreNode("S01-a", store: "S01")
            let b = try StoreNode("S02-a", store: "S02")
            let tokenA = try await hub.enroll(a.id, store: a.store)
            let tokenB = try await hub.enroll(b.id, store: b.store)
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            try await a.setUp()
            try await a.sell("R-S01-1", quantity: 1)
            try await EscrowTests.pushAll(a, token: tokenA, client: client)
            try await EscrowTests.catchUp(b, token: tokenB, client: client)
            let line = [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)]
            _ = try await a.service.createReturn(CreateReturnCommand(sale: "R-S01-1", lines: line), staff: "desk")
            _ = try await b.service.createReturn(CreateReturnCommand(sale: "R-S01-1", lines: line), staff: "desk")
            try await EscrowTests.pushAll(a, token: tokenA, client: client)
            try await EscrowTests.pushAll(b, token: tokenB, client: client)

            let listed = try JSONDecoder().decode(
                [[String: JSONValue]].self,
                from: Data(buffer: try await client.call(.get, "/api/v1/exceptions", token: office).body))
            let expected = try #require(
                try await hub.store.state().exceptions().first { $0.code == "return.overReturn" })
            let ids = listed.compactMap { if case .string(let id) = $0["id"] { id } else { nil } }
            #expect(ids.contains(expected.id), "\(listed)")
            let resolved = try await client.call(
                .post, "/api/v1/exceptions/resolve", token: office,
                raw: try jsonText(["id": expected.id, "note": "customer refunded once, second refund recovered"]))
            #expect(resolved.status == .ok, "\(String(buffer: resolved.body))")
            #expect(try await hub.store.state().exceptionNotes().map(\.exception) == [expected.id])
        }
    }
}
