import AsyncHTTPClient
import ChildProcesses
import Foundation
import ReturnsDomain
import Testing

/// The node's return-desk page (`GET /desk`) in a real browser: `scripts/browser-desk-walk.py`
/// drives headless Chromium through the DevTools protocol against a real `node serve` process,
/// clicking through the page as staff would (`Support/Browser.swift`).
@Suite("the return desk page in a real browser", .serialized)
struct DeskBrowserTests {
    /// What the walk saw on the page (the script's JSON).
    struct Walk: Decodable {
        var address: String?
        var lang: String?
        var statusShown: String?
        var lines: String?
        var slip: String?
        var creditNote: String?
        var barcode: String?
        var foundByNumber: String?
        var signedIn: String?
        var authorised: [String]?
        var needsManager: String?
        var stocktake: String?
        var stock: String?
        var repairs: String?
        var stockAfterRepair: String?
        var adjustment: String?
        var serial: String?
        var resale: String?
        var returnInfo: String?
        var preview: String?
        var header: String?
        var sale: String?
        var customer: String?
        var verdict: String?
        var returnId: String?
        var money: String?
        var statuses: [String]?
        var steps: String?
        var latest: String?
        var problem: String?
        var error: String?
    }

    @Test(
        "staff find the sale, check the policy, record the return and take it to closed, all in the page")
    func deskWalk() async throws {
        let chromium = try Browser.url()
        let fixture = try await NodeFixture.seeded(sales: 1, unitsPerSale: 2)
        defer { fixture.folder.remove() }
        let client = HTTPClient.shared
        let server = try await NodeServerProcess.start(
            data: fixture.data, log: fixture.folder.file("serve.log"), client: client)
        defer { server.stop() }

        let walk = try await Self.walk(chromium, server, "S-1", staff: "alice", mode: "refund")
        #expect(walk.error == nil && walk.problem == "", "\(walk)")
        #expect(walk.header?.contains("store E2E") == true, "\(walk)")
        #expect(walk.address?.hasSuffix("/desk?lang=en") == true, "the key left the address bar: \(walk)")
        #expect(walk.sale?.contains("MUG-1") == true, "\(walk)")
        #expect(walk.verdict?.hasPrefix("Allowed") == true, "\(walk)")
        #expect(walk.returnId == "RT-E2E-000001")
        #expect(walk.statuses == ["approved", "received", "inspected", "disposed", "refunded", "closed"], "\(walk)")
        #expect(walk.money?.contains("refunded") == true && walk.money?.contains(" by card") == true, "\(walk)")
        #expect(walk.steps?.contains("(E2E-") != true && walk.steps?.contains(" at ") == true, "no node ids: \(walk)")
        #expect(walk.steps?.contains("closed by alice") == true, "\(walk)")
        #expect(walk.creditNote == "Credit note CN-E2E-000001", "the refunded return's credit note button: \(walk)")
        // The same credit note from the CLI: as text in Chinese, and as an A4 page to print.
        let text = try await fixture.expectSuccess(
            "return", "credit-note", "RT-E2E-000001", "--data", fixture.data, "--lang", "zh-CN")
        #expect(text.stdout.contains("退款凭证") && text.stdout.contains("CN-E2E-000001"), "\(text)")
        let page = fixture.folder.file("credit-note.html").path
        try await fixture.expectSuccess(
            "return", "credit-note", "RT-E2E-000001", "--data", fixture.data, "--html", page)
        #expect(try String(contentsOfFile: page, encoding: .utf8).contains("@page { size: A4"))

        // What the page did is what the node holds: the return closed, the mug back on the shelf.
        let state = try await Self.json(client, server, "/api/v1/returns/RT-E2E-000001")
        #expect((state as? [String: Any])?["status"] as? String == "closed")
        let stock = try await Self.json(client, server, "/api/v1/stock?sku=MUG-1") as? [[String: Any]] ?? []
        let sellable = stock.first { $0["location"] as? String == "sellable" }?["quantity"] as? Int
        #expect(sellable == 1, "2 received, 2 sold, 1 back as grade A: \(stock)")
        let verify = try await fixture.json(VerifyReport.self, "node", "verify", "--data", fixture.data, "--json")
        #expect(verify.ok, "\(verify)")

        // The other unit comes back as an exchange: the same mug again, no difference to settle.
        let exchange = try await Self.walk(chromium, server, "S-1", staff: "bob", mode: "exchange")
        #expect(exchange.returnId == "RT-E2E-000002")
        #expect(exchange.preview == "no difference to settle", "previewed before it was done: \(exchange)")
        #expect(
            exchange.statuses == ["approved", "received", "inspected", "disposed", "exchanged", "closed"], "\(exchange)"
        )
        #expect(
            exchange.money?.contains("exchanged for") == true
                && exchange.money?.contains("MUG-1) × 1, no difference") == true,
            "\(exchange)")
        #expect(exchange.steps?.contains("closed by bob") == true, "\(exchange)")

        // A mug without a receipt, for customer C-9, refunded by bank transfer.
        // The clerk's name is in Chinese: it travels percent-encoded, and the record keeps it as typed.
        let receiptless = try await Self.walk(chromium, server, "C-9", staff: "王丽", mode: "receiptless")
        #expect(receiptless.returnId == "RT-E2E-000003", "\(receiptless)")
        #expect(receiptless.steps?.contains("closed by 王丽") == true, "\(receiptless)")
        #expect(receiptless.returnInfo?.contains("by courier (SF1234567890)") == true, "\(receiptless)")
        #expect(
            receiptless.customer?.hasPrefix("Customer C-9: 0 earlier return(s) · store credit") == true,
            "\(receiptless)")
        #expect(
            receiptless.statuses?.last == "closed" && receiptless.statuses?.contains("refunded") == true,
            "\(receiptless)")
        #expect(
            receiptless.money?.contains("refunded") == true
                && receiptless.money?.contains("by bank transfer (TRF-2026-0001)") == true,
            "\(receiptless)")
        let history = try await Self.json(client, server, "/api/v1/returns/RT-E2E-000003") as? [String: Any]
        let request = history?["request"] as? [String: Any]
        #expect(request?["customer"] as? String == "C-9" && request?["sale"] == nil, "\(String(describing: history))")

        // Serial-tracked goods: the clerk picks the serial handed in, and the return names it.
        try await fixture.expectSuccess(
            "product", "add", "--data", fixture.data, "--staff", "setup", "--sku", "PHONE-1", "--name", "Phone",
            "--category", "phones", "--price", "300.00", "--cost", "200.00", "--vat", "20")
        try await fixture.expectSuccess(
            "stock", "receive", "--data", fixture.data, "--staff", "setup", "--sku", "PHONE-1", "--quantity", "2")
        let phones = try fixture.folder.write(
            "sale-phones.json",
            """
            {"id": "S-SN", "lines": [{"sku": "PHONE-1", "quantity": 2, "serials": ["IMEI-100", "IMEI-200"]}],
             "tenders": [{"tender": "card", "amount": "600.00"}]}
            """)
        try await fixture.expectSuccess("sale", "record", "--data", fixture.data, "--staff", "till", "--file", phones)
        let serial = try await Self.walk(chromium, server, "S-SN", staff: "alice", mode: "serial")
        #expect(serial.statuses?.last == "closed" && serial.problem == "", "\(serial)")
        let phoneReturn =
            try await Self.json(client, server, "/api/v1/returns/\(serial.returnId ?? "")") as? [String: Any]
        let phoneLines = (phoneReturn?["request"] as? [String: Any])?["lines"] as? [[String: Any]]
        #expect(phoneLines?.first?["serials"] as? [String] == ["IMEI-100"], "\(String(describing: phoneReturn))")
    }

    @Test("the same walk in Chinese: every word on the desk in zh-CN, the clerk's name as typed")
    func deskWalkInChinese() async throws {
        let chromium = try Browser.url()
        let fixture = try await NodeFixture.seeded(sales: 1, unitsPerSale: 2)
        defer { fixture.folder.remove() }
        let server = try await NodeServerProcess.start(
            data: fixture.data, log: fixture.folder.file("serve.log"), client: HTTPClient.shared)
        defer { server.stop() }
        // The store's head on the slip, in Chinese, as the manager set it (`node profile`).
        try await fixture.expectSuccess(
            "node", "profile", "--data", fixture.data, "--name", "上海南京路店", "--address", "南京东路 100 号",
            "--tax-id", "91310000MA1K000000")
        // RETURNSYNC_SCREENSHOTS=docs/images saves the desk and the slip as docs/node.md shows them.
        let kept = ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"]
        let screenshots = kept ?? fixture.folder.path
        for language in ["zh-CN", "en"] where kept != nil || language == "zh-CN" {
            let walk = try await Self.walk(
                chromium, server, "S-1", staff: "王丽", mode: "refund", language: language, screenshots: screenshots)
            #expect(walk.error == nil && walk.problem == "", "\(walk)")
            guard language == "zh-CN" else { continue }
            // The slip: the store's head, the goods by name, what went back on the card, the
            // signature lines, and the return number as a barcode a scanner reads back.
            for words in ["上海南京路店", "税号 91310000MA1K000000", "退货单", "Mug (MUG-1)", "退至银行卡", "顾客签名", "经办人：王丽"] {
                #expect(walk.slip?.contains(words) == true, "\(words) is not on the slip: \(walk)")
            }
            #expect(walk.barcode == walk.returnId && walk.foundByNumber == walk.returnId, "\(walk)")
            let scanned = try await run(
                URL(fileURLWithPath: "/usr/bin/env"),
                ["zbarimg", "--quiet", "--raw", "\(screenshots)/slip-\(language).png"])
            #expect(
                scanned.status == 0 && scanned.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == walk.returnId,
                "the slip's barcode reads \(scanned) (zbarimg from Debian's zbar-tools, as .ci/run installs)")
            #expect(walk.lang == "zh-CN" && walk.statusShown == "已批准", "\(walk)")
            #expect(walk.creditNote?.hasPrefix("退款凭证 CN-E2E-") == true, "\(walk)")
            #expect(walk.verdict?.hasPrefix("可以退货") == true, "\(walk)")
            #expect(
                walk.statuses == ["approved", "received", "inspected", "disposed", "refunded", "closed"], "\(walk)")
            #expect(walk.lines?.contains("不想要了") == true && walk.lines?.contains("未开封") == true, "\(walk)")
            #expect(walk.money?.contains("已退款") == true && walk.money?.contains("银行卡") == true, "\(walk)")
            #expect(walk.steps?.contains("王丽 已结束") == true, "\(walk)")
        }
    }

    /// What the staffed walk reads on the desk, in each language.
    struct StaffedWords {
        var signedIn, needsManager, approved, received, closed, repairOpen, bGrade, stocktake, sellable,
            adjustment, resold: String

        static let all: [String: StaffedWords] = [
            "zh-CN": StaffedWords(
                signedIn: "王丽（店员）", needsManager: "店长", approved: "李强 已批准", received: "王丽 已收货",
                closed: "王丽 已结束", repairOpen: "待维修", bGrade: "B 级待售", stocktake: "实盘 7，账面 8，差异 -1（李强）",
                sellable: "可售", adjustment: "在可售 −1（损坏，李强）", resold: "已按 B 级售出"),
            "en": StaffedWords(
                signedIn: "王丽 (clerk)", needsManager: "manager", approved: "approved by 李强", received: "received by 王丽",
                closed: "closed by 王丽", repairOpen: "open", bGrade: "B-grade for resale",
                stocktake: "counted 7, ledger 8, difference -1 (by 李强)", sellable: "sellable",
                adjustment: "at sellable (damaged, by 李强)", resold: "sold as B-grade"),
        ]
    }

    /// Head office's staff reach the store through the hub; 王丽 (clerk) signs in at the desk (in
    /// the language head office set for her), finds the sale by the customer's phone, the policy
    /// wants a manager for the approval and the refund, and the manager 李强 authorises each at her
    /// desk with his PIN: the steps are recorded as his, the rest as hers. The serial-tracked phone
    /// is graded C, repaired from the desk's repair list into B-grade stock and sold again as
    /// B-grade; a stock-take and a damaged mug then write stock off with the manager's PIN.
    @Test("signed in as 王丽 (clerk): a manager authorises at her desk with a PIN", arguments: ["zh-CN", "en"])
    func staffedWalk(language: String) async throws {
        let words = try #require(StaffedWords.all[language])
        let chromium = try Browser.url()
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.seedCatalog(a, stock: 10)
        try await HubFixture.expectSuccess([
            "customer", "add", "--data", a.data, "--staff", "setup", "--id", "C-ZHANG", "--name", "张三", "--phone",
            "138 0013 8000",
        ])
        // A serial-tracked phone, named as the chain writes it.
        try await HubFixture.expectSuccess([
            "product", "add", "--data", a.data, "--staff", "setup", "--sku", "PHONE-1", "--name", "手机", "--model",
            "Mate 60", "--category", "phones", "--price", "300.00", "--cost", "200.00", "--vat", "13",
            "--serial-tracked",
        ])
        try await HubFixture.expectSuccess([
            "stock", "receive", "--data", a.data, "--staff", "setup", "--sku", "PHONE-1", "--quantity", "2",
        ])
        let sale = try f.folder.write(
            "sale-phone.json",
            """
            {"id": "S-1", "customer": "C-ZHANG", "lines": [
              {"sku": "PHONE-1", "quantity": 1, "serials": ["IMEI-100"]}, {"sku": "MUG-1", "quantity": 2}],
             "tenders": [{"tender": "card", "amount": "320.00"}]}
            """)
        try await HubFixture.expectSuccess(["sale", "record", "--data", a.data, "--staff", "till", "--file", sale])
        for (id, name, role, pin) in [
            ("S-WANGLI", "王丽", "clerk", "2468"), ("S-LIQIANG", "李强", "storeManager", "1357"),
        ] {
            let pinFile = try f.folder.write("\(id).pin", pin + "\n")
            try await HubFixture.expectSuccess([
                "hub", "staff", "set", "--data", f.hubData, "--id", id, "--name", name, "--role", role, "--store",
                "S-A", "--language", language, "--pin-file", pinFile,
            ])
        }
        try await f.startHub()
        try await f.sync(a)
        let server = try await NodeServerProcess.start(
            data: a.data, log: f.folder.file("A1-serve.log"), client: HTTPClient.shared)
        defer { server.stop() }
        // A policy that wants a manager above 1.00: the 10.00 mug needs approval and a large refund.
        var policy = ReturnPolicy.standard(currency: Currency("EUR"))
        policy.approvalThreshold = Money(1_00, Currency("EUR"))
        var put = server.request("/api/v1/policy")
        put.method = .PUT
        put.headers.add(name: "Content-Type", value: "application/json")
        put.headers.add(name: "X-Staff", value: "S-LIQIANG")
        put.body = .bytes(try JSONEncoder().encode(policy))
        #expect(try await HTTPClient.shared.execute(put, timeout: .seconds(10)).status == .ok)

        let walk = try await Self.walk(
            chromium, server, "phone:138 0013 8000", staff: "S-WANGLI:2468", mode: "repair", language: language,
            // RETURNSYNC_SCREENSHOTS=docs/images saves the zh-CN walk's under docs/images/signed-in.
            screenshots: language == "zh-CN"
                ? ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"].map { $0 + "/signed-in" } : nil,
            // After the return, a stock-take finds one mug short on the shelf, then a damaged one.
            environment: [
                "DESK_WALK_MANAGER": "S-LIQIANG:1357", "DESK_WALK_COUNT": "sellable:7",
                "DESK_WALK_ADJUST": "damaged:1:摔坏",
            ])
        #expect(walk.error == nil && walk.problem == "", "\(walk)")
        #expect(walk.lang == language && walk.signedIn == words.signedIn, "\(walk)")
        #expect(walk.sale?.contains("MUG-1") == true, "found by the customer's phone: \(walk)")
        #expect(walk.authorised == ["approve", "refund"], "\(walk)")
        #expect(walk.needsManager?.contains(words.needsManager) == true, "told a manager must approve: \(walk)")
        #expect(walk.statuses?.last == "closed", "\(walk)")
        #expect(
            walk.steps?.contains(words.approved) == true && walk.steps?.contains(words.received) == true
                && walk.steps?.contains(words.closed) == true, "\(walk)")
        // Graded C, the mug went to repair under 张师傅; repaired, it is B-grade stock for resale.
        #expect(walk.repairs?.contains("张师傅") == true && walk.repairs?.contains(words.repairOpen) == true, "\(walk)")
        #expect(walk.stockAfterRepair?.contains(words.bGrade) == true, "\(walk)")
        // The serial handed in was repaired and sold again as B-grade, at its written-down value.
        #expect(
            walk.serial == "IMEI-100" && walk.resale?.contains(words.resold) == true
                && walk.resale?.contains("6.00") == true, "\(walk)")
        let returns = try await Self.json(HTTPClient.shared, server, "/api/v1/returns") as? [[String: Any]]
        #expect(returns?.count == 1, "a double click records one return: \(String(describing: returns))")
        let resold = try await Self.json(HTTPClient.shared, server, "/api/v1/sales?serial=IMEI-100") as? [[String: Any]]
        let resoldLines = resold?.compactMap { (($0["sale"] as? [String: Any])?["lines"] as? [[String: Any]])?.first }
        #expect(
            resoldLines?.contains {
                $0["source"] as? String == "refurbished" && $0["serials"] as? [String] == ["IMEI-100"]
            }
                == true, "\(String(describing: resold))")
        // 10 received, 2 sold: 8 on the shelf's ledger; counting 7 writes 1 off, which the
        // manager authorised; then one more mug found broken, a write-off he authorises too.
        #expect(walk.stocktake?.contains(words.stocktake) == true, "\(walk)")
        #expect(walk.stock?.contains(words.sellable) == true, "\(walk)")
        #expect(walk.adjustment?.contains(words.adjustment) == true, "\(walk)")
    }

    /// One walk of `scripts/browser-desk-walk.py` through the page (`receipt` is the customer for
    /// a receipt-less one); a failed walk is recorded with what the page showed.
    static func walk(
        _ chromium: URL, _ server: NodeServerProcess, _ receipt: String, staff: String, mode: String,
        language: String = "en", screenshots: String? = nil, environment: [String: String] = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Walk {
        let result = try await runChild(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Browser.script("browser-desk-walk.py").path, chromium.path, server.baseURL, server.key,
                receipt, staff, mode, language,
            ] + (screenshots.map { [$0] } ?? []),
            environment: ProcessInfo.processInfo.environment.merging(environment) { $1 }, within: 120)
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(Walk.self, from: Data(result.stdout.utf8))
    }

    static func json(_ client: HTTPClient, _ server: NodeServerProcess, _ path: String) async throws -> Any {
        let response = try await client.execute(server.request(path), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONSerialization.jsonObject(with: Data(buffer: body))
    }
}
