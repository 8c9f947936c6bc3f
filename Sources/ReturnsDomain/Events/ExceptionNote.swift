/// Head office's note that an exception of the queue has been dealt with (goods recovered, loss
/// written off, customer contacted), as an event every node receives (`exception.resolved`): the
/// store sees what head office decided about its over-return or its customer. The exception
/// itself stays; the events behind it are facts. A later note on the same exception replaces it.
public struct ExceptionNote: Hashable, Sendable, Codable {
    /// The exception's id as head office saw it (`code|record|dots`).
    public var exception: String
    /// Its code (`return.overReturn`, `abuse.frequency30`, `stock.negative`).
    public var code: String
    /// The record it is about (`sale:S-A-1`, `customer:C1`): a store matches its own view of the
    /// exception by code and record, since the events it holds may be fewer than the hub's.
    public var subject: String
    public var note: String
    /// Who at head office wrote it (their user id).
    public var resolvedBy: String
    public var resolvedAt: Instant

    public init(
        exception: String, code: String, subject: String, note: String, resolvedBy: String, resolvedAt: Instant
    ) {
        self.exception = exception
        self.code = code
        self.subject = subject
        self.note = note
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
    }

    /// The note head office writes, checked: something said (`input.missingNote`), within the
    /// limits of free text, about an exception that is in the queue now (`exception.notFound`).
    public static func resolve(
        _ exception: String, code: String?, subject: String?, note: String, by: String, at: Instant
    ) throws(DomainError) -> ExceptionNote {
        guard let code, let subject else {
            throw DomainError(
                code: "exception.notFound", message: "no current exception has the id \(exception)",
                values: ["id": exception])
        }
        let said = String(note.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !said.isEmpty else {
            throw DomainError(code: "input.missingNote", message: "say what was done about the exception")
        }
        let note = ExceptionNote(
            exception: exception, code: code, subject: subject, note: said, resolvedBy: by, resolvedAt: at)
        try note.validate()
        return note
    }

    /// Every text within the limits of free text (the id and the note up to 2,000 characters).
    public func validate() throws(DomainError) {
        for text in [exception, code, subject, note, resolvedBy]
        where text.isEmpty || !IdentifierAlphabet.isValidText(text) {
            throw DomainError(
                code: "input.invalidText", message: "an exception's note, id, code and record are 1 to 2,000 characters"
            )
        }
    }
}
