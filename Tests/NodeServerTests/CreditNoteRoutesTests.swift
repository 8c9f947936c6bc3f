import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import OpenAPITesting
import ReturnsDomain
import Testing

/// `GET /api/v1/returns/{id}/credit-notes` and `GET /api/v1/credit-notes/{number}` (issue 20).
@Suite("credit notes over the node API")
struct CreditNoteRoutesTests {
    /// A kettle sold, returned and refunded to store credit; the return's id.
    static func refunded(_ client: some TestClientProtocol) async throws -> ReturnID {
        try await Seed.catalog(client)
        try await Seed.record(Seed.sale("S1-0001"), client)
        var view = try await Seed.open(Seed.returnOf("S1-0001"), client)
        if view.status == .requested { view = try await Seed.step(view.id, "approve", Empty(), client) }
        _ = try await Seed.step(view.id, "receive", Empty(), client)
        _ = try await Seed.step(
            view.id, "inspect", InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]), client)
        _ = try await Seed.step(
            view.id, "dispose",
            DisposeBody(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]), client)
        let refunded = try await Seed.step(view.id, "refund", RefundBody(method: .storeCredit(customer: nil)), client)
        #expect(refunded.refunds.map(\.creditNote) == ["CN-S1-000001"])
        return view.id
    }

    static func page(
        _ client: some TestClientProtocol, _ path: String, _ headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = headers
        headers[.authorization] = "Bearer \(NodeAPIFixture.key)"
        return try await client.execute(uri: path, method: .get, headers: headers)
    }

    @Test("a refunded return lists its credit note; the note comes as JSON when asked, worth the refund")
    func listAndJSON() async throws {
        try await NodeAPIFixture.run { _, client in
            let id = try await Self.refunded(client)
            let list = try await client.get("returns/\(id)/credit-notes").decode([CreditNote].self)
            let note = try #require(list.first)
            #expect(list.count == 1 && note.number == "CN-S1-000001" && note.returnID == id)
            #expect(note.gross == Seed.money(100_00) && note.net.minor + note.vat.minor == 100_00)
            #expect(note.vat == VATRate(basisPoints: 2000).split(gross: note.gross).vat)
            #expect(note.total == Seed.money(100_00))
            #expect(note.refunded.map(\.tender) == [.storeCredit])
            let json = try await Self.page(client, "/api/v1/credit-notes/CN-S1-000001", [.accept: "application/json"])
            #expect(json.contentType == "application/json")
            #expect(try json.decode(CreditNote.self) == note)

            let view = try await client.get("returns/\(id)").decode(ReturnView.self)
            #expect(view.refunds.first?.creditNote == note.number)
            expectProblem(try await client.get("credit-notes/CN-S1-000002"), .notFound, "creditNote.notFound")
            expectProblem(try await client.get("returns/RT-NONE/credit-notes"), .notFound, "return.notFound")
        }
    }

    @Test("the page is in the language asked for; zh-CN shows no English, en no raw code; A4 print style")
    func pageInEachLanguage() async throws {
        try await NodeAPIFixture.run { node, client in
            _ = try await node.service.setStoreProfile(
                StoreProfile(name: "上海一店", address: "上海市南京路一号", taxID: "91310000123456789X"))
            let id = try await Self.refunded(client)
            let path = "/api/v1/credit-notes/CN-S1-000001"

            let chinese = try await Self.page(client, path + "?lang=zh-CN")
            #expect(chinese.status == .ok && chinese.contentType == "text/html; charset=utf-8")
            #expect(chinese.headers[.contentLanguage] == "zh-CN")
            let html = chinese.text
            for words in ["退款凭证", "上海一店", "上海市南京路一号", "税号 91310000123456789X", "价税合计", "退至储值", "100.00", "20%"] {
                #expect(html.contains(words), "\(words) missing")
            }
            #expect(html.contains("@page { size: A4"))
            // The data are ids and names as recorded (the number, the return, the receipt, the
            // product, the currency); every word around them is Chinese.
            let data = WebPageCheck.latinWords(
                ["CN-S1-000001", id.rawValue, "S1-0001", "KETTLE", "Kettle", "EUR", "C1", "Alice"].joined(
                    separator: " "))
            // The print style is CSS, not words (`readable` takes out one-line style elements only).
            let shown = html.replacingOccurrences(of: "(?s)<style>.*?</style>", with: "", options: .regularExpression)
            let latin = WebPageCheck.english(onChinesePage: shown, allowed: data.union(["ReturnSync", "SKU"]))
            #expect(latin.isEmpty, "English on the zh-CN credit note: \(latin)")

            // Accept-Language alone picks it too.
            let negotiated = try await Self.page(client, path, [.acceptLanguage: "zh-CN,zh;q=0.9"])
            #expect(negotiated.headers[.contentLanguage] == "zh-CN" && negotiated.text.contains("退款凭证"))

            let english = try await Self.page(client, path + "?lang=en")
            #expect(english.headers[.contentLanguage] == "en")
            let readable = WebPageCheck.readable(english.text)
            #expect(readable.contains("Credit note") && readable.contains("Refunded to store credit"))
            for code in ["storeCredit", "creditNote.", "tender.", "changedMind"] {
                #expect(!readable.contains(code), "\(code) on the en page")
            }
        }
    }
}
