import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Head office's master data through the hub's API: stores and channels, and the catalog from a
/// spreadsheet, published as events every node pulls.
@Suite("Hub API: stores, channels and the catalog from CSV")
struct MasterDataTests {
    @Test("a store head office defines reaches its node, whose documents print its address", arguments: HubBackend.all)
    func stores(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            try await HeadOfficeSignInTests.define(hub, "hq.goods", [.merchandiser])
            try await HeadOfficeSignInTests.define(hub, "hq.analyst", [.analyst])
            let merchandiser = try await HeadOfficeSignInTests.signIn(client, "hq.goods")
            let analyst = try await HeadOfficeSignInTests.signIn(client, "hq.analyst")
            let body = try jsonText(
                StoreDefinition(
                    name: "上海南京路店", kind: .branch, currency: Currency("EUR"), address: "上海市黄浦区南京东路 100 号",
                    taxID: "91310000MA1FL00000", timeZone: "Asia/Shanghai"))
            expectProblem(
                try await HeadOfficeSignInTests.send(
                    client, .put, "/api/v1/stores/S01", cookie: analyst.cookie!, csrf: analyst.csrf, body: body),
                .forbidden, "auth.forbidden")
            let defined = try await HeadOfficeSignInTests.send(
                client, .put, "/api/v1/stores/S01", cookie: merchandiser.cookie!, csrf: merchandiser.csrf, body: body)
            expectStatus(defined, .ok)
            let bad = try jsonText(StoreDefinition(name: "x", currency: Currency("EUR"), timeZone: "Shanghai time"))
            expectProblem(
                try await HeadOfficeSignInTests.send(
                    client, .put, "/api/v1/stores/S02", cookie: merchandiser.cookie!, csrf: merchandiser.csrf, body: bad
                ),
                .unprocessableContent, "store.invalid")
            let stores = try await HeadOfficeSignInTests.send(client, .get, "/api/v1/stores", cookie: analyst.cookie!)
                .decode([Store].self)
            #expect(stores.map(\.id) == ["S01"] && stores.first?.timeZone == "Asia/Shanghai")

            // The store's node pulls it; its documents print head office's address and tax id.
            let token = try await hub.enroll("S01-a", store: "S01")
            let node = try StoreNode("S01-a", store: "S01")
            try await node.setUp()
            try await EscrowTests.catchUp(node, token: token, client: client)
            let profile = try await node.service.storeProfile()
            #expect(profile.name == "上海南京路店" && profile.address == "上海市黄浦区南京东路 100 号")
            #expect(profile.taxID == "91310000MA1FL00000")
        }
    }

    static let catalog = """
        \u{FEFF}商品编码,名称,型号,类别,售价,成本,税率,序列号管理,可退货,类型
        TEA-1,"龙井茶, 250g",,食品,88.00,40.00,13%,否,是,
        PHONE-9,手机,Mate 60,手机,"5,999.00",4000.00,13,是,是,商品
        INSTALL,安装服务,,服务,0,0,6,,,服务
        """

    @Test(
        "a catalog CSV with Chinese headers imports every product, or none with the rows to fix",
        arguments: HubBackend.all)
    func catalogImport(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            func post(_ csv: String, check: Bool = false) async throws -> TestResponse {
                try await client.execute(
                    uri: "/api/v1/catalog/import" + (check ? "?check=true" : ""), method: .post,
                    headers: [.authorization: "Bearer \(office)", .contentType: "text/csv; charset=utf-8"],
                    body: ByteBuffer(string: csv))
            }
            // "5,999.00" is a thousands separator the import does not read: the whole file waits.
            let checked = try await post(Self.catalog, check: true).decode(MasterData.ImportReport.self)
            #expect(checked.imported == 0 && checked.problems.map(\.row) == [3], "\(checked)")
            expectProblem(try await post(Self.catalog), .unprocessableContent, "import.invalidRows")
            #expect(try await hub.store.state().products().isEmpty, "nothing imported")

            let fixed = Self.catalog.replacingOccurrences(of: "\"5,999.00\"", with: "5999.00")
            let report = try await post(fixed).decode(MasterData.ImportReport.self)
            #expect(report.imported == 3 && report.problems.isEmpty, "\(report)")
            let products = Dictionary(
                uniqueKeysWithValues: try await hub.store.state().products().map { ($0.sku, $0) })
            #expect(products["TEA-1"]?.name == "龙井茶, 250g" && products["TEA-1"]?.vatRate.basisPoints == 1300)
            #expect(products["PHONE-9"]?.serialTracked == true && products["PHONE-9"]?.unitPrice.minor == 5_999_00)
            #expect(products["INSTALL"]?.isService == true)

            let notUTF8 = try await client.execute(
                uri: "/api/v1/catalog/import", method: .post, headers: [.authorization: "Bearer \(office)"],
                body: ByteBuffer(bytes: [0xC9, 0xCC, 0xC6, 0xB7, 0x0A]))  // 商品 in GBK
            expectProblem(notUTF8, .unprocessableContent, "import.notUTF8")
        }
    }

    @Test(
        "opening stock from a CSV is received at each store, once; its store's node gets it",
        arguments: HubBackend.all)
    func openingStock(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            func post(_ uri: String, _ csv: String) async throws -> TestResponse {
                try await client.execute(
                    uri: uri, method: .post,
                    headers: [.authorization: "Bearer \(office)", .contentType: "text/csv; charset=utf-8"],
                    body: ByteBuffer(string: csv))
            }
            let fixed = Self.catalog.replacingOccurrences(of: "\"5,999.00\"", with: "5999.00")
            expectStatus(try await post("/api/v1/catalog/import", fixed), .ok)
            for id in ["S01", "S02"] {
                _ = try await MasterData.defineStore(
                    StoreID(id), StoreDefinition(name: id, currency: Currency("EUR")), on: hub.store, by: "hq",
                    now: HubFixture.now)
            }
            let stock = """
                \u{FEFF}门店,商品编码,数量,成本
                S01,TEA-1,40,
                S02,PHONE-9,3,3800.00
                S03,TEA-1,1,
                S01,INSTALL,1,
                S01,TEA-1,2,
                """
            let checked = try await post("/api/v1/stock/import?check=true", stock).decode(
                MasterData.StockImportReport.self)
            #expect(
                checked.problems.map(\.code) == [
                    "import.unknownStore", "catalog.serviceNotStocked", "import.duplicateRow",
                ])
            #expect(checked.problems.map(\.row) == [4, 5, 6])
            expectProblem(try await post("/api/v1/stock/import", stock), .unprocessableContent, "import.invalidRows")
            #expect(try await hub.store.state().stock(sku: nil, store: nil).isEmpty, "nothing received")

            let good = stock.split(separator: "\n").prefix(3).joined(separator: "\n")
            let report = try await post("/api/v1/stock/import", good).decode(MasterData.StockImportReport.self)
            #expect(report.imported == 2 && report.problems.isEmpty, "\(report)")
            let levels = try await hub.store.state().stock(sku: nil, store: nil)
            #expect(levels.map { "\($0.store) \($0.sku) \($0.quantity)" } == ["S01 TEA-1 40", "S02 PHONE-9 3"])
            // Opening stock comes in once.
            let again = try await post("/api/v1/stock/import?check=true", good).decode(
                MasterData.StockImportReport.self)
            #expect(again.problems.map(\.code) == ["import.stockExists", "import.stockExists"])

            // S01's node receives its own opening stock, at the catalog's cost; not S02's.
            let token = try await hub.enroll("S01-a", store: "S01")
            let node = try StoreNode("S01-a", store: "S01")
            try await EscrowTests.catchUp(node, token: token, client: client)
            let rows = try await node.service.read { try $0.stock(store: "S01") }
            #expect(rows.map { "\($0.sku) \($0.quantity)" } == ["TEA-1 40"], "\(rows)")
        }
    }
}
