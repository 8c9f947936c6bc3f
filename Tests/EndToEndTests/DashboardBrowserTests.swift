import ChildProcesses
import Foundation
import Testing

/// Head office's dashboard (`GET /dashboard`) in a real browser: headless Chromium loads the page
/// from a real hub process, runs its script, which reads the API with a head-office token, and
/// prints the DOM it built. CI installs Chromium (`.ci/run`); on a machine without it this test
/// fails and says what to install.
@Suite("the head-office dashboard in a real browser", .serialized)
struct DashboardBrowserTests {
    /// The page's DOM after its script ran (and its requests finished), and that DOM's text.
    static func render(_ url: String, profile: TemporaryFolder) async throws -> (dom: String, text: String) {
        let result = try await run(
            try Browser.url(),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.url.path)", "--virtual-time-budget=10000", "--dump-dom", url,
            ])
        #expect(result.status == 0, "\(result)")
        var text = result.stdout
        for pattern in ["<script[^>]*>.*?</script>", "<style[^>]*>.*?</style>", "<[^>]+>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression])
        }
        text = text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(
            of: "\\s+", with: " ", options: .regularExpression)
        return (result.stdout, text)
    }

    @Test(
        "the page reads sync health, the over-return, returns and stock through the API with a head-office token")
    func dashboardShowsTheCompany() async throws {
        _ = try Browser.url()
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 20)
        try await f.recordSale(a, id: "S-A-1", quantity: 1)
        try await f.syncUntilQuiet([a, b])
        // B, cut off, takes back the unit A takes back too: an over-return for head office.
        try await f.cutOff(b)
        try await f.createReturn(a, sale: "S-A-1")
        try await f.sync(a)
        try await f.createReturn(b, sale: "S-A-1")
        try await f.reconnect(b)
        try await f.syncUntilQuiet([a, b])
        let office = try await f.enroll(node: "HQ-1", store: nil, role: "headOffice")
        // An online shop that works through the hub's API and never pulls: not "behind" on anything.
        _ = try await f.enroll(node: "WEB-1", store: "WEB", role: "onlineChannel")

        let profile = try TemporaryFolder("e2e-browser")
        defer { profile.remove() }
        let page = try await Self.render("\(f.baseURL)/dashboard?lang=en#token=\(office)", profile: profile)
        #expect(page.dom.contains("data-loaded="), "the script finished a refresh: \(page.text)")
        for shown in [
            "A1", "B1", "return.overReturn", "More than the sale has left to return.", "sale S-A-1", "Resolve",
            "RT-S-A-000001", "RT-S-B-000001", "MUG-1", "changed mind", "approved", "sellable", "store",
        ] {
            #expect(page.text.contains(shown), "the dashboard does not show \(shown): \(page.text)")
        }
        // Words, not the API's codes (the exception's code is quoted as such, next to its words).
        for code in ["changedMind", "storeNode", "onlineChannel", "sale:S-A-1", "dashboard.", "status."] {
            #expect(!page.text.contains(code), "\(code) shown raw: \(page.text)")
        }
        #expect(!page.text.contains("auth."), "no problem shown: \(page.text)")
        #expect(page.text.contains("WEB-1") && page.text.contains("does not pull"), "\(page.text)")
        // The trends are drawn: one bar chart of the return rate and one of the cost, by month.
        #expect(page.dom.components(separatedBy: "class=\"bars\"").count - 1 == 2, "\(page.dom)")

        // The same in Chinese: every word in it, the codes and ids as they are.
        let chinese = try await Self.render("\(f.baseURL)/dashboard?lang=zh-CN#token=\(office)", profile: profile)
        #expect(chinese.dom.contains("data-loaded=") && chinese.dom.contains("<html lang=\"zh-CN\">"))
        for shown in [
            "同步状态", "待复核异常", "退货数量超过该销售单剩余可退数量。", "return.overReturn", "销售单 S-A-1", "处理…", "不想要了",
            "已批准", "可售", "门店", "线上渠道", "—（不拉取）", "RT-S-A-000001", "MUG-1", "数据截至",
        ] {
            #expect(chinese.text.contains(shown), "the zh-CN dashboard does not show \(shown): \(chinese.text)")
        }
        // What is left in Latin letters once codes and ids (<code>) and what people typed (class
        // "data": product names, notes) are set aside: the allowed words of DashboardTests.
        var words = chinese.dom
        for pattern in [
            "<script[^>]*>.*?</script>", "<style[^>]*>.*?</style>", "<code>.*?</code>",
            "<td class=\"[^\"]*data[^\"]*\">.*?</td>",
            "<[^>]+>",
        ] {
            words = words.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression])
        }
        let latin = Set(
            words.split { !($0.isASCII && ($0.isLetter || $0 == "-")) }.map(String.init).filter {
                $0.filter(\.isLetter).count >= 2
            }
        ).subtracting(["ReturnSync", "English", "SKU", "CSV", "UTF-"])
        #expect(latin.isEmpty, "English on the zh-CN dashboard: \(latin.sorted())")

        // RETURNSYNC_SCREENSHOTS=docs/images saves both as docs/operations.md shows them.
        if let folder = ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"] {
            for language in ["en", "zh-CN"] {
                try await Self.screenshot(
                    "\(f.baseURL)/dashboard?lang=\(language)#token=\(office)", profile: profile,
                    to: "\(folder)/dashboard-\(language).png")
            }
        }

        // People sign in with a password: finance (in Chinese) gets the books but not the
        // exceptions' resolve buttons, loss prevention (in English) the other way round.
        for (id, name, role, language) in [
            ("hq.chen", "陈静", "finance", "zh-CN"), ("hq.lee", "Lee", "lossPrevention", "en"),
        ] {
            let password = try f.folder.write("\(id).password", "correct horse battery 电池\n")
            try await HubFixture.expectSuccess([
                "hub", "user", "set", "--data", f.hubData, "--id", id, "--name", name, "--role", role, "--language",
                language, "--password-file", password,
            ])
        }
        let finance = try await Self.signIn(
            f, "hq.chen", "correct horse battery 电池",
            screenshot: ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"].map {
                "\($0)/dashboard-signed-in-zh-CN.png"
            })
        #expect(finance["lang"] as? String == "zh-CN" && finance["me"] as? String == "陈静（财务）", "\(finance)")
        // The wrong password was refused on the English page, before her language took over.
        #expect(
            (finance["refused"] as? String)?.contains("No head-office user has that ID and password.") == true,
            "\(finance)")
        #expect(finance["journal"] as? Bool == true && finance["resolveButtons"] as? Int == 0, "\(finance)")
        #expect(finance["cookieVisible"] as? Bool == false, "the session cookie is HttpOnly: \(finance)")
        // A merchandiser defines a store and imports the catalog on the page, in Chinese.
        let catalog = try f.folder.write(
            "商品目录.csv",
            "\u{FEFF}商品编码,名称,类别,售价,成本,税率\nTEA-1,龙井茶,食品,88.00,40.00,13\nCUP-2,茶杯,家居,19.90,8.00,13\n")
        let merchandiserPassword = try f.folder.write("hq.zhou.password", "correct horse battery 电池\n")
        try await HubFixture.expectSuccess([
            "hub", "user", "set", "--data", f.hubData, "--id", "hq.zhou", "--name", "周敏", "--role", "merchandiser",
            "--language", "zh-CN", "--password-file", merchandiserPassword,
        ])
        try await f.recordSale(a, id: "S-A-9", quantity: 1)
        try await f.syncUntilQuiet([a])
        let merchandiser = try await Self.signIn(
            f, "hq.zhou", "correct horse battery 电池",
            environment: [
                "DASHBOARD_STORE": "SH-01|上海南京路店|上海市黄浦区南京东路 100 号|91310000MA1FL00000",
                "DASHBOARD_CATALOG": catalog,
                "DASHBOARD_POLICY":
                    "category|kitchen|\(ISO8601DateFormatter().string(from: Date()).prefix(10))|15|10|厨房用品延长无理由退货",
                "DASHBOARD_PREVIEW": "S-A|S-A-9",
            ].merging(
                ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"].map {
                    ["DASHBOARD_POLICY_SCREENSHOT": "\($0)/dashboard-policy-zh-CN.png"]
                } ?? [:]
            ) { $1 },
            screenshot: ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"].map {
                "\($0)/dashboard-master-data-zh-CN.png"
            })
        #expect((merchandiser["stores"] as? String)?.contains("上海南京路店") == true, "\(merchandiser)")
        #expect((merchandiser["catalogChecked"] as? String)?.contains("可导入 2 个商品") == true, "\(merchandiser)")
        #expect((merchandiser["catalogImported"] as? String)?.contains("已导入 2 个商品") == true, "\(merchandiser)")
        // …publishes a category's rule, and asks what a return would get under it.
        let policies = merchandiser["policies"] as? String ?? ""
        #expect(policies.contains("品类") && policies.contains("15 天内无理由退货") && policies.contains("生效中"), "\(policies)")
        let preview = merchandiser["preview"] as? String ?? ""
        #expect(preview.contains("可以退货") && preview.contains("判定依据") && preview.contains("第 1 版"), "\(preview)")

        // Store A, cut off from the hub after it pulled the rule, applies it to a new return and
        // names the version.
        try await f.syncUntilQuiet([a])
        try await f.cutOff(a)
        try await f.recordSale(a, id: "S-A-2", quantity: 1)
        let offline = try await f.tryReturn(a, sale: "S-A-2")
        #expect(offline.status == 0 && offline.stdout.contains("category:kitchen@1"), "\(offline)")
        try await f.reconnect(a)

        // A customer brings back three mugs in three returns: an abuse signal for head office.
        try await HubFixture.expectSuccess([
            "customer", "add", "--data", a.data, "--staff", "desk", "--id", "C-17", "--name", "张伟", "--phone",
            "13800000017",
        ])
        let customerSale = try f.folder.write(
            "sale-C-17.json",
            """
            {"id": "S-A-17", "customer": "C-17", "lines": [{"sku": "MUG-1", "quantity": 3}],
             "tenders": [{"tender": "cash", "amount": "30.00"}]}
            """)
        try await HubFixture.expectSuccess([
            "sale", "record", "--data", a.data, "--staff", "till", "--file", customerSale,
        ])
        for _ in 0..<3 { try await f.createReturn(a, sale: "S-A-17") }
        try await f.syncUntilQuiet([a])

        // Loss prevention opens a return's timeline and resolves the abuse signal in the page's dialog.
        let lossPrevention = try await Self.signIn(
            f, "hq.lee", "correct horse battery 电池",
            environment: [
                "DASHBOARD_TIMELINE": "1", "DASHBOARD_RESOLVE": "called the customer; returns explained",
                "DASHBOARD_RESOLVE_CODE": "abuse.frequency30",
            ])
        #expect(lossPrevention["me"] as? String == "Lee (loss prevention)", "\(lossPrevention)")
        #expect(
            lossPrevention["journal"] as? Bool == false && (lossPrevention["resolveButtons"] as? Int ?? 0) > 0,
            "\(lossPrevention)")
        let timeline = lossPrevention["timeline"] as? String ?? ""
        #expect(
            timeline.contains("what happened") && timeline.contains("requested") && timeline.contains("approved"),
            "\(timeline)")
        #expect(
            (lossPrevention["resolveAsks"] as? String)?.contains("Many returns by this customer in the last 30 days")
                == true, "\(lossPrevention)")
        #expect(
            (lossPrevention["exceptions"] as? String)?.contains("called the customer; returns explained") == true,
            "\(lossPrevention)")
        // The store receives head office's note and shows it in its own queue.
        try await f.syncUntilQuiet([a])
        let atStore = try await returnsync(["exceptions", "--data", a.data, "--json"])
        #expect(
            atStore.status == 0 && atStore.stdout.contains("called the customer; returns explained")
                && atStore.stdout.contains("abuse.frequency30"), "\(atStore)")

        // A token the hub does not know: the page shows the hub's problem and asks to sign in.
        let stranger = try TemporaryFolder("e2e-browser")
        defer { stranger.remove() }
        let refused = try await Self.render("\(f.baseURL)/dashboard?lang=en#token=not-a-token", profile: stranger)
        #expect(refused.text.contains("auth.unknown"), "\(refused.text)")
        #expect(!refused.text.contains("RT-S-A-000001"))
        // In Chinese, the hub words the problem in Chinese (the page asks it to); the code stays.
        let refusedInChinese = try await Self.render(
            "\(f.baseURL)/dashboard?lang=zh-CN#token=not-a-token", profile: stranger)
        #expect(refusedInChinese.text.contains("无法识别该凭证。"), "\(refusedInChinese.text)")
        #expect(refusedInChinese.text.contains("auth.unknown"), "\(refusedInChinese.text)")
    }

    /// `scripts/browser-dashboard-sign-in.py` as `user`: what the page showed once signed in (and
    /// after signing out), recorded as failed when the walk failed.
    static func signIn(
        _ f: HubFixture, _ user: String, _ password: String, environment: [String: String] = [:],
        screenshot: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> [String: Any] {
        let result = try await runChild(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Browser.script("browser-dashboard-sign-in.py").path, try Browser.url().path, f.baseURL, user,
                password, "en",
            ] + (screenshot.map { [$0] } ?? []),
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, within: 60)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    /// A PNG of the page at `url` once its script ran, a desktop window wide.
    static func screenshot(_ url: String, profile: TemporaryFolder, to path: String) async throws {
        let result = try await run(
            try Browser.url(),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--hide-scrollbars", "--user-data-dir=\(profile.url.path)", "--virtual-time-budget=10000",
                "--window-size=1400,1500", "--screenshot=\(path)", url,
            ])
        #expect(result.status == 0 && FileManager.default.fileExists(atPath: path), "\(result)")
    }
}
