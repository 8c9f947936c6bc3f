import Foundation
import ReturnsDomain

/// Business times shown in the operator's local time zone.
enum TimeText {
    private static let formatter: DateFormatter = {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "yyyy-MM-dd HH:mm"
        return f
    }()

    static func show(_ millis: Int64) -> String {
        formatter.string(from: Date(timeIntervalSince1970: Double(millis) / 1000))
    }

    static func show(_ instant: Instant) -> String { show(instant.millis) }

    /// The wall clock now, in milliseconds since the epoch.
    static func nowMillis() -> Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
