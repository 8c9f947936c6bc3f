public import Replication

/// Why an event was not admitted: a stable code naming the rule (`admission.quantityOutOfRange`),
/// the event it concerns, and words a person can act on.
public struct AdmissionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rules, each with a stable code. Value rules answer 422 over HTTP, authority rules 403.
    public enum Code: String, Hashable, Sendable, CaseIterable {
        // Values
        case badIdentifier = "admission.badIdentifier"
        case badText = "admission.badText"
        case quantityOutOfRange = "admission.quantityOutOfRange"
        case moneyOutOfRange = "admission.moneyOutOfRange"
        case currencyMismatch = "admission.currencyMismatch"
        case rateOutOfRange = "admission.rateOutOfRange"
        case timeOutOfRange = "admission.timeOutOfRange"
        case clockAhead = "admission.clockAhead"
        case sequenceOutOfRange = "admission.sequenceOutOfRange"
        case tooManyItems = "admission.tooManyItems"
        case inconsistent = "admission.inconsistent"
        // Authority
        case roleMayNotAuthor = "admission.roleMayNotAuthor"
        case notOwner = "admission.notOwner"
        case unknownRecord = "admission.unknownRecord"
    }

    public var code: Code
    /// The event refused, when the refusal concerns one.
    public var dot: Dot?
    public var message: String

    public init(_ code: Code, _ message: String, dot: Dot? = nil) {
        self.code = code
        self.message = message
        self.dot = dot
    }

    /// Whether the refusal is about who wrote the event rather than what it says.
    public var isAuthority: Bool { [.roleMayNotAuthor, .notOwner, .unknownRecord].contains(code) }

    public var description: String { "\(code.rawValue): \(message)" }
}
