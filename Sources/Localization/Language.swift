/// The languages every word a person reads comes in. Codes, ids and names stay as they are.
public enum Language: String, CaseIterable, Sendable, Hashable {
    /// Simplified Chinese, as the staff of a chain in mainland China read it.
    case zhCN = "zh-CN"
    /// English, for integrators, operators and English-speaking staff.
    case en

    /// Where nothing says otherwise: the language of the API's integrators.
    public static let fallback = Language.en

    /// The BCP 47 tag (a page's `lang`, `Content-Language`).
    public var tag: String { rawValue }

    /// The language a tag asks for: any Chinese tag (`zh`, `zh-CN`, `zh-Hans-CN`, `zh-TW`) is read
    /// as zh-CN, the one Chinese catalog; any English tag as en; case does not matter.
    public init?(tag: some StringProtocol) {
        let primary = tag.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
        switch primary {
        case "zh": self = .zhCN
        case "en": self = .en
        default: return nil
        }
    }

    /// The first language of ours an `Accept-Language` header (RFC 9110 §12.5.4) prefers, by
    /// quality then order; `*` takes the fallback. Nil when it names none of ours (or is absent).
    public static func preferred(acceptLanguage header: String?) -> Language? {
        guard let header else { return nil }
        var best: (quality: Int, language: Language)?
        items: for item in header.split(separator: ",").prefix(32) {
            let parts = item.split(separator: ";")
            guard let range = parts.first?.trimmingSpaces, !range.isEmpty else { continue }
            var quality = 1000
            for parameter in parts.dropFirst() where parameter.trimmingSpaces.lowercased().hasPrefix("q=") {
                // A weight that is not a number (`q=bogus`) makes the item unreadable: skipped.
                guard let weight = Self.quality(parameter) else { continue items }
                quality = weight
            }
            guard quality > 0, let language = range == "*" ? fallback : Language(tag: range) else { continue }
            if best == nil || quality > best!.quality { best = (quality, language) }
        }
        return best?.language
    }

    /// The language a request gets: one it names outright (a `lang` switch), else its
    /// `Accept-Language`, else the fallback.
    public static func choose(explicit: String?, acceptLanguage: String?) -> Language {
        explicit.flatMap { Language(tag: $0) } ?? preferred(acceptLanguage: acceptLanguage) ?? fallback
    }

    /// `q=0.8` as thousandths (800); nil for a malformed value.
    static func quality(_ parameter: Substring) -> Int? {
        let text = parameter.trimmingSpaces
        guard text.hasPrefix("q=") || text.hasPrefix("Q=") else { return nil }
        let value = text.dropFirst(2)
        let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, whole == "0" || whole == "1" else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 3, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let thousandths = Int(fraction.padding(toLength: 3, withPad: "0", startingAt: 0)) ?? 0
        return whole == "1" ? 1000 : thousandths
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
