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
}
