/// One occurrence of a refusal told in a language: `detail.<code>` is its template, the figures
/// and names of the occurrence (`values`, as the error carries them) fill it.
///
/// The convention is one table, ``valueGroups``: a value whose name is listed there is a code of
/// that catalog group (`status` → `status.approved`, `roles` → `role.clerk`), shown as the
/// group's words; a list of codes is written with commas (`"clerk,finance"`) and shown joined by
/// the catalog's `list.and` or `list.or`; a group without a name is a list of names shown as they
/// are (a body's member names, which are the API's words in every language). Every other value (a line number, a quantity, a SKU, an
/// amount as the project writes money, an id) is shown as it is.
extension Catalog {
    /// How a value named in a template is shown: the catalog group of its code(s) and, for a list,
    /// the key of the words that join it.
    public struct ValueGroup: Sendable, Hashable {
        public var group: String
        public var joiner: String?

        public init(_ group: String, joiner: String? = nil) {
            self.group = group
            self.joiner = joiner
        }

        /// A list of names shown as they are, joined by `joiner` (a body's member names).
        public static func names(joiner: String) -> ValueGroup { ValueGroup("", joiner: joiner) }
    }

    /// The values that are codes of a catalog group. A template may name any of these.
    public static let valueGroups: [String: ValueGroup] = [
        "status": ValueGroup("status"),
        "action": ValueGroup("action"),
        "reason": ValueGroup("reason"),
        "condition": ValueGroup("condition"),
        "disposition": ValueGroup("disposition"),
        "location": ValueGroup("location"),
        "tender": ValueGroup("tender"),
        "role": ValueGroup("role"),
        "roles": ValueGroup("role", joiner: "list.and"),
        "holders": ValueGroup("role", joiner: "list.or"),
        "permission": ValueGroup("permission"),
        "staffRule": ValueGroup("staffRule"),
        // `input.unknownField`: the member, or members, meant instead.
        "suggestions": .names(joiner: "list.or"),
    ]

    /// This occurrence in this language: `detail.<code>` filled from `values`; nil when the
    /// catalog has no template for the code or the occurrence lacks a value the template names
    /// (the caller then says what the code means, or the error's own English).
    public func detail(ofCode code: String, values: [String: String]) -> String? {
        guard let template = strings["detail." + code] else { return nil }
        var text = ""
        var rest = Substring(template)
        while let open = rest.firstIndex(of: "{"), let close = rest[open...].firstIndex(of: "}") {
            let name = String(rest[rest.index(after: open)..<close])
            guard let value = values[name] else { return nil }
            text += String(rest[..<open])
            text += words(forValue: value, named: name)
            rest = rest[rest.index(after: close)...]
        }
        return text + String(rest)
    }

    /// A value as a template shows it: a group's words for its code(s), else as it is.
    public func words(forValue value: String, named name: String) -> String {
        guard let kind = Catalog.valueGroups[name] else { return value }
        let words = value.split(separator: ",").map { code in
            kind.group.isEmpty ? String(code) : strings["\(kind.group).\(code)"] ?? String(code)
        }
        guard let joiner = kind.joiner else { return words.joined(separator: ",") }
        return words.joined(separator: text(joiner))
    }
}
