import Foundation
import ReturnsDomain

/// Reading a command file given as `--file PATH` (or `-` for standard input).
enum JSONInput {
    static func data(from path: String) throws -> Data {
        if path == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw DomainError(code: "input.fileUnreadable", message: "cannot read \(path)")
        }
        return data
    }

    /// Decodes `T` from the file, turning decoding failures into `input.invalidJSON` with the
    /// path of the offending field.
    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        let data = try data(from: path)
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as DecodingError {
            throw DomainError(code: "input.invalidJSON", message: describe(error))
        } catch let error as DomainError {
            throw error
        } catch {
            throw DomainError(code: "input.invalidJSON", message: "\(error)")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String {
            let text = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return text.isEmpty ? "the document" : String(text.drop(while: { $0 == "." }))
        }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context): return "\(path(context.codingPath)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// An amount in a command file: either the API's `{"minor": 1234, "currency": "EUR"}` or decimal
/// text `"12.34"` in the node's currency.
struct AmountInput: Decodable, Sendable {
    /// Decimal text, read once the node's currency (and so its decimals) is known.
    var text: String?
    var given: Money?

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let text = try? single.decode(String.self) {
            self.text = text
        } else {
            given = try single.decode(Money.self)
        }
    }

    /// The amount: as given, or the text in `fallback`'s decimals (`input.invalidAmount`).
    func money(_ fallback: Currency) throws -> Money {
        if let given { return given }
        return try MoneyText.money(text ?? "", fallback)
    }
}

/// A business time in a command file: the API's `{"millis": …}` or plain epoch milliseconds.
struct InstantInput: Decodable, Sendable {
    var instant: Instant

    init(from decoder: any Decoder) throws {
        let single = try decoder.singleValueContainer()
        if let millis = try? single.decode(Int64.self) {
            instant = Instant(millis: millis)
        } else {
            instant = try single.decode(Instant.self)
        }
    }
}
