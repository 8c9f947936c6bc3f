/// How many terminal columns text takes: East Asian wide and fullwidth characters (CJK, kana,
/// Hangul, fullwidth forms, most emoji) take two, combining marks none, everything else one.
/// The ranges follow Unicode's East Asian Width property (UAX #11, classes W and F); no package
/// in the mirror provides them, so they are written here.
extension StringProtocol {
    public var displayWidth: Int {
        reduce(0) { $0 + DisplayWidth.columns(of: $1) }
    }

    /// The text followed by spaces up to `width` columns (as is when it is already wider).
    public func padded(toWidth width: Int) -> String {
        String(self) + String(repeating: " ", count: Swift.max(0, width - displayWidth))
    }

    /// Spaces, then the text, up to `width` columns (for figures).
    public func leftPadded(toWidth width: Int) -> String {
        String(repeating: " ", count: Swift.max(0, width - displayWidth)) + String(self)
    }
}

enum DisplayWidth {
    /// A grapheme takes the width of its first scalar; what follows (combining marks, variation
    /// selectors, joined emoji) draws on top of it.
    static func columns(of character: Character) -> Int {
        guard let first = character.unicodeScalars.first else { return 0 }
        if first.properties.generalCategory == .nonspacingMark || first.properties.generalCategory == .enclosingMark
            || first.value == 0x200B
        {
            return 0
        }
        if character.unicodeScalars.contains(where: { $0.value == 0xFE0F }) { return 2 }
        return isWide(first.value) ? 2 : 1
    }

    static func isWide(_ v: UInt32) -> Bool {
        switch v {
        case 0x1100...0x115F,  // Hangul Jamo initials
            0x2E80...0x303E,  // CJK radicals, Kangxi, ideographic description, CJK symbols and punctuation
            0x3041...0x33FF,  // Hiragana, Katakana, Bopomofo, Hangul compatibility, CJK compatibility
            0x3400...0x4DBF,  // CJK extension A
            0x4E00...0x9FFF,  // CJK unified ideographs
            0xA000...0xA4CF,  // Yi
            0xAC00...0xD7A3,  // Hangul syllables
            0xF900...0xFAFF,  // CJK compatibility ideographs
            0xFE30...0xFE4F,  // CJK compatibility forms
            0xFF00...0xFF60,  // fullwidth forms
            0xFFE0...0xFFE6,  // fullwidth signs
            0x1F300...0x1F64F,  // pictographs, emoticons
            0x1F900...0x1F9FF,  // supplemental symbols and pictographs
            0x20000...0x3FFFD:  // CJK extensions B and on
            true
        default:
            false
        }
    }
}
