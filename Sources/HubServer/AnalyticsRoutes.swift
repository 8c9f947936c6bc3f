import Foundation
import HTTPSupport
import HubStore
import Hummingbird
import Replication
import ReturnsDomain

/// Head office's filters, charts, supplier quality, stock pivot and drill-downs. The filtering and
/// every figure are the core's (`AnalyticsFilter`, `ReturnAnalytics`); these routes only read the
/// query, fetch the facts and answer.
extension HubRoutes {
    func addDrillDownRoutes(to api: Group) {
        // Return rates of one dimension, bucket by bucket, spikes marked.
        api.get("analytics/series") { request, context in
            _ = try context.headOffice(.reports)
            let dimension = try request.queryCase("by", as: AnalyticsDimension.self) ?? .reason
            let bucket = try request.queryCase("bucket", as: AnalyticsBucket.self) ?? .week
            let analytics = ReturnAnalytics(try await filteredInput(request))
            return try JSONCoding.response(analytics.series(by: dimension, bucket: bucket))
        }
        // Returns and defect rate by vendor, and what was sent back to each.
        api.get("analytics/suppliers") { request, context in
            _ = try context.headOffice(.reports)
            return try JSONCoding.response(ReturnAnalytics(try await filteredInput(request)).supplierQuality())
        }
        // Consolidated stock as SKU × store, with names and totals.
        api.get("stock/pivot") { request, context in
            _ = try context.headOffice(.reports)
            let location = try request.queryCase("location", as: StockLocation.self)
            let input = try await filteredInput(request)
            return try JSONCoding.response(
                StockPivot(stock: input.stock, location: location, products: input.products, stores: input.stores))
        }
        api.get("skus/:id") { request, context in
            _ = try context.headOffice(.reports)
            let sku = SKU(try context.pathID())
            let input = try await filteredInput(request)
            guard
                input.products[sku] != nil || input.stock.keys.contains(where: { $0.sku == sku })
                    || input.sales.contains(where: { $0.lines.contains { $0.sku == sku } })
                    || input.returns.contains(where: { $0.request.lines.contains { $0.sku == sku } })
            else {
                throw Problem(code: "sku.notFound", detail: "the hub knows no SKU \(sku)", values: ["sku": "\(sku)"])
            }
            return try JSONCoding.response(ReturnAnalytics(input).drillDown(sku: sku))
        }
        api.get("stores/:id/overview") { request, context in
            _ = try context.headOffice(.reports)
            let id = StoreID(try context.pathID())
            let input = try await filteredInput(request)
            guard
                input.stores[id] != nil || input.stock.keys.contains(where: { $0.store == id })
                    || input.sales.contains(where: { $0.store == id })
                    || input.returns.contains(where: { $0.request.store == id || $0.request.saleStore == id })
            else {
                throw Problem(
                    code: "store.notFound", detail: "the hub knows no store \(id)", values: ["store": "\(id)"])
            }
            return try JSONCoding.response(ReturnAnalytics(input).drillDown(store: id))
        }
    }

    /// The company's facts as the request's filters leave them.
    func filteredInput(_ request: Request) async throws -> AnalyticsInput {
        let filter = try AnalyticsFilter.parse { request.queryValue($0) }
        return filter.apply(to: try await store.state().analyticsInput())
    }

    /// `GET /api/v1/returns` with filters beyond `store` and `status`: every return is read and
    /// the core's filter kept what matches, paged the same way (newest request first).
    func filteredReturns(
        _ state: any HubStateView, filter: AnalyticsFilter, status: ReturnStatus?, limit: Int,
        after cursor: ReturnCursor?
    ) async throws -> (page: [ReturnOrderState], total: Int) {
        let products = Dictionary(try await state.products().map { ($0.sku, $0) }, uniquingKeysWith: { a, _ in a })
        let stores = Dictionary(try await state.stores().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let sellers = ReturnAnalytics(AnalyticsInput(products: products, stores: stores))
        var matching: [ReturnOrderState] = []
        var after: ReturnCursor? = nil
        while true {
            let batch = try await state.returns(store: nil, status: status, limit: 1000, after: after)
            for r in batch {
                guard let request = r.request else { continue }
                // The seller as the return names it: a receipt's store when it names none.
                let seller = request.saleStore ?? sellers.sellingStore(of: request)
                if filter.matches(request, seller: seller, products: products, stores: stores) { matching.append(r) }
            }
            guard batch.count == 1000, let last = batch.last.flatMap(ReturnCursor.init) else { break }
            after = last
        }
        var page = matching[...]
        if let cursor, let at = matching.firstIndex(where: { $0.request?.id.rawValue == cursor.id }) {
            page = matching[(at + 1)...]
        } else if let cursor {
            page = page.drop {
                guard let request = $0.request else { return true }
                let at = request.requestedAt.millis
                return at > cursor.requestedAt || (at == cursor.requestedAt && request.id.rawValue >= cursor.id)
            }
        }
        return (Array(page.prefix(limit)), matching.count)
    }
}
