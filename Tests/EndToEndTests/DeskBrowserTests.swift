import AsyncHTTPClient
import Foundation
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
        // RETURNSYNC_SCREENSHOTS=docs/images saves the desk and the slip as docs/node.md shows them.
        let screenshots = ProcessInfo.processInfo.environment["RETURNSYNC_SCREENSHOTS"]
        for language in ["zh-CN", "en"] where screenshots != nil || language == "zh-CN" {
            let walk = try await Self.walk(
                chromium, server, "S-1", staff: "王丽", mode: "refund", language: language, screenshots: screenshots)
            #expect(walk.error == nil && walk.problem == "", "\(walk)")
            guard language == "zh-CN" else { continue }
            #expect(walk.lang == "zh-CN" && walk.statusShown == "已批准", "\(walk)")
            #expect(walk.verdict?.hasPrefix("可以退货") == true, "\(walk)")
            #expect(
                walk.statuses == ["approved", "received", "inspected", "disposed", "refunded", "closed"], "\(walk)")
            #expect(walk.lines?.contains("不想要了") == true && walk.lines?.contains("未开封") == true, "\(walk)")
            #expect(walk.money?.contains("已退款") == true && walk.money?.contains("银行卡") == true, "\(walk)")
            #expect(walk.steps?.contains("王丽 已结束") == true, "\(walk)")
        }
    }

    /// One walk of `scripts/browser-desk-walk.py` through the page (`receipt` is the customer for
    /// a receipt-less one); a failed walk is recorded with what the page showed.
    static func walk(
        _ chromium: URL, _ server: NodeServerProcess, _ receipt: String, staff: String, mode: String,
        language: String = "en", screenshots: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Walk {
        let result = try await run(
            URL(fileURLWithPath: "/usr/bin/env"),
            [
                "python3", Browser.script("browser-desk-walk.py").path, chromium.path, server.baseURL, server.key,
                receipt, staff, mode, language,
            ] + (screenshots.map { [$0] } ?? []))
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode(Walk.self, from: Data(result.stdout.utf8))
    }

    static func json(_ client: HTTPClient, _ server: NodeServerProcess, _ path: String) async throws -> Any {
        let response = try await client.execute(server.request(path), timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 1 << 20)
        return try JSONSerialization.jsonObject(with: Data(buffer: body))
    }
}
