import ArgumentParser
import Foundation
import HubServer
import ReturnsDomain

extension HubCommand {
    /// `returnsync hub store set|list`: head office's stores and channels.
    struct StoreCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "store",
            abstract: CLIWords.text(
                "cli.help.hub.store.about",
                english: "Define the chain's stores and channels: name, kind, currency, address, tax id, time zone."),
            subcommands: [Set.self, List.self])

        struct Set: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.store.set", english: "Define or change a store or channel; every node receives it."),
                discussion: """
                    Kinds: branch (a shop), online (the web shop), marketplace. The address and tax id \
                    are what the store's documents print unless the store sets its own; the time zone \
                    (an IANA name) says where its business days begin. The same as \
                    PUT /api/v1/stores/{id} on the hub's API.

                    Example:
                      returnsync hub store set --data /var/lib/returnsync-hub --id SH-01 --name 上海南京路店 \\
                        --kind branch --currency CNY --address "上海市黄浦区南京东路 100 号" \\
                        --tax-id 91310000MA1FL00000 --time-zone Asia/Shanghai
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "The store or channel id.") var id: String
            @Option(help: "Its name, in any script.") var name: String
            @Option(help: "branch, online or marketplace.") var kind = "branch"
            @Option(help: "Its currency (ISO 4217).") var currency: String
            @Option(help: "The address its documents print.") var address: String?
            @Option(name: .customLong("tax-id"), help: "The tax id its documents print.") var taxID: String?
            @Option(name: .customLong("time-zone"), help: "Its IANA time zone, e.g. Asia/Shanghai.") var timeZone:
                String?

            func run() async throws {
                guard let kind = StoreKind(rawValue: kind) else {
                    throw ValidationError("store.invalid: \(kind) is not branch, online or marketplace")
                }
                let definition = StoreDefinition(
                    name: name, kind: kind, currency: Currency(currency), address: address, taxID: taxID,
                    timeZone: timeZone)
                let store = try await MasterData.defineStore(
                    StoreID(id), definition, on: try await folder.open(), by: "hub-cli",
                    now: Int64(Date().timeIntervalSince1970 * 1000))
                print("\(store.id) \(store.name): \(store.kind.rawValue), \(store.currency)")
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text("cli.help.hub.store.list", english: "List the chain's stores and channels."))
            @OptionGroup var folder: HubFolder

            func run() async throws {
                for s in try await folder.open().state().stores() {
                    print(
                        "\(s.id) \(s.name): \(s.kind.rawValue), \(s.currency)"
                            + (s.timeZone.map { ", \($0)" } ?? "") + (s.address.map { ", \($0)" } ?? ""))
                }
            }
        }
    }

    /// `returnsync hub catalog import`: the catalog from a spreadsheet.
    struct CatalogCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "catalog",
            abstract: CLIWords.text(
                "cli.help.hub.catalog.about", english: "Head office's catalog: import it from a spreadsheet (CSV)."),
            subcommands: [Import.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.catalog.import",
                    english: "Import products from a CSV file: every row or none; every node receives them."),
                discussion: """
                    The first row names the columns, in English or Chinese: sku (商品编码), name (名称), \
                    category (类别), price (售价), cost (成本), vat (税率, percent) are needed; model (型号), \
                    vendor (供应商), serialTracked (序列号管理), lotTracked (批次管理), returnable (可退货) \
                    and kind (类型: goods/service, 商品/服务) may follow. Yes/no columns take yes/no, \
                    是/否, true/false or 1/0. The file is UTF-8 ("CSV UTF-8" in Excel or WPS). A file \
                    with any bad row imports nothing and lists the rows to fix; --check only reports. \
                    The same as POST /api/v1/catalog/import on the hub's API.

                    Example:
                      returnsync hub catalog import --data /var/lib/returnsync-hub --file 商品目录.csv --check
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "The CSV file.") var file: String
            @Option(help: "The currency of its prices (default: the hub's).") var currency: String?
            @Flag(help: "Only check the file; define nothing.") var check = false

            func run() async throws {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw DomainError(code: "input.fileUnreadable", message: "cannot read \(file)")
                }
                let hub = try await folder.open()
                let report = try await MasterData.importCatalog(
                    Array(data), currency: currency.map { Currency($0) } ?? hub.currency, check: check, on: hub,
                    by: "hub-cli", now: Int64(Date().timeIntervalSince1970 * 1000))
                for p in report.problems { print("row \(p.row): \(p.code): \(p.message)") }
                if check {
                    print("\(report.products) product(s) would be imported; \(report.problems.count) row(s) to fix")
                } else {
                    print("\(report.imported) product(s) imported")
                }
                if !report.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }

    /// `returnsync hub stock import`: a store's opening stock from a spreadsheet.
    struct StockCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stock",
            abstract: CLIWords.text(
                "cli.help.hub.stock.about", english: "Opening stock: bring each store's stock over from a spreadsheet."),
            subcommands: [Import.self])

        struct Import: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: CLIWords.text(
                    "cli.help.hub.stock.import",
                    english: "Import opening stock from a CSV file: every row or none; each store receives its own."),
                discussion: """
                    The first row names the columns, in English or Chinese: store (门店), sku (商品编码) \
                    and quantity (数量) are needed; cost (成本, per unit) and vendor (供应商) default to \
                    the catalog's. Each row is goods received at that store. A store that already \
                    holds stock of a SKU is refused for it: opening stock comes in once. The file is \
                    UTF-8 ("CSV UTF-8"); --check only reports. The same as POST /api/v1/stock/import.

                    Example:
                      returnsync hub stock import --data /var/lib/returnsync-hub --file 期初库存.csv --check
                    """)
            @OptionGroup var folder: HubFolder
            @Option(help: "The CSV file.") var file: String
            @Option(help: "The currency of its costs (default: the hub's).") var currency: String?
            @Flag(help: "Only check the file; receive nothing.") var check = false

            func run() async throws {
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw DomainError(code: "input.fileUnreadable", message: "cannot read \(file)")
                }
                let hub = try await folder.open()
                let report = try await MasterData.importOpeningStock(
                    Array(data), currency: currency.map { Currency($0) } ?? hub.currency, check: check, on: hub,
                    by: "hub-cli", now: Int64(Date().timeIntervalSince1970 * 1000))
                for p in report.problems { print("row \(p.row): \(p.code): \(p.message)") }
                if check {
                    print("\(report.rows) row(s) would be received; \(report.problems.count) row(s) to fix")
                } else {
                    print("\(report.imported) row(s) received into stock")
                }
                if !report.problems.isEmpty { throw ExitCode(1) }
            }
        }
    }
}
