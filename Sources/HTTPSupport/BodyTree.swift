import Foundation

/// A request body as a JSON tree (`JSONSerialization`'s objects, arrays and scalars), and where a
/// member sits in it: what the checks that a typed decoder cannot make read.
enum BodyTree {
    /// One step of a member's place in a body: a member's name or an element's index.
    enum Step: Hashable, Sendable {
        case member(String)
        case element(Int)
    }

    /// The tree of `json`, or nil when it is not JSON.
    static func parse(_ json: Data) -> Any? {
        try? JSONSerialization.jsonObject(with: json, options: [.fragmentsAllowed])
    }

    /// `lines[0].saleLine`, as an integrator writes a member's place; "the body" for the root.
    static func describe(_ path: [Step]) -> String {
        var text = ""
        for step in path {
            switch step {
            case .member(let name): text += text.isEmpty ? name : "." + name
            case .element(let index): text += "[\(index)]"
            }
        }
        return text.isEmpty ? "the body" : text
    }

    /// The steps of a decoder's coding path (JSONDecoder names an element `Index 0`, with its index).
    static func steps(_ codingPath: [any CodingKey]) -> [Step] {
        codingPath.map { key in key.intValue.map(Step.element) ?? .member(key.stringValue) }
    }

    /// The place of the first `null` of `tree`, members in name order; nil when it has none.
    static func firstNull(in tree: Any, at path: [Step] = []) -> [Step]? {
        switch tree {
        case is NSNull: return path
        case let object as [String: Any]:
            for name in object.keys.sorted() {
                if let found = firstNull(in: object[name]!, at: path + [.member(name)]) { return found }
            }
        case let array as [Any]:
            for (index, element) in array.enumerated() {
                if let found = firstNull(in: element, at: path + [.element(index)]) { return found }
            }
        default: break
        }
        return nil
    }

    /// The numbers of `tree` (not true or false), in order, each with its place.
    static func numbers(in tree: Any, at path: [Step] = []) -> [(path: [Step], number: NSNumber)] {
        switch tree {
        case is Bool: return []
        case let number as NSNumber: return [(path, number)]
        case let object as [String: Any]:
            return object.keys.sorted().flatMap { numbers(in: object[$0]!, at: path + [.member($0)]) }
        case let array as [Any]:
            return array.enumerated().flatMap { numbers(in: $0.element, at: path + [.element($0.offset)]) }
        default: return []
        }
    }

    /// `tree` with the value at `path` replaced by `value`.
    static func replacing(_ tree: Any, at path: ArraySlice<Step>, with value: Any) -> Any {
        guard let step = path.first else { return value }
        switch (step, tree) {
        case (.member(let name), var object as [String: Any]):
            if let inner = object[name] { object[name] = replacing(inner, at: path.dropFirst(), with: value) }
            return object
        case (.element(let index), var array as [Any]) where array.indices.contains(index):
            array[index] = replacing(array[index], at: path.dropFirst(), with: value)
            return array
        default: return tree
        }
    }
}
