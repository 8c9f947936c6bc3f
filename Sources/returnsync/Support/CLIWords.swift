import Localization

/// The words of what the CLI prints for people, in the terminal's language (``TerminalWords``).
///
/// English is written in the code, as it always was: an English terminal reads exactly those
/// bytes, and scripts and tests compare them. A Chinese terminal reads the catalog's `cli.*`
/// words instead (`cli.column.<title>` for a table's header, `cli.field.<key>` for a document's
/// field, `cli.<command>.<line>` for a success line) and each vocabulary's words for the codes a
/// table shows (`status.*`, `reason.*`, `location.*`, …); what the catalog lacks stays English.
/// `--json` output is never touched.
enum CLIWords {
    /// Read once: a command runs in one terminal.
    static let language = TerminalWords.language

    static var isEnglish: Bool { language == .en }

    /// `english` in an English terminal; else the catalog's `key`, filled with `values`.
    static func text(_ key: String, _ values: [String: String] = [:], english: @autoclosure () -> String) -> String {
        guard !isEnglish, Catalog.of(language)[key] != nil else { return english() }
        return Catalog.of(language).text(key, values)
    }

    /// A table's column title (`PAID OUT` → `cli.column.paidOut`).
    static func column(_ title: String) -> String {
        guard !isEnglish else { return title }
        return Catalog.of(language)["cli.column." + camelCase(title)] ?? title
    }

    /// A document's field name (`restocking fee` → `cli.field.restockingFee`); leading spaces
    /// (an indented field) are kept.
    static func field(_ key: String) -> String {
        guard !isEnglish else { return key }
        let indent = key.prefix { $0 == " " }
        return Catalog.of(language)["cli.field." + camelCase(String(key.dropFirst(indent.count)))].map {
            indent + $0
        } ?? key
    }

    /// A code of a vocabulary (`status`, `reason`, `location`, …) as a table shows it: the code in
    /// English (as scripts have always read it), the vocabulary's words in Chinese.
    static func value(_ group: String, _ code: String) -> String {
        guard !isEnglish else { return code }
        return Catalog.of(language)["\(group).\(code)"] ?? code
    }

    /// `PAID OUT`, `REFUND/UNIT`, `integrity_check` → `paidOut`, `refundUnit`, `integrityCheck`.
    static func camelCase(_ text: String) -> String {
        let words = text.split { !($0.isLetter || $0.isNumber) }.map { $0.lowercased() }
        guard let first = words.first else { return "" }
        return first + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }
}
