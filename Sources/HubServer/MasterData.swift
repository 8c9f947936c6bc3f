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
        var bytes = csv[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw DomainError(
                code: "import.notUTF8",
                message: "the file is not UTF-8 text: save it as \"CSV UTF-8\" (Excel, WPS) and import it again")
        }
        let rows: [[String]]
        do {
            let parsed = try CSV<Enumerated>(string: text, loadColumns: false)
            rows = [parsed.header] + parsed.rows
        } catch {
            throw DomainError(code: "import.malformedCSV", message: "the file is not CSV a spreadsheet would read")
        }
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
}

extension HubRoutes {
    func addMasterDataRoutes(to api: Group) {
        api.get("stores") { request, context in
            _ = try context.headOffice(.reports)
            return try ListPage.response(
                try await store.state().stores(), key: \.id.rawValue, request: request, path: "stores")
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
            let report = try await MasterData.importCatalog(
                Array(buffer: body), currency: currency, check: check, on: store, by: StaffID(by), now: clock())
            return try JSONCoding.response(report)
        }
    }
}

/// `true` or `false` in a query.
enum QueryFlag: String, CaseIterable, Sendable {
    case `true`, `false`
}
