import ArgumentParser
import Foundation
import HTTPSupport
import Localization
import ReturnsDomain

/// The `returnsync` command: run a store's node and work its return desk from a terminal.
@main
struct ReturnSync: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "returnsync",
        abstract: CLIWords.text(
            "cli.help.returnsync", english: "Sales returns for a retail chain: a store's node and its return desk."),
        discussion: """
            Every store runs a node: one SQLite file that keeps working with no network. Staff record \
            sales, returns, inspections, dispositions, refunds and exchanges into it; the node keeps \
            every change as an event in its outbox until the hub has taken it.

            Set up a store once with `returnsync node init`, run it with `returnsync node serve` (the \
            local HTTP API for the till and the return desk), and use the other commands at the desk \
            or in scripts. Desk commands work directly on the node's data folder, also while \
            `node serve` is running.

            Money is written as decimal text (12.34) in the node's currency. Add --json to any desk \
            command for output a script can read. On bad input a command prints the error's stable \
            code and message (for example `return.overReturn: ...`) and exits non-zero.

            Try it without setting anything up: `returnsync demo`.
            """,
        subcommands: [
            NodeCommand.self,
            HubCommand.self,
            ProductCommand.self,
            StockCommand.self,
            SaleCommand.self,
            ReturnCommand.self,
            ExchangeCommand.self,
            CustomerCommand.self,
            AlertsCommand.self,
            ExceptionsCommand.self,
            LedgerCommand.self,
            DemoCommand.self,
        ])

    /// Runs the command as ArgumentParser does; when it is refused with a stable code and the
    /// terminal speaks Chinese, the code's meaning and this refusal's own account (its figures and
    /// names, `detail.<code>`) come first, in Chinese (`Catalog`), then the usual
    /// `Error: code: message` line that scripts read.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let words = TerminalWords.refusal(error, message: fullMessage(for: error)) {
                FileHandle.standardError.write(Data((words + "\n").utf8))
            }
            exit(withError: error)
        }
    }
}

/// The terminal's language (`RETURNSYNC_LANG`, else `LC_ALL`, `LC_MESSAGES`, `LANG`: `zh_CN.UTF-8`
/// is Chinese) and what a refusal's code means in it.
enum TerminalWords {
    static var language: Language {
        let environment = ProcessInfo.processInfo.environment
        for name in ["RETURNSYNC_LANG", "LC_ALL", "LC_MESSAGES", "LANG"] {
            guard let value = environment[name], !value.isEmpty else { continue }
            let tag = value.split(separator: ".").first.map { $0.replacingOccurrences(of: "_", with: "-") } ?? ""
            return Language(tag: tag) ?? .en
        }
        return .en
    }

    /// `错误：<meaning>` for an error message that starts with a code the catalog knows, when the
    /// terminal speaks Chinese; nil otherwise (English needs no second line: the message is English).
    static func meaning(of message: String, in language: Language = language) -> String? {
        guard language == .zhCN else { return nil }
        // ArgumentParser's own lines start "Error: ", before the code.
        let message = message.hasPrefix("Error: ") ? message.dropFirst("Error: ".count) : Substring(message)
        let code = message.prefix { $0 != ":" && !$0.isWhitespace }
        guard code.contains("."), message.dropFirst(code.count).hasPrefix(":"),
            let meaning = Catalog.of(language).meaning(ofCode: String(code))
        else { return nil }
        return Catalog.of(language).text("cli.error", ["meaning": meaning])
    }

    /// What `code` means in the terminal's language (`code.<code>`), nil when the catalog lacks it.
    static func meaning(ofCode code: String, in language: Language = language) -> String? {
        Catalog.of(language).meaning(ofCode: code)
    }

    /// What a Chinese terminal reads before `Error: code: message`: the code's meaning
    /// (``meaning(of:in:)``) and, when the catalog can tell this occurrence with its figures and
    /// names, `详情：…` on a second line. Nil in English.
    static func refusal(_ error: any Error, message: String, in language: Language = language) -> String? {
        guard let meaning = meaning(of: message, in: language) else { return nil }
        guard error is DomainError || error is any ProblemConvertible || error is Problem else { return meaning }
        let problem = Problem(error)
        guard let detail = Catalog.of(language).detail(ofCode: problem.code, values: problem.values) else {
            return meaning
        }
        return meaning + "\n" + Catalog.of(language).text("cli.detail", ["detail": detail])
    }
}
