public import ReturnsDomain

/// How both backends keep a head-office user's roles: one text column, comma-separated.
public enum HeadOfficeUserColumns {
    public static func roles(_ roles: [HeadOfficeRole]) -> String { roles.map(\.rawValue).joined(separator: ",") }

    /// The roles a stored text holds (one no longer known is left out).
    public static func roles(_ text: String) -> [HeadOfficeRole] {
        text.split(separator: ",").compactMap { HeadOfficeRole(rawValue: String($0)) }
    }

    /// The failures a stored count and start hold.
    public static func failures(_ count: Int?, since: Int64?) -> PINFailures? {
        guard let count, let since else { return nil }
        return PINFailures(count: count, since: since)
    }
}
