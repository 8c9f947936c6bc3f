import Foundation
import Localization
import ReturnsDomain
import Testing

@testable import HubServer

/// The GL export's cells, as a zh-CN spreadsheet opens them.
@Suite("journal CSV cells")
struct JournalCSVTests {
    @Test("a cell a spreadsheet would run as a formula is kept as text; commas and quotes are quoted")
    func cells() {
        #expect(JournalCSV.field("=HYPERLINK(\"http://x\")") == "\"'=HYPERLINK(\"\"http://x\"\")\"")
        for start in ["+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            #expect(JournalCSV.field(start).hasPrefix("'") || JournalCSV.field(start).hasPrefix("\"'"), "\(start)")
        }
        #expect(JournalCSV.field("退货 return:RT-1") == "退货 return:RT-1")
        #expect(JournalCSV.field("a,b") == "\"a,b\"")
        #expect(JournalCSV.field("12.50") == "12.50")
    }

    /// Every account and every memo the postings write has a name in both languages, so the
    /// zh-CN export reads Chinese (the memos are the literals of Postings.swift).
    @Test("account names and memos in both languages; zh-CN rows read Chinese, codes unchanged")
    func languages() throws {
        let postings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/ReturnsDomain/Accounting/Postings.swift")
        let text = try String(contentsOf: postings, encoding: .utf8)
        let memos = try NSRegularExpression(pattern: #"memo: "([^"]+)""#).matches(
            in: text, range: NSRange(text.startIndex..., in: text)
        ).compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } }
        #expect(memos.count >= 8)
        for language in Language.allCases {
            let catalog = Catalog.of(language)
            for memo in memos {
                #expect(catalog["journal.memo." + memo.replacingOccurrences(of: " ", with: "_")] != nil, "\(memo)")
            }
            for account in Account.allCases { #expect(catalog["account." + account.rawValue] != nil, "\(account)") }
        }
        let entry = JournalEntry(
            reference: "return:RT-1/refund", store: "SH-01", date: Instant.date(2026, 12, 7), memo: "refund",
            lines: [
                .debit(.salesReturns, Money(10_00, Currency("CNY"))),
                .credit(.cardClearing, Money(10_00, Currency("CNY"))),
            ])
        let zh = JournalCSV.render([entry], in: .zhCN)
        #expect(zh.contains("2026-12-07,SH-01,return:RT-1/refund,退款,4010,销售退回,10.00,,CNY"), "\(zh)")
        #expect(JournalCSV.render([entry]).contains(",refund,4010,Sales returns,"))
    }
}
