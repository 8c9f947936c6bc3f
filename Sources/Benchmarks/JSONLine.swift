import Foundation

/// A one-line JSON object with its keys in the order given: each benchmark's last output line.
public struct JSONLine: CustomStringConvertible, Sendable {
    private var parts: [String] = []
    public init() {}

    public mutating func add(_ key: String, _ value: Double, decimals: Int = 1) {
        parts.append("\"\(key)\":\(value.isFinite ? fixed(value, decimals) : "null")")
    }
    public mutating func add(_ key: String, _ value: Double?, decimals: Int = 1) {
        guard let value else { return parts.append("\"\(key)\":null") }
        add(key, value, decimals: decimals)
    }
    public mutating func add(_ key: String, _ value: Int) { parts.append("\"\(key)\":\(value)") }
    public mutating func add(_ key: String, _ value: Bool) { parts.append("\"\(key)\":\(value)") }
    public mutating func add(_ key: String, _ value: String) { parts.append("\"\(key)\":\(Self.quote(value))") }
    /// A value that is already JSON text (an object, an array).
    public mutating func add(_ key: String, raw: String) { parts.append("\"\(key)\":\(raw)") }

    public var description: String { "{" + parts.joined(separator: ",") + "}" }

    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if c.value < 0x20 {
                    out += "\\u00" + String(c.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    fileprivate func leftPadded(to n: Int) -> String {
        count >= n ? self : String(repeating: "0", count: n - count) + self
    }
}

/// Reads the peak and current resident set size of this process from `/proc/self/status`
/// (Linux); nil elsewhere.
public enum ProcessMemory {
    /// `VmHWM`: the peak resident set size, in bytes.
    public static func peakResidentBytes() -> Int? { field("VmHWM:") }
    /// `VmRSS`: the current resident set size, in bytes.
    public static func residentBytes() -> Int? { field("VmRSS:") }

    static func field(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let digits = line.dropFirst(name.count).filter { $0.isNumber }
            return Int(digits).map { $0 * 1024 }
        }
        return nil
    }
}
