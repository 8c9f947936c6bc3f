/// The one error type of the returns domain: a stable machine code, a message a person can act on.
///
/// Codes are part of the API contract (they travel in problem+json bodies); never rename one.
public struct DomainError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// Stable dotted code, e.g. `return.illegalTransition`.
    public var code: String
    /// The account in English, for integrators and logs.
    public var message: String
    /// The figures and names of this occurrence (`line`, `asked`, `returnable`, `sku`, `status`, …),
    /// which fill the catalogs' `detail.<code>` templates so that a person reads the same account
    /// in their language. Values that are codes of a vocabulary (a status, a role) are the codes.
    public var values: [String: String]

    public init(code: String, message: String, values: [String: String] = [:]) {
        self.code = code
        self.message = message
        self.values = values
    }

    public var description: String { "\(code): \(message)" }

    enum CodingKeys: String, CodingKey { case code, message, values }

    /// Errors written before `values` existed still read; no `values` is written when there are none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = try c.decode(String.self, forKey: .code)
        message = try c.decode(String.self, forKey: .message)
        values = try c.decodeIfPresent([String: String].self, forKey: .values) ?? [:]
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(message, forKey: .message)
        if !values.isEmpty { try c.encode(values, forKey: .values) }
    }

    public static func currencyMismatch(_ a: Currency, _ b: Currency) -> DomainError {
        DomainError(
            code: "money.currencyMismatch", message: "cannot combine \(a) and \(b)",
            values: ["currency": a.rawValue, "other": b.rawValue])
    }
    public static func invalidQuantity(_ q: Int) -> DomainError {
        DomainError(
            code: "input.invalidQuantity", message: "quantity must be a positive whole number, got \(q)",
            values: ["quantity": String(q)])
    }
    public static func unknownSKU(_ sku: SKU) -> DomainError {
        DomainError(code: "catalog.unknownSKU", message: "no product with SKU \(sku)", values: ["sku": "\(sku)"])
    }
    public static func illegalTransition(from: ReturnStatus, action: String) -> DomainError {
        DomainError(
            code: "return.illegalTransition",
            message: "a return that is \(from.rawValue) cannot be \(action)",
            values: [
                "status": from.rawValue,
                "action": ReturnAction.allCases.first { $0.pastTense == action }?.rawValue ?? action,
            ])
    }
    public static func overReturn(line: Int, asked: Int, returnable: Int) -> DomainError {
        DomainError(
            code: "return.overReturn",
            message: "line \(line): \(asked) asked but only \(returnable) returnable",
            values: ["line": String(line), "asked": String(asked), "returnable": String(returnable)])
    }
    public static func invalid(_ code: String, _ message: String, _ values: [String: String] = [:]) -> DomainError {
        DomainError(code: code, message: message, values: values)
    }
}
