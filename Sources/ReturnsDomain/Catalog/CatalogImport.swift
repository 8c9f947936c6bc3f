/// Head office's catalog from a spreadsheet: the rows of a CSV file (parsed by the shell), one
/// product a row, checked whole. A file with any bad row imports nothing, and says which rows are
/// wrong and why, so a person can fix the sheet and load it again.
///
/// Columns are named in the header row, in English or in Chinese, in any order:
///
/// | English | 中文 | |
/// |---|---|---|
/// | `sku` | `商品编码` | required |
/// | `name` | `名称` | required |
/// | `category` | `类别` | required |
/// | `price` | `售价` | required, VAT included, in the hub's currency (`39.90`) |
/// | `cost` | `成本` | required (a service's is 0) |
/// | `vat` | `税率` | required, percent (`13`, `5.5`, `13%`) |
/// | `model` | `型号` | |
/// | `vendor` | `供应商` | |
/// | `serialTracked` | `序列号管理` | yes/no (是/否, true/false, 1/0) |
/// | `lotTracked` | `批次管理` | yes/no |
/// | `returnable` | `可退货` | yes/no, yes when empty |
/// | `kind` | `类型` | `goods` (商品) or `service` (服务), goods when empty |
public enum CatalogImport {
    /// What is wrong with one row (1-based, the header being row 1, as a spreadsheet counts).
    public struct RowProblem: Hashable, Sendable, Codable {
        public var row: Int
        public var code: String
        public var message: String
        public init(row: Int, code: String, message: String) {
            self.row = row
            self.code = code
            self.message = message
        }
    }

    /// The most rows one import takes.
    public static let maxRows = 20_000

    /// A column's English name for each name it may have.
    static let aliases: [String: String] = {
        var names: [String: String] = [:]
        for (english, chinese) in [
            ("sku", "商品编码"), ("name", "名称"), ("category", "类别"), ("price", "售价"), ("cost", "成本"), ("vat", "税率"),
            ("model", "型号"), ("vendor", "供应商"), ("serialTracked", "序列号管理"), ("lotTracked", "批次管理"),
            ("returnable", "可退货"), ("kind", "类型"),
        ] {
            names[english.lowercased()] = english
            names[chinese] = english
        }
        return names
    }()
    static let required = ["sku", "name", "category", "price", "cost", "vat"]

    /// The products of `rows` (the header first), priced in `currency`; or every row's problems.
    public static func products(rows: [[String]], currency: Currency) -> Result<[Product], ImportRefusal> {
        read(rows: rows, aliases: aliases, required: required) { cell throws(DomainError) in
            try product(cell, currency: currency)
        } key: {
            $0.sku.rawValue
        } duplicate: { product, first in
            DomainError(code: "import.duplicateSKU", message: "\(product.sku) is on row \(first) too")
        }
    }

    /// A spreadsheet read whole, for every import: the header names the columns (`aliases` maps
    /// each name a column may have, English or Chinese, to its English one, and `required` must all
    /// be there), then each row that is not blank becomes a value (`make` reads its cells by
    /// English name); two rows with the same `key` are refused (`duplicate`, given the first's row
    /// number). Either every row's value, or every row's problem.
    static func read<T>(
        rows: [[String]], aliases: [String: String], required: [String],
        make: ((String) -> String) throws(DomainError) -> T, key: (T) -> String,
        duplicate: (T, Int) -> DomainError
    ) -> Result<[T], ImportRefusal> {
        guard let header = rows.first else {
            return .failure(ImportRefusal([RowProblem(row: 1, code: "import.noHeader", message: "the file is empty")]))
        }
        var column: [String: Int] = [:]
        for (index, title) in header.enumerated() {
            let trimmed = title.trimmingSpaces()
            guard let name = aliases[trimmed] ?? aliases[trimmed.lowercased()] else { continue }
            column[name] = index
        }
        let missing = required.filter { column[$0] == nil }
        guard missing.isEmpty else {
            return .failure(
                ImportRefusal([
                    RowProblem(
                        row: 1, code: "import.missingColumn",
                        message: "the header names no column " + missing.joined(separator: ", "))
                ]))
        }
        guard rows.count - 1 <= maxRows else {
            return .failure(
                ImportRefusal([
                    RowProblem(
                        row: maxRows + 2, code: "import.tooManyRows",
                        message: "one import takes at most \(maxRows) rows; split the file")
                ]))
        }
        var values: [T] = []
        var problems: [RowProblem] = []
        var seen: [String: Int] = [:]
        for (offset, cells) in rows.dropFirst().enumerated() {
            let row = offset + 2
            func cell(_ name: String) -> String {
                guard let index = column[name], index < cells.count else { return "" }
                return cells[index].trimmingSpaces()
            }
            if cells.allSatisfy({ $0.trimmingSpaces().isEmpty }) { continue }  // a blank line
            do throws(DomainError) {
                let value = try make(cell)
                if let first = seen[key(value)] { throw duplicate(value, first) }
                seen[key(value)] = row
                values.append(value)
            } catch {
                problems.append(RowProblem(row: row, code: error.code, message: error.message))
            }
        }
        return problems.isEmpty ? .success(values) : .failure(ImportRefusal(problems))
    }

    /// One row's product, checked as the catalog checks any (`Product.validate`).
    static func product(_ cell: (String) -> String, currency: Currency) throws(DomainError) -> Product {
        let sku = cell("sku")
        guard IdentifierAlphabet.isValid(sku), !sku.contains(":") else {
            throw DomainError(code: "catalog.missingSKU", message: "a SKU is 1 to 64 plain characters without ':'")
        }
        let name = cell("name")
        let category = cell("category")
        guard !name.isEmpty, IdentifierAlphabet.isValidText(name) else {
            throw DomainError(code: "import.missingName", message: "\(sku): give the name")
        }
        guard !category.isEmpty, IdentifierAlphabet.isValidText(category) else {
            throw DomainError(code: "import.missingCategory", message: "\(sku): give the category")
        }
        let vatText = cell("vat").hasSuffix("%") ? String(cell("vat").dropLast()) : cell("vat")
        let vat = try MoneyText.parse(vatText, digits: 2)
        guard vat <= 10_000 else {
            throw DomainError(
                code: "input.invalidVATRate", message: "\(sku): a VAT rate of \(vatText) % is not plausible")
        }
        let kind: ProductKind?
        switch cell("kind").lowercased() {
        case "", "goods", "商品": kind = nil
        case "service", "服务": kind = .service
        case let other:
            throw DomainError(code: "import.invalidKind", message: "\(sku): kind is goods or service, not \(other)")
        }
        let vendor = cell("vendor")
        let product = Product(
            sku: SKU(sku), name: name, model: cell("model"), category: category,
            unitPrice: try MoneyText.money(cell("price"), currency),
            unitCost: try MoneyText.money(cell("cost"), currency),
            vatRate: VATRate(basisPoints: vat), serialTracked: try flag(cell("serialTracked"), default: false, sku),
            lotTracked: try flag(cell("lotTracked"), default: false, sku),
            returnable: try flag(cell("returnable"), default: true, sku),
            vendor: vendor.isEmpty ? nil : VendorID(vendor), kind: kind)
        try product.validate()
        return product
    }

    static func flag(_ text: String, default value: Bool, _ sku: String) throws(DomainError) -> Bool {
        switch text.lowercased() {
        case "": value
        case "yes", "y", "true", "1", "是": true
        case "no", "n", "false", "0", "否": false
        default: throw DomainError(code: "import.invalidFlag", message: "\(sku): '\(text)' is not yes or no")
        }
    }
}

/// A catalog import refused whole (`import.invalidRows`), with every row's problem.
public struct ImportRefusal: Error, Hashable, Sendable, Codable {
    public var problems: [CatalogImport.RowProblem]
    public init(_ problems: [CatalogImport.RowProblem]) { self.problems = problems }

    /// The refusal as the domain's error: the first rows' problems in its message.
    public var error: DomainError {
        let shown = problems.prefix(5).map { "row \($0.row): \($0.message)" }.joined(separator: "; ")
        let more = problems.count > 5 ? " (and \(problems.count - 5) more)" : ""
        return DomainError(
            code: "import.invalidRows",
            message: "\(problems.count) row(s) cannot be imported, nothing was: \(shown)\(more)",
            values: ["count": String(problems.count)])
    }
}

extension String {
    /// Without white space at either end (no Foundation in the core).
    func trimmingSpaces() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
