import Foundation

/// Finds a body member the target type does not know, without a list of members per type: the
/// decoded value is written back with the API's encoder, and a member the body has but the
/// written-back value lacks at the same place is one the type never read.
///
/// Only where both sides have the same shape is the walk continued (objects member by member,
/// arrays element by element), so a value a type reads in another form than it writes (the
/// refund method's bare `"cash"`, written back as `{"cash":{}}`) is never looked into. An optional
/// member given a value is written back with it; no member of the API is nullable, so a member
/// that is written back only when it has a value is never taken for unknown.
enum UnknownMembers {
    /// The first member of `body` that `written` (the decoded value, written back) lacks, members
    /// in name order, depth first; with the names that are known at its level.
    static func first(in body: Any, written: Any, at path: [BodyTree.Step] = []) -> (
        path: [BodyTree.Step], known: [String]
    )? {
        switch (body, written) {
        case (let object as [String: Any], let known as [String: Any]):
            for name in object.keys.sorted() {
                guard let value = known[name] else { return (path + [.member(name)], known.keys.sorted()) }
                if let found = first(in: object[name]!, written: value, at: path + [.member(name)]) { return found }
            }
        case (let array as [Any], let known as [Any]):
            for (index, element) in array.enumerated() where index < known.count {
                if let found = first(in: element, written: known[index], at: path + [.element(index)]) {
                    return found
                }
            }
        default: break
        }
        return nil
    }

    /// The names of the stored properties of the value at `path` in `value` (a struct's, read by
    /// reflection), for members that are optional and absent and so not written back. Property
    /// names are the members' names unless a type renames them, so they only ever suggest.
    static func propertyNames(of value: Any, at path: ArraySlice<BodyTree.Step>) -> [String] {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional, let some = mirror.children.first {
            return propertyNames(of: some.value, at: path)
        }
        guard let step = path.first else {
            // A case's payload is a tuple of its labels (an unlabelled value is `.0`, written `_0`).
            guard [.struct, .class, .tuple].contains(mirror.displayStyle) else { return [] }
            return mirror.children.compactMap(\.label).filter { !["_", "$", "."].contains($0.first) }
        }
        switch (step, mirror.displayStyle) {
        case (.member(let name), .struct?), (.member(let name), .class?), (.member(let name), .enum?),
            (.member(let name), .tuple?):
            guard let child = mirror.children.first(where: { $0.label == name }) else { return [] }
            return propertyNames(of: child.value, at: path.dropFirst())
        case (.element(let index), .collection?):
            guard index < mirror.children.count else { return [] }
            let child = mirror.children[mirror.children.index(mirror.children.startIndex, offsetBy: index)]
            return propertyNames(of: child.value, at: path.dropFirst())
        default: return []
        }
    }

    /// The members to suggest for `unknown` among `known`: the one it is a slip of (the same but
    /// for letter case, a typo or two, a part of it as `line` is of `saleLine`, or a shortening
    /// as `trackingNo` is of `trackingNumber`), else all.
    static func suggestions(for unknown: String, among known: [String]) -> [String] {
        let word = unknown.lowercased()
        let scored = known.map { name in (name: name, distance: editDistance(word, name.lowercased())) }
        let close = scored.filter { candidate in
            let other = candidate.name.lowercased()
            let shorter = min(word.count, other.count)
            let prefix = zip(word, other).prefix { $0 == $1 }.count
            return candidate.distance <= max(1, word.count / 3)
                || (shorter >= 3 && (other.contains(word) || word.contains(other)))
                || prefix >= max(3, word.count * 2 / 3)
        }
        guard let best = close.min(by: { ($0.distance, $0.name) < ($1.distance, $1.name) }) else {
            return known.sorted()
        }
        return [best.name]
    }

    /// Levenshtein's distance: the fewest letters to insert, delete or change to turn `a` into `b`.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
