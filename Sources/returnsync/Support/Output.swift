import Foundation

/// Writing to the terminal: text for people, JSON for scripts, diagnostics on stderr.
enum Output {
    static func print(_ text: String) {
        Swift.print(text)
    }

    /// Pretty, key-sorted JSON, so that scripts and diffs see stable output.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// A line on standard error (warnings and notes that must not mix into JSON output).
    static func note(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}
