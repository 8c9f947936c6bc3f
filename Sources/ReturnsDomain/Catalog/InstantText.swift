extension Instant {
    /// The instant as an RFC 3339 date-time in UTC: `2026-12-07T09:30:00Z`, with milliseconds
    /// (`.250`) only when there are any.
    public var rfc3339: String {
        let ms = ((millis % Instant.millisPerDay) + Instant.millisPerDay) % Instant.millisPerDay
        func two(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let seconds = ms / 1000
        var text = "\(day)T\(two(seconds / 3600)):\(two(seconds / 60 % 60)):\(two(seconds % 60))"
        if ms % 1000 != 0 {
            let fraction = String(ms % 1000)
            text += "." + String(repeating: "0", count: 3 - fraction.count) + fraction
        }
        return text + "Z"
    }

    /// Reads an RFC 3339 date-time (`2026-12-07T17:30:00+08:00`, `…Z`, fractions to the
    /// millisecond) or a full date (`2026-12-07`, taken as 00:00 UTC). Nil for anything else,
    /// and for dates before 1970 or after 9999.
    public init?(rfc3339 text: String) {
        let s = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int64? {
            guard from + count <= s.count else { return nil }
            var v: Int64 = 0
            for c in s[from..<from + count] {
                guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
                v = v * 10 + Int64(c - UInt8(ascii: "0"))
            }
            return v
        }
        guard s.count >= 10, let y = number(0, 4), s[4] == UInt8(ascii: "-"), let m = number(5, 2),
            s[7] == UInt8(ascii: "-"), let d = number(8, 2), y >= 1970, (1...12).contains(m), d >= 1,
            d <= Instant.daysIn(month: m, year: y)
        else { return nil }
        let midnight = Instant.date(y, m, d).millis
        if s.count == 10 {
            self.init(millis: midnight)
            return
        }
        guard s.count >= 20, s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: "t"), let hh = number(11, 2),
            s[13] == UInt8(ascii: ":"), let mm = number(14, 2), s[16] == UInt8(ascii: ":"), let ss = number(17, 2),
            hh < 24, mm < 60, ss < 60
        else { return nil }
        var at = 19
        var fraction: Int64 = 0
        if s[at] == UInt8(ascii: ".") {
            at += 1
            var digits = 0
            while at < s.count, s[at] >= UInt8(ascii: "0"), s[at] <= UInt8(ascii: "9") {
                if digits < 3 { fraction = fraction * 10 + Int64(s[at] - UInt8(ascii: "0")) }
                digits += 1
                at += 1
            }
            guard digits > 0 else { return nil }
            if digits < 3 { for _ in digits..<3 { fraction *= 10 } }
        }
        var offset: Int64 = 0
        if at == s.count - 1, s[at] == UInt8(ascii: "Z") || s[at] == UInt8(ascii: "z") {
            offset = 0
        } else if at + 6 == s.count, s[at] == UInt8(ascii: "+") || s[at] == UInt8(ascii: "-"),
            let oh = number(at + 1, 2), s[at + 3] == UInt8(ascii: ":"), let om = number(at + 4, 2), oh < 24, om < 60
        {
            offset = (oh * 60 + om) * 60_000 * (s[at] == UInt8(ascii: "-") ? -1 : 1)
        } else {
            return nil
        }
        self.init(millis: midnight + (hh * 3600 + mm * 60 + ss) * 1000 + fraction - offset)
    }

    static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
