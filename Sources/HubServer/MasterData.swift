import Foundation
import HTTPSupport
public import HubStore
import Hummingbird
public import Replication
public import ReturnsDomain
import SwiftCSV

/// Head office's master data: stores and channels, and the catalog from a spreadsheet, each
/// published as the hub's own events (`store.defined`, `product.defined`) that every node pulls.
/// The rules are the core's (`StoreDefinition`, `CatalogImport`); here the CSV is only read.
public enum MasterData {
    /// Defines or changes store `id`; answers the store as kept.
    public static func defineStore(
        _ id: StoreID, _ definition: StoreDefinition, on store: any HubStore, by staff: StaffID, now: Int64
    ) async throws -> Store {
        let defined = try definition.store(id: id)
        try await store.authorAsHub([(.storeDefined(defined), RecordKey(.store, id.rawValue))], by: staff, now: now)
        return defined
    }

    /// What an import did, or would do with `check`.
    public struct ImportReport: Codable, Hashable, Sendable {
        /// Products defined (0 for a check).
        public var imported: Int
        /// Products the file holds.
        public var products: Int
        /// Every row that cannot be imported, and why; an import with any imports nothing.
        public var problems: [CatalogImport.RowProblem]
    }

    /// The most bytes of CSV one import takes.
    public static let maxCSVBytes = 8 << 20

    /// Imports the catalog in `csv` (UTF-8, with or without a byte order mark; comma, semicolon or
    /// tab separated), priced in `currency`: every product or none (`import.invalidRows`). With
    /// `check`, nothing is defined and the report says what would be (a file without the header a
    /// catalog needs is refused all the same).
    public static func importCatalog(
        _ csv: [UInt8], currency: Currency, check: Bool, on store: any HubStore, by staff: StaffID, now: Int64
    ) async throws -> ImportReport {
        let rows = try self.rows(of: csv)
        switch CatalogImport.products(rows: rows, currency: currency) {
        case .failure(let refusal):
            // A file that is no catalog (no header row with the needed columns) is refused even
            // when checked; a catalog with rows to fix is what a check reports.
            if check, !refusal.problems.contains(where: { $0.row == 1 }) {
                return ImportReport(imported: 0, products: 0, problems: refusal.problems)
            }
            throw refusal.error
        case .success(let products):
            if !check, !products.isEmpty {
                try await store.authorAsHub(
                    products.map { (.productDefined($0), RecordKey(.product, $0.sku.rawValue)) }, by: staff, now: now)
            }
            return ImportReport(imported: check ? 0 : products.count, products: products.count, problems: [])
        }
    }

    /// The rows of `csv`: UTF-8, with or without a byte order mark, as SwiftCSV reads it.
    static func rows(of csv: [UInt8]) throws -> [[String]] {
        var bytes = csv[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DomainError(
                code: "import.notUTF8",
                message: "the file is not UTF-8 text: save it as \"CSV UTF-8\" (Excel, WPS) and import it again")
        }
        do {
            let parsed = try CSV<Enumerated>(string: text, loadColumns: false)
            return [parsed.header] + parsed.rows
        } catch {
            throw DomainError(code: "import.malformedCSV", message: "the file is not CSV a spreadsheet would read")
        }
    }

    /// What an opening-stock import did, or would do with `check`.
    public struct StockImportReport: Codable, Hashable, Sendable {
        /// Rows received into stock (0 for a check).
        public var imported: Int
        /// Rows the file holds.
        public var rows: Int
        public var problems: [CatalogImport.RowProblem]
    }

    /// Imports opening stock in `csv` (`OpeningStockImport`), costed in `currency`: every row or
    /// none. Each row is goods received at its store, authored by the hub; only that store's
    /// nodes (and head office) receive it, as with any receipt.
    public static func importOpeningStock(
        _ csv: [UInt8], currency: Currency, check: Bool, on store: any HubStore, by staff: StaffID, now: Int64
    ) async throws -> StockImportReport {
        let rows = try self.rows(of: csv)
        let state = try await store.state()
        let stores = Set(try await state.stores().map(\.id))
        let held = Set(try await state.stock(sku: nil, store: nil).map { "\($0.store)\u{0}\($0.sku)" })
        var products: [SKU: Product] = [:]
        for product in try await state.products() { products[product.sku] = product }
        let result = OpeningStockImport.receipts(
            rows: rows, currency: currency, at: Instant(millis: now), product: { products[$0] },
            isStore: { stores.contains($0) }, hasStock: { held.contains("\($0)\u{0}\($1)") })
        switch result {
        case .failure(let refusal):
            if check, !refusal.problems.contains(where: { $0.row == 1 }) {
                return StockImportReport(imported: 0, rows: 0, problems: refusal.problems)
            }
            throw refusal.error
        case .success(let receipts):
            if !check, !receipts.isEmpty {
                try await store.authorAsHub(
                    receipts.map {
                        // One receipt per store and SKU, named so that a second import's rows differ.
                        (
                            .inventoryReceived($0),
                            RecordKey(
                                .inventoryReceipt, "OS-" + ReplicaState.fnv1a64("\($0.store)\u{0}\($0.sku)\u{0}\(now)"))
                        )
                    }, by: staff, now: now)
            }
            return StockImportReport(imported: check ? 0 : receipts.count, rows: receipts.count, problems: [])
        }
    }
}

extension HubRoutes {
    func addMasterDataRoutes(to api: Group) {
        api.get("stores") { _, context in
            _ = try context.headOffice(.reports)
            return try JSONCoding.response(try await store.state().stores())
        }
        api.put("stores/:id") { request, context in
            let by = try context.headOffice(.masterData)
            let body = try await JSONCoding.decode(StoreDefinition.self, from: request)
            let defined = try await MasterData.defineStore(
                StoreID(try context.pathID()), body, on: store, by: StaffID(by), now: clock())
            return try JSONCoding.response(defined)
        }
        // A spreadsheet of products, as CSV: every row or none; `check=true` only reports.
        api.post("catalog/import") { request, context in
            let by = try context.headOffice(.masterData)
            let (csv, check, currency) = try await csvImport(request)
            let report = try await MasterData.importCatalog(
                csv, currency: currency, check: check, on: store, by: StaffID(by), now: clock())
            return try JSONCoding.response(report)
        }
        // Opening stock from a spreadsheet, as goods received at each store: every row or none.
        api.post("stock/import") { request, context in
            let by = try context.headOffice(.masterData)
            let (csv, check, currency) = try await csvImport(request)
            let report = try await MasterData.importOpeningStock(
                csv, currency: currency, check: check, on: store, by: StaffID(by), now: clock())
            return try JSONCoding.response(report)
        }
    }

    /// A spreadsheet import's body (a CSV file), `check=true`, and `currency` (the hub's by default).
    func csvImport(_ request: Request) async throws -> (csv: [UInt8], check: Bool, currency: Currency) {
        let check = try request.queryCase("check", as: QueryFlag.self) == .true
        let currency =
            try request.query("currency").map {
                let c = Currency($0)
                guard c.isWellFormed else {
                    throw Problem(code: Problem.Code.invalidQuery, detail: "`currency` is three capital letters")
                }
                return c
            } ?? store.currency
        let body = try await request.body.collect(upTo: MasterData.maxCSVBytes)
        guard body.readableBytes > 0 else {
            throw Problem(code: Problem.Code.badRequest, detail: "send the CSV file as the body")
        }
        return (Array(buffer: body), check, currency)
    }
}

/// `true` or `false` in a query.
enum QueryFlag: String, CaseIterable, Sendable {
    case `true`, `false`
}
