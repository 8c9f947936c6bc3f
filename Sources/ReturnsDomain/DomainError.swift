/// The one error type of the returns domain: a stable machine code, a message a person can act on.
///
/// Codes are part of the API contract (they travel in problem+json bodies); never rename one.
public struct DomainError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable dotted code, e.g. `return.illegalTransition`.
    public var code: String
    public var message: String

    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public static func currencyMismatch(_ a: Currency, _ b: Currency) -> DomainError {
        DomainError(code: "money.currencyMismatch", message: "cannot combine \(a) and \(b)")
    }
    public static func invalidQuantity(_ q: Int) -> DomainError {
        DomainError(code: "input.invalidQuantity", message: "quantity must be a positive whole number, got \(q)")
    }
    public static func unknownSKU(_ sku: SKU) -> DomainError {
        DomainError(code: "catalog.unknownSKU", message: "no product with SKU \(sku)")
    }
    public static func illegalTransition(from: ReturnStatus, action: String) -> DomainError {
        DomainError(
            code: "return.illegalTransition",
            message: "a return that is \(from.rawValue) cannot be \(action)")
    }
    public static func overReturn(line: Int, asked: Int, returnable: Int) -> DomainError {
        DomainError(
            code: "return.overReturn",
            message: "line \(line): \(asked) asked but only \(returnable) returnable")
    }
    public static func invalid(_ code: String, _ message: String) -> DomainError {
        DomainError(code: code, message: message)
    }
}
