import ChildProcesses
import Foundation
import Testing

/// The CLI as an operator meets it: help, a fresh node, and bad input.
@Suite("returnsync CLI")
struct CLITests {
    @Test("`returnsync --help` explains the commands and exits 0")
    func help() async throws {
        let result = try await returnsync("--help")
        #expect(result.status == 0, "\(result)")
        for command in [
            "node", "product", "stock", "sale", "return", "exchange", "customer", "alerts", "exceptions", "demo",
        ] {
            #expect(result.stdout.contains(command), "help does not mention \(command)")
        }
    }

    @Test("`node verify` on a fresh node exits 0 and reports integrity ok")
    func verifyFreshNode() async throws {
        let folder = try TemporaryFolder("e2e-fresh")
        defer { folder.remove() }
        let data = folder.file("node").path
        #expect(try await returnsync("node", "init", "--store", "FRESH", "--data", data).status == 0)
        let verify = try await returnsync("node", "verify", "--data", data, "--json")
        #expect(verify.status == 0, "\(verify)")
        let report = try JSONDecoder().decode(VerifyReport.self, from: Data(verify.stdout.utf8))
        #expect(report.ok && report.integrity == "ok" && report.events == 0 && report.mismatches.isEmpty)
    }

    @Test(
        "bad input exits non-zero with its stable code on stderr",
        arguments: [
            (
                [
                    "return", "create", "--sale", "NOPE", "--line", "1", "--quantity", "1", "--reason", "changedMind",
                    "--condition", "unopened",
                ], "sale.notFound"
            ),
            (
                [
                    "product", "add", "--sku", "X", "--name", "X", "--category", "k", "--price", "1.234", "--cost", "1",
                    "--vat", "20",
                ], "input.invalidAmount"
            ),
            (["return", "inspect", "RT-1", "--grade", "1:z:1"], "input.invalidGrade"),
            (["return", "refund", "RT-1", "--to", "cheque"], "input.invalidRefundMethod"),
            (["return", "approve", "RT-NOPE"], "return.notFound"),
            (["return", "credit-note", "RT-NOPE"], "return.notFound"),
        ])
    func badInput(arguments: [String], code: String) async throws {
        let folder = try TemporaryFolder("e2e-bad")
        defer { folder.remove() }
        let data = folder.file("node").path
        #expect(try await returnsync("node", "init", "--store", "BAD", "--data", data).status == 0)
        let result = try await returnsync(arguments + ["--data", data])
        #expect(result.status != 0, "\(result)")
        #expect(result.stderr.contains(code), "\(result)")
        #expect(result.stdout.isEmpty, "\(result)")
    }

    @Test("a desk command on a folder without a node says to run `node init`")
    func notInitialised() async throws {
        let folder = try TemporaryFolder("e2e-empty")
        defer { folder.remove() }
        let result = try await returnsync("node", "status", "--data", folder.file("none").path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("node.notInitialised"), "\(result)")
    }

    /// A terminal set to Chinese (`LANG=zh_CN.UTF-8`) is told what a refusal means in Chinese and
    /// this refusal's own account with its figures; the `Error: code: message` line scripts read
    /// stays as it is.
    @Test("a refusal in a Chinese terminal says what it means in Chinese, then the code")
    func chineseTerminal() async throws {
        let folder = try TemporaryFolder("e2e-zh")
        defer { folder.remove() }
        let data = folder.file("node").path
        #expect(try await returnsync("node", "init", "--store", "SH-01", "--data", data).status == 0)
        var environment = ProcessInfo.processInfo.environment
        environment["RETURNSYNC_DATA"] = nil
        environment["LC_ALL"] = nil
        environment["LC_MESSAGES"] = nil
        environment["LANG"] = "zh_CN.UTF-8"
        let result = try await runChild(
            try ReturnsyncBinary.url(),
            [
                "return", "create", "--data", data, "--staff", "王丽", "--sale", "NOPE", "--line", "1", "--quantity",
                "1", "--reason", "changedMind", "--condition", "unopened",
            ], environment: environment, within: 60)
        #expect(result.status == 1)
        #expect(result.stderr.hasPrefix("错误：没有该小票号的销售单。\n详情：这里没有小票号为 NOPE 的销售单\n"), "\(result)")
        #expect(result.stderr.contains("Error: sale.notFound: "), "\(result)")
    }

    /// A Chinese terminal reads tables with Chinese headers and the vocabularies' words (a
    /// location, a status), and short success lines in Chinese; an English terminal reads what it
    /// always did, and `--json` is the same in both.
    @Test("a Chinese terminal reads tables and success lines in Chinese; English stays as it was")
    func chineseTables() async throws {
        let folder = try TemporaryFolder("e2e-zh-tables")
        defer { folder.remove() }
        let data = folder.file("node").path
        #expect(try await returnsync("node", "init", "--store", "SH-01", "--data", data).status == 0)
        var environment = ProcessInfo.processInfo.environment
        environment["RETURNSYNC_DATA"] = nil
        environment["LC_MESSAGES"] = nil
        environment["LANG"] = nil
        environment["LC_ALL"] = "zh_CN.UTF-8"
        func chinese(_ arguments: String...) async throws -> CLIResult {
            try await runChild(
                try ReturnsyncBinary.url(), arguments + ["--data", data], environment: environment, within: 60)
        }
        let added = try await chinese(
            "product", "add", "--sku", "MUG-1", "--name", "马克杯", "--category", "kitchen", "--price", "39.90", "--cost",
            "12", "--vat", "13")
        #expect(added.status == 0 && added.stdout == "商品 MUG-1“马克杯”，单价 39.90 EUR\n", "\(added)")
        let received = try await chinese("stock", "receive", "--sku", "MUG-1", "--quantity", "5")
        #expect(received.stdout.hasPrefix("已入库 5 × MUG-1\n门店   库位  SKU    数量\n"), "\(received)")
        #expect(received.stdout.contains("SH-01  可售  MUG-1     5"), "\(received)")
        #expect(try await chinese("return", "list").stdout == "没有退货单。\n")

        let english = try await returnsync("stock", "show", "--data", data)
        #expect(english.stdout == "STORE  LOCATION  SKU    QTY\nSH-01  sellable  MUG-1    5\n", "\(english)")
        let json = try await chinese("stock", "show", "--json")
        #expect(json.stdout == (try await returnsync("stock", "show", "--json", "--data", data)).stdout)

        // Help: each command's one-line summary in Chinese; the longer explanations stay English.
        let help = try await runChild(
            try ReturnsyncBinary.url(), ["stock", "--help"], environment: environment, within: 60)
        #expect(help.stdout.contains("将到货登记为可售库存。") && help.stdout.contains("查看各库位库存"), "\(help)")
        let englishHelp = try await returnsync("stock", "--help")
        #expect(englishHelp.stdout.contains("Book goods received into sellable stock."), "\(englishHelp)")
    }

    /// In a store whose staff sign in, a write-off from the terminal is refused without a PIN and
    /// signed for with the manager's (`--pin-stdin`), like at the desk.
    @Test("a write-off from the CLI in a staffed store needs the manager's PIN on standard input")
    func writeOffWithPIN() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.seedCatalog(a, stock: 5)
        let pinFile = try f.folder.write("pin", "1357\n")
        try await HubFixture.expectSuccess([
            "hub", "staff", "set", "--data", f.hubData, "--id", "S-LIQIANG", "--name", "李强", "--role",
            "storeManager", "--store", "S-A", "--pin-file", pinFile,
        ])
        try await f.startHub()
        try await f.sync(a)
        let adjust = [
            "stock", "adjust", "--data", a.data, "--staff", "S-LIQIANG", "--sku", "MUG-1", "--quantity", "1",
            "--reason", "damaged", "--note", "dropped", "--json",
        ]
        let refused = try await returnsync(adjust)
        #expect(refused.status == 1 && refused.stderr.contains("authority.required"), "\(refused)")
        // The PIN on standard input, as a script would give it (never on the command line).
        let binary = try ReturnsyncBinary.url().path
        let signed = try await run(
            URL(fileURLWithPath: "/bin/sh"),
            ["-c", "\"$0\" \"$@\" < \"\(pinFile)\"", binary] + adjust + ["--pin-stdin"])
        #expect(
            signed.status == 0 && signed.stdout.contains("S-LIQIANG") && signed.stdout.contains("damaged"), "\(signed)")
    }
}
