extension Sale {
    /// `given` as a store or channel records it, whichever door it comes through (a till's POS at
    /// the node, the online shop at the hub): a sale of `store` itself, under a receipt number not
    /// recorded yet (`alreadyRecorded`), costed from the catalog (``costed(products:bGradeValue:)``),
    /// valid against it (``validate(catalog:)``), and paid in store credit only up to the
    /// customer's balance (`storeCredit`). Throws `sale.wrongStore`, `sale.duplicateReceipt`,
    /// the validation's codes or `storeCredit.insufficient`.
    public static func recording(
        _ given: Sale, at store: StoreID, alreadyRecorded: Bool, products: (SKU) -> Product?,
        bGradeValue: (SKU) -> Money?, storeCredit: (CustomerID, Currency) throws -> Money
    ) throws -> Sale {
        guard given.store == store else {
            throw DomainError.invalid("sale.wrongStore", "sales of \(store) are recorded here, not of \(given.store)")
        }
        guard !alreadyRecorded else {
            throw DomainError.invalid(
                "sale.duplicateReceipt", "receipt \(given.id) is already recorded", ["receipt": "\(given.id)"])
        }
        let sale = given.costed(products: products, bGradeValue: bGradeValue)
        try sale.validate(catalog: products)
        if let customer = sale.customer {
            for t in sale.tenders where t.tender == .storeCredit {
                let balance = try storeCredit(customer, sale.currency)
                guard balance.minor >= t.amount.minor else {
                    throw DomainError.invalid(
                        "storeCredit.insufficient", "store credit of \(customer) is \(balance)",
                        ["customer": "\(customer)", "balance": "\(balance)", "amount": "\(t.amount)"])
                }
            }
        }
        return sale
    }
}
