import ReturnsDomain
import Testing

/// Head office's catalog spreadsheet, checked whole: English or Chinese headers in any order,
/// every bad row named, nothing imported while one is wrong.
@Suite("catalog import from spreadsheet rows")
struct CatalogImportTests {
    let cny = Currency("CNY")

    @Test("English headers in another order, optional columns left out; yes/no in any spelling")
    func english() throws {
        let rows = [
            ["VAT", "Price", "SKU", "Name", "Category", "Cost", "serialTracked"],
            ["13", "88.00", "TEA-1", "Tea", "food", "40.00", "no"],
            ["13%", "5999", "PHONE-9", "Phone", "phones", "4000", "1"],
            ["", "", "", "", "", "", ""],
        ]
        let products = try CatalogImport.products(rows: rows, currency: cny).get()
        #expect(products.map(\.sku) == ["TEA-1", "PHONE-9"])
        #expect(products[1].unitPrice == Money(5_999_00, cny) && products[1].serialTracked)
        #expect(products[0].returnable && products[0].kind == nil)
    }

    @Test("every bad row is named with why; a missing column is refused at the header")
    func problems() {
        let rows = [
            ["sku", "name", "category", "price", "cost", "vat", "kind"],
            ["A", "Tea", "food", "1,000.00", "1", "13", ""],
            ["B", "", "food", "1", "1", "13", ""],
            ["A", "Tea again", "food", "1", "1", "13", ""],
            ["C", "Fee", "services", "5", "2", "6", "service"],
            ["D", "Odd", "x", "1", "1", "13", "gift"],
        ]
        guard case .failure(let refusal) = CatalogImport.products(rows: rows, currency: cny) else {
            Issue.record("imported a sheet with bad rows")
            return
        }
        #expect(refusal.problems.map(\.row) == [2, 3, 5, 6], "\(refusal.problems)")
        #expect(
            refusal.problems.map(\.code) == [
                "input.invalidAmount", "import.missingName", "catalog.serviceNotStocked", "import.invalidKind",
            ])
        #expect(refusal.error.code == "import.invalidRows")
        guard case .failure(let header) = CatalogImport.products(rows: [["sku", "名称"]], currency: cny) else {
            Issue.record("a header without price was taken")
            return
        }
        #expect(header.problems.first?.code == "import.missingColumn")
    }
}
