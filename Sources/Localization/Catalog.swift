import Foundation

/// The words of one language: a flat table from dotted keys (`desk.find.title`, `code.return.overReturn`,
/// `reason.defective`) to text, loaded from the catalog embedded in the binary
/// (`Resources/<tag>.json`). Text may name values in braces (`{count} change(s) waiting`), filled
/// by ``text(_:_:)``.
///
/// Keys are grouped by their first part: `desk.*` for the return desk, `code.*` for every stable code
/// a person may meet (problems, policy reasons, abuse signals, exceptions), and one group per
/// vocabulary the API speaks in codes (`reason`, `condition`, `grade`, `status`, `tender`, …).
public struct Catalog: Sendable {
    public let language: Language
    /// Every key and its text.
    public let strings: [String: String]

    public init(language: Language, strings: [String: String]) {
        self.language = language
        self.strings = strings
    }

    /// The catalog of `language`, read once.
    public static func of(_ language: Language) -> Catalog {
        switch language {
        case .zhCN: zhCN
        case .en: en
        }
    }

    static let en = load(.en, PackageResources.en_json)
    static let zhCN = load(.zhCN, PackageResources.zh_CN_json)

    static func load(_ language: Language, _ bytes: [UInt8]) -> Catalog {
        // The catalogs are part of the build and checked by LocalizationTests; a broken one is a
        // build defect, not an input, so it stops the process at start.
        guard let strings = try? JSONDecoder().decode([String: String].self, from: Data(bytes)) else {
            preconditionFailure("the \(language.tag) catalog is not a JSON object of strings")
        }
        return Catalog(language: language, strings: strings)
    }

    /// The text of `key` with each `{name}` replaced by `values[name]`; the English text when this
    /// catalog lacks the key, the key itself when both do (so a gap shows, never crashes).
    public func text(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = strings[key] ?? Catalog.en.strings[key] ?? key
        for (name, value) in values { text = text.replacingOccurrences(of: "{\(name)}", with: value) }
        return text
    }

    public subscript(key: String) -> String? { strings[key] }

    /// What a stable code means, in a sentence a person can act on (`code.<code>`); nil for a
    /// code the catalog does not know.
    public func meaning(ofCode code: String) -> String? { strings["code." + code] }

    /// The keys under `prefixes` as nested dictionaries (`desk.find.title` → `["desk"]["find"]["title"]`),
    /// for a template's dotted names.
    public func tree(prefixes: [String]) -> [String: Any] {
        var root: [String: Any] = [:]
        for (key, value) in strings where prefixes.contains(where: { key.hasPrefix($0 + ".") }) {
            Catalog.insert(value, at: key.split(separator: ".").map(String.init)[...], into: &root)
        }
        return root
    }

    private static func insert(_ value: String, at path: ArraySlice<String>, into node: inout [String: Any]) {
        guard let head = path.first else { return }
        if path.count == 1 {
            node[head] = value
        } else {
            var child = node[head] as? [String: Any] ?? [:]
            insert(value, at: path.dropFirst(), into: &child)
            node[head] = child
        }
    }

    /// The keys under `prefixes` as one JSON object, safe to put inside a page's
    /// `<script type="application/json">` (no `<`, so no `</script>` can end it early).
    public func json(prefixes: [String]) -> String {
        let chosen = strings.filter { key, _ in prefixes.contains { key.hasPrefix($0 + ".") } }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let text = (try? encoder.encode(chosen)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return text.replacingOccurrences(of: "<", with: "\\u003c")
    }
}
