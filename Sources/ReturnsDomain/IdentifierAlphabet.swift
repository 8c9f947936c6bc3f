/// The identifier alphabet (Protocol/sync.md, "Admission"): 1 to 64 Unicode scalars, any script,
/// none of them a control, format, surrogate, private-use or line/paragraph-separator character,
/// and no white space at either end. So `王丽`, `S-01` and `SKU 7/B` are ids; `A\u{0}B`, `\n`, `""`
/// are not.
public enum IdentifierAlphabet {
    public static func isValid(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= Limits.maxIdentifierScalars, !isForbidden(scalar) else { return false }
        }
        guard count > 0, let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else {
            return false
        }
        return !first.properties.isWhitespace && !last.properties.isWhitespace
    }

    /// Free text (names, notes) is at most 2,000 scalars and holds no control character other than
    /// a line break or a tab; joiners and other format characters that scripts need are allowed.
    public static func isValidText(_ text: String) -> Bool {
        var count = 0
        for scalar in text.unicodeScalars {
            count += 1
            guard count <= Limits.maxTextScalars else { return false }
            if scalar == "\n" || scalar == "\t" { continue }
            if scalar.properties.generalCategory == .control { return false }
        }
        return true
    }

    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .lineSeparator, .paragraphSeparator: true
        default: false
        }
    }
}
