/// Prometheus text exposition format, shared by the node's and the hub's `/metrics`.
public enum Prometheus {
    /// A label value as the text format wants it: backslash, double quote and newline escaped.
    public static func labelValue(_ value: some CustomStringConvertible) -> String {
        value.description.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }
}
