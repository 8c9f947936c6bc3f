/// A store's opening stock from a spreadsheet, when the chain moves onto ReturnSync from an
/// earlier 进销存 system: one row per store and SKU, checked whole like the catalog
/// (`CatalogImport`). Each row becomes goods received at that store (`inventory.received`), so
/// stock stays a ledger of movements from its first unit.
///
/// | English | 中文 | |
/// |---|---|---|
/// | `store` | `门店` | required, a store head office defined |
/// | `sku` | `商品编码` | required, a product of the catalog (not a service) |
/// | `quantity` | `数量` | required, a whole number from 1 |
/// | `cost` | `成本` | the unit cost (`39.90`); the catalog's when empty |
/// | `vendor` | `供应商` | the catalog's when empty |
///
/// Opening stock comes in once: a row for a store and SKU that already holds stock is refused
/// (`import.stockExists`); later goods arrive as receipts at the store.
public enum OpeningStockImport {
    static let aliases: [String: String] = {
        var names: [String: String] = [:]
        for (english, chinese) in [
            ("store", "门店"), ("sku", "商品编码"), ("quantity", "数量"), ("cost", "成本"), ("vendor", "供应商"),
        ] {
            names[english] = english
            names[chinese] = english
        }
        return names
    }()
    static let required = ["store", "sku", "quantity"]

    /// The receipts of `rows` (the header first) at `at`, costed in `currency`; or every row's
    /// problems. `product` is the catalog, `isStore` says whether head office defined a store,
    /// `hasStock` whether a store already holds stock of a SKU.
    public static func receipts(
        rows: [[String]], currency: Currency, at: Instant, product: (SKU) -> Product?, isStore: (StoreID) -> Bool,
        hasStock: (StoreID, SKU) -> Bool
    ) -> Result<[InventoryReceipt], ImportRefusal> {
        CatalogImport.read(rows: rows, aliases: aliases, required: required) { cell throws(DomainError) in
            try receipt(cell, currency: currency, at: at, product: product, isStore: isStore, hasStock: hasStock)
        } key: {
            "\($0.store)\u{0}\($0.sku)"
        } duplicate: { receipt, first in
            DomainError(code: "import.duplicateRow", message: "\(receipt.store) \(receipt.sku) is on row \(first) too")
        }
    }

    static func receipt(
        _ cell: (String) -> String, currency: Currency, at: Instant, product: (SKU) -> Product?,
        isStore: (StoreID) -> Bool, hasStock: (StoreID, SKU) -> Bool
    ) throws(DomainError) -> InventoryReceipt {
        let store = StoreID(cell("store"))
        guard IdentifierAlphabet.isValid(store.rawValue), isStore(store) else {
            throw DomainError(
                code: "import.unknownStore", message: "'\(store)' is not a store head office defined",
                values: ["store": store.rawValue])
        }
        let sku = SKU(cell("sku"))
        guard IdentifierAlphabet.isValid(sku.rawValue), let item = product(sku) else { throw .unknownSKU(sku) }
        try item.requireStocked()
        guard let quantity = Int(cell("quantity")), quantity > 0, quantity <= Limits.maxQuantity else {
            throw DomainError(
                code: "input.invalidQuantity", message: "\(sku): the quantity is a whole number from 1",
                values: ["quantity": cell("quantity")])
        }
        let cost = cell("cost").isEmpty ? item.unitCost : try MoneyText.money(cell("cost"), currency)
        guard cost.currency == currency, Limits.lineValue(quantity, cost) != nil else {
            throw DomainError(code: "input.invalidAmount", message: "\(sku): the cost is out of range")
        }
        if hasStock(store, sku) {
            throw DomainError(
                code: "import.stockExists",
                message: "\(store) already holds stock of \(sku): opening stock comes in once",
                values: ["store": store.rawValue, "sku": sku.rawValue])
        }
        let vendor = cell("vendor")
        return InventoryReceipt(
            store: store, sku: sku, quantity: quantity, unitCost: cost,
            vendor: vendor.isEmpty ? item.vendor : VendorID(vendor), receivedAt: at)
    }
}
