import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import Replication
import ReturnsDomain
import Testing

/// Head office's filters, charts, supplier quality, stock pivot, drill-downs and paged lists over
/// what two stores pushed (`HeadOfficeRoutesTests.trade`: S01 and S02 each sold two kettles on
/// 2025-03-09 and took one back on 2025-03-10), on both backends.
@Suite("Hub API: filters, charts and drill-down")
struct DrillDownRouteTests {
    /// The link a response's `Link: <…>; rel="next"` gives, if any.
    static func next(_ response: TestResponse) -> String? {
        response.headers[.init("Link")!].map { String($0.dropFirst().prefix { $0 != ">" }) }
    }

    @Test(
        "the analytics and the returns list follow the filters; a bad value names its parameter",
        arguments: HubBackend.all)
    func filters(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await HeadOfficeRoutesTests.trade(hub, client)
            let s01 = try await client.call(.get, "/api/v1/analytics?store=S01", token: office)
            expectStatus(s01, .ok)
            let report = try s01.decode(AnalyticsReport.self)
            #expect(report.ratesByStore.map(\.store) == ["S01"], "\(report.ratesByStore)")
            #expect(report.ratesBySKU.map(\.soldUnits) == [2] && report.ratesBySKU.map(\.returnedUnits) == [1])
            let later = try await client.call(.get, "/api/v1/analytics?from=2025-03-11", token: office)
            #expect(try later.decode(AnalyticsReport.self).ratesBySKU.isEmpty)

            for (query, code) in [
                ("from=yesterday", "filter.invalidFrom"), ("to=2025-13-01", "filter.invalidTo"),
                ("from=2025-03-10&to=2025-03-09", "filter.invalidPeriod"), ("channel=shop", "filter.invalidChannel"),
                ("reason=broken", "filter.invalidReason"), ("store=", "filter.invalidStore"),
            ] {
                expectProblem(
                    try await client.call(.get, "/api/v1/analytics?\(query)", token: office), .unprocessableContent,
                    code)
                expectProblem(
                    try await client.call(.get, "/api/v1/returns?\(query)", token: office), .unprocessableContent,
                    code)
            }

            let s02 = try await client.call(.get, "/api/v1/returns?store=S02", token: office)
            #expect(s02.headers[.init("X-Total-Count")!] == "1")
            #expect(try s02.decode([ReturnOrderState].self).map { $0.request?.store } == ["S02"])
            let defective = try await client.call(.get, "/api/v1/returns?reason=defective", token: office)
            #expect(defective.headers[.init("X-Total-Count")!] == "0")
            #expect(try defective.decode([ReturnOrderState].self).isEmpty)
            // The day of the returns, one a page: the next page keeps the filter.
            let first = try await client.call(
                .get, "/api/v1/returns?from=2025-03-10&to=2025-03-10&channel=branch&limit=1", token: office)
            #expect(first.headers[.init("X-Total-Count")!] == "0", "no store is described, so none is a branch")
            let day = try await client.call(
                .get, "/api/v1/returns?from=2025-03-10&to=2025-03-10&limit=1", token: office)
            #expect(day.headers[.init("X-Total-Count")!] == "2")
            let link = try #require(Self.next(day))
            #expect(link.contains("from=2025-03-10T00%3A00%3A00Z"), "\(link)")
            let second = try await client.call(.get, link, token: office)
            #expect(Self.next(second) == nil)
            let ids =
                try day.decode([ReturnOrderState].self).compactMap(\.request?.id)
                + second.decode([ReturnOrderState].self).compactMap(\.request?.id)
            #expect(Set(ids).count == 2)
        }
    }

    @Test("charts by dimension and bucket, supplier quality and the stock pivot", arguments: HubBackend.all)
    func chartsSuppliersPivot(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await HeadOfficeRoutesTests.trade(hub, client)
            let byDay = try await client.call(.get, "/api/v1/analytics/series?by=store&bucket=day", token: office)
            expectStatus(byDay, .ok)
            let series = try byDay.decode(AnalyticsSeries.self)
            #expect(series.buckets == ["2025-03-09", "2025-03-10"] && series.dimension == .store)
            #expect(Set(series.totals.map(\.key)) == ["S01", "S02"])
            #expect(series.points.filter { $0.bucket == "2025-03-10" }.map(\.returnedUnits) == [1, 1])
            let week = try await client.call(
                .get, "/api/v1/analytics/series?by=reason&bucket=week&store=S01", token: office)
            #expect(try week.decode(AnalyticsSeries.self).buckets == ["2025-03-03", "2025-03-10"])
            expectProblem(
                try await client.call(.get, "/api/v1/analytics/series?bucket=year", token: office),
                .unprocessableContent, "input.invalidQuery")

            let suppliers = try await client.call(.get, "/api/v1/analytics/suppliers", token: office)
            expectStatus(suppliers, .ok)
            let rows = try suppliers.decode([SupplierQualityRow].self)
            #expect(rows.map(\.vendor) == ["(unknown)"] && rows.first?.soldUnits == 4 && rows.first?.defectUnits == 0)

            let pivotAnswer = try await client.call(.get, "/api/v1/stock/pivot?location=sellable", token: office)
            expectStatus(pivotAnswer, .ok)
            let pivot = try pivotAnswer.decode(StockPivot.self)
            #expect(pivot.columns.map(\.store) == ["S01", "S02"] && pivot.rows.map(\.sku) == ["KETTLE"])
            #expect(pivot.rows.first?.name == StoreNode.kettle.name)
            #expect(pivot.rows.first?.quantities == [9, 9] && pivot.total == 18, "\(pivot)")
            let one = try await client.call(.get, "/api/v1/stock/pivot?store=S02", token: office)
            #expect(try one.decode(StockPivot.self).columns.map(\.store) == ["S02"])
            expectProblem(
                try await client.call(.get, "/api/v1/stock/pivot?location=attic", token: office),
                .unprocessableContent, "input.invalidQuery")
        }
    }

    @Test("a SKU's and a store's drill-down; unknown ones are 404", arguments: HubBackend.all)
    func drillDowns(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await HeadOfficeRoutesTests.trade(hub, client)
            let kettle = try await client.call(.get, "/api/v1/skus/KETTLE", token: office)
            expectStatus(kettle, .ok)
            let sku = try kettle.decode(SKUDrillDown.self)
            #expect(sku.product?.name == StoreNode.kettle.name && sku.soldUnits == 4 && sku.returnedUnits == 2)
            #expect(sku.stock.map(\.store) == ["S01", "S02"] && sku.reasons.map(\.key) == ["changedMind"])
            #expect(sku.returnCount == 2)
            let filtered = try await client.call(.get, "/api/v1/skus/KETTLE?store=S01", token: office)
            let s01 = try filtered.decode(SKUDrillDown.self)
            #expect(s01.returnCount == 1 && s01.stock.map(\.store) == ["S01"])
            expectProblem(try await client.call(.get, "/api/v1/skus/NOPE", token: office), .notFound, "sku.notFound")

            let store = try await client.call(.get, "/api/v1/stores/S01/overview", token: office)
            expectStatus(store, .ok)
            let s = try store.decode(StoreDrillDown.self)
            #expect(s.soldUnits == 2 && s.returnedUnits == 1 && s.takenInUnits == 1 && s.returnCount == 1)
            #expect(s.stock.map(\.sku) == ["KETTLE"] && s.topReturned.map(\.sku) == ["KETTLE"])
            expectProblem(
                try await client.call(.get, "/api/v1/stores/NOPE/overview", token: office), .notFound,
                "store.notFound")
            // A store node's token reads no head-office drill-down.
            let node = try await hub.enroll("S09-a", store: "S09")
            #expect(try await client.call(.get, "/api/v1/skus/KETTLE", token: node).status == .forbidden)
        }
    }

    @Test("stock rows, stores and the other head-office lists come in pages with a total", arguments: HubBackend.all)
    func pages(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await HeadOfficeRoutesTests.trade(hub, client)
            let first = try await client.call(.get, "/api/v1/stock?limit=1", token: office)
            expectStatus(first, .ok)
            #expect(first.headers[.init("X-Total-Count")!] == "2")
            let link = try #require(Self.next(first))
            let second = try await client.call(.get, link, token: office)
            #expect(Self.next(second) == nil)
            let rows = try first.decode([StockLevel].self) + second.decode([StockLevel].self)
            #expect(rows.map(\.store) == ["S01", "S02"])

            for id in ["S01", "S02", "S03"] {
                expectStatus(
                    try await client.call(
                        .put, "/api/v1/stores/\(id)", token: office,
                        raw: #"{"name":"Store \#(id)","kind":"branch","currency":"EUR"}"#),
                    .ok)
            }
            var seen: [String] = []
            var page: String? = "/api/v1/stores?limit=2"
            while let path = page {
                let answer = try await client.call(.get, path, token: office)
                #expect(answer.headers[.init("X-Total-Count")!] == "3")
                seen += try answer.decode([Store].self).map(\.id.rawValue)
                page = Self.next(answer)
            }
            #expect(seen == ["S01", "S02", "S03"])

            for list in ["exceptions", "incidents", "exceptions/resolutions", "users"] {
                let answer = try await client.call(.get, "/api/v1/\(list)?limit=5", token: office)
                #expect(answer.status == .ok && answer.headers[.init("X-Total-Count")!] != nil, "\(list)")
                expectProblem(
                    try await client.call(.get, "/api/v1/\(list)?cursor=!!", token: office), .unprocessableContent,
                    "input.invalidQuery")
            }
        }
    }
}
