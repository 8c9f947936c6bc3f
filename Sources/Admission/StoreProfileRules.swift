public import ReturnsDomain

extension StoreProfile {
    /// Longest name or tax id, in Unicode scalars: one printed line.
    public static let maxLineScalars = 200
    /// Longest address: a few printed lines.
    public static let maxAddressScalars = 500

    /// The profile as a store may keep it: each part trimmed (an empty one is absent), the name
    /// and tax id on one line, the address on a few, no control characters
    /// (`store.invalidProfile` names the part).
    public func checked() throws(DomainError) -> StoreProfile {
        StoreProfile(
            name: try Self.part(name, "name", lines: false, limit: Self.maxLineScalars),
            address: try Self.part(address, "address", lines: true, limit: Self.maxAddressScalars),
            taxID: try Self.part(taxID, "taxID", lines: false, limit: Self.maxLineScalars), negativeStock: negativeStock
        )
    }

    static func part(_ value: String?, _ what: String, lines: Bool, limit: Int) throws(DomainError) -> String? {
        guard let value else { return nil }
        let text = String(value.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        if text.isEmpty { return nil }
        guard IdentifierAlphabet.isValidText(text), text.unicodeScalars.count <= limit,
            lines || !text.unicodeScalars.contains(where: { $0 == "\n" || $0 == "\r" || $0 == "\t" })
        else {
            throw DomainError(
                code: "store.invalidProfile",
                message: "the store's \(what) must be at most \(limit) characters"
                    + (lines ? "" : " on one line") + ", with no control characters")
        }
        return text
    }
}
