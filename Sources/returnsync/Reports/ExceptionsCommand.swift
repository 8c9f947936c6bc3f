import ArgumentParser
import NodeStore
import Replication

extension ReturnSync {
    /// `returnsync exceptions`: what needs a person's review.
    struct ExceptionsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "exceptions",
            abstract: CLIWords.text(
                "cli.help.exceptions.about",
                english: "The exceptions queue: over-returns, conflicting edits, overdrawn store credit."),
            discussion: """
                Nothing is silently dropped when two stores act on the same record: the rule picks a \
                winner and the clash is listed here (code, record, involved events) for review.
                """)

        @OptionGroup var options: DeskOptions

        func run() async throws {
            let exceptions = try await options.node.service().read { try $0.storeExceptions() }
            try options.emit(exceptions) {
                var table = Table("CODE", "SEVERITY", "RECORD", "EVENTS", "MESSAGE", "RESOLVED")
                for item in exceptions {
                    let e = item.exception
                    table.add(
                        e.code, CLIWords.value("cli.severity", e.severity.rawValue), e.record.description,
                        e.dots.map(\.description).joined(separator: ","),
                        CLIWords.isEnglish ? e.message : TerminalWords.meaning(ofCode: e.code) ?? e.message,
                        item.resolution.map { "\($0.note) (\($0.resolvedBy), \($0.resolvedAt.day))" } ?? "")
                }
                return table.render(empty: CLIWords.text("cli.empty.exceptions", english: "No exceptions."))
            }
        }
    }
}
