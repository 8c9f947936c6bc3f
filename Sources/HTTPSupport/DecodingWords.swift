import Foundation

/// A body that does not decode, told in JSON's words with the member at fault (issue 20: never
/// a Swift type's name such as `Dictionary<String, Any>` or `Int64`).
extension JSONCoding {
    /// Foundation's words for a body that is not JSON, and also (with no member named) for JSON
    /// with a number the target cannot hold: 1.5 or 1e30 for a whole number, -1 for one from 0.
    static let notJSON = "The given data was not valid JSON."

    /// What is wrong with `body`, which `decode` (the route's decoding, run again to find a number
    /// at fault) refused with `error`.
    static func describe(_ error: DecodingError, body: Data, decode: (Data) throws -> Void) -> String {
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty && c.debugDescription == notJSON:
            return misfitNumber(in: body, decode: decode) ?? notJSONWords(body)
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            // Another codec's account (the event codec's: "invalid JSON at byte 12: …").
            return "the body is not JSON: \(c.debugDescription)"
        default:
            return describe(error)
        }
    }

    /// A decoding error in words that name the member at fault.
    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .dataCorrupted(let c) where c.codingPath.isEmpty:
            return "the body is not JSON"
        case .dataCorrupted(let c) where c.debugDescription.hasPrefix("Cannot initialize "):
            // Foundation's words for an unknown enum case name a Swift type; say it plainly.
            let value = c.debugDescription.components(separatedBy: " value ").last ?? ""
            return "\(place(c.codingPath)) is not one of the values it may take (got \(value))"
        case .dataCorrupted(let c) where c.debugDescription.hasPrefix("number does not fit in"):
            return "\(place(c.codingPath)): a whole number in the range it takes is needed"
        case .dataCorrupted(let c):
            // The project's own decoders' words (an unknown refund method, a bad record key).
            return "\(place(c.codingPath)): \(c.debugDescription)"
        case .keyNotFound(let key, let c):
            return "\(place(c.codingPath + [key])) is missing"
        case .valueNotFound(_, let c):
            return "\(place(c.codingPath)) is null: give it a value (no member of this API is nullable)"
        case .typeMismatch(_, let c) where c.debugDescription.hasPrefix("Invalid number of keys"):
            // A synthesized enum's form: an object with one member, the case's name.
            return "\(place(c.codingPath)) is not one of the forms it may take"
        case .typeMismatch(let type, let c) where c.codingPath.isEmpty:
            return "the body must be \(typeName(type))"
        case .typeMismatch(let type, let c):
            return "\(place(c.codingPath)): \(typeName(type)) is needed"
        @unknown default:
            return "the body is not the JSON this request takes"
        }
    }

    /// Where a member is, or "the body".
    static func place(_ codingPath: [any CodingKey]) -> String {
        BodyTree.describe(BodyTree.steps(codingPath))
    }

    /// What a JSON value of `type` looks like, in JSON's words (never a Swift type's name).
    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is any UnsignedInteger.Type: "a whole number from 0"
        case is any FixedWidthInteger.Type: "a whole number"
        case is any BinaryFloatingPoint.Type: "a number"
        case is Bool.Type: "true or false"
        case is [Any].Type: "an array"
        case is [String: Any].Type: "an object"
        default:
            // Foundation names the container it wanted: `Dictionary<String, Any>`, `Array<Any>`.
            "\(type)".hasPrefix("Array")
                ? "an array" : "\(type)".hasPrefix("Dictionary") ? "an object" : "another kind of value"
        }
    }

    /// The body is not JSON: where JSONSerialization stopped reading it, when it says.
    static func notJSONWords(_ body: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        } catch {
            if let why = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String, !why.isEmpty {
                let words = why.hasSuffix(".") ? String(why.dropLast()) : why
                return "the body is not JSON: " + words.prefix(1).lowercased() + words.dropFirst()
            }
        }
        return "the body is not JSON"
    }

    /// The number of `body` (valid JSON) that `decode` cannot take, found by putting 0 in place of
    /// each number that is not a whole number from 0 up to 2⁵³ in turn (at most 16, on this error
    /// path only) until the decoding gets past it; nil when none does.
    static func misfitNumber(in body: Data, decode: (Data) throws -> Void) -> String? {
        guard let tree = BodyTree.parse(body) else { return nil }
        let suspects = BodyTree.numbers(in: tree).filter { _, number in
            let value = number.doubleValue
            return value < 0 || value != value.rounded() || value >= 9_007_199_254_740_992
        }
        for (path, number) in suspects.prefix(16) {
            let trial = BodyTree.replacing(tree, at: path[...], with: 0)
            guard let data = try? JSONSerialization.data(withJSONObject: trial, options: [.fragmentsAllowed]) else {
                continue
            }
            do {
                try decode(data)
            } catch let error as DecodingError {
                if case .dataCorrupted(let c) = error, c.codingPath.isEmpty, c.debugDescription == notJSON {
                    continue
                }
            } catch {}
            let value = number.doubleValue
            let place = BodyTree.describe(path)
            if value != value.rounded() { return "\(place): a whole number is needed (got \(number))" }
            if value < 0 { return "\(place): a whole number from 0 is needed (got \(number))" }
            return "\(place): the number is too large (got \(number))"
        }
        return nil
    }
}
