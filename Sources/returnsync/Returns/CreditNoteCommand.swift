import ArgumentParser
import Foundation
import Localization
import NodeServer
import NodeStore
import ReturnsDomain

extension ReturnSync.ReturnCommand {
    /// `returnsync return credit-note ID`: the credit note (退款凭证) of each of a return's refunds.
    struct CreditNoteCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "credit-note",
            abstract: CLIWords.text(
                "cli.help.return.creditNote",
                english: "Print the credit note of a refunded return, as text or as a page to print."),
            discussion: """
                Each refund has a credit note numbered CN-<store>-<number> when it is recorded. \
                Printed as text in the terminal's language (or --lang), as JSON with --json, or \
                written as an A4 page to print with --html FILE (open it in a browser and print).
                """)

        @OptionGroup var options: DeskOptions
        @Argument(help: ArgumentHelp("The return number.", valueName: "id")) var id: String
        @Option(help: ArgumentHelp("The language: en or zh-CN (default: the terminal's).", valueName: "tag"))
        var lang: String?
        @Option(help: ArgumentHelp("Only the credit note with this number.", valueName: "number"))
        var number: String?
        @Option(help: ArgumentHelp("Write the printable page (HTML, A4) to this file.", valueName: "file"))
        var html: String?

        func validate() throws {
            if let lang, Language(tag: lang) == nil {
                throw ValidationError("input.invalidLanguage: --lang is en or zh-CN, not \(lang)")
            }
        }

        func run() async throws {
            let language = lang.flatMap { Language(tag: $0) } ?? CLIWords.language
            var notes = try await options.node.service().creditNotes(of: ReturnID(id))
            if let number { notes = notes.filter { $0.number == number } }
            guard let last = notes.last else {
                throw DomainError.invalid(
                    "creditNote.notFound", "return \(id) has no credit note\(number.map { " \($0)" } ?? ""): no refund",
                    ["number": number ?? id])
            }
            if let html {
                // One page a file: the latest refund's, unless --number picks another.
                try Data(CreditNotePage.html(last, language: language).utf8).write(
                    to: URL(fileURLWithPath: html), options: .atomic)
                Output.print(html)
                return
            }
            try options.emit(notes) {
                notes.map { CreditNotePage.text($0, language: language) }.joined(separator: "\n")
            }
        }
    }
}
