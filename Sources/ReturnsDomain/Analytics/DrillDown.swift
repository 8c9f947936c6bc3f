/// One return as a drill-down lists it.
public struct ReturnSummary: Hashable, Sendable, Codable {
    public var id: ReturnID
    /// The store that took it in.
    public var store: StoreID
    /// The store that made the sale (the taker for a receipt-less return).
    public var seller: StoreID
    public var sale: SaleID?
    public var customer: CustomerID?
    public var requestedAt: Instant
    /// Units of the lines in view (of one SKU in a SKU's drill-down).
    public var units: Int
    public var reasons: [ReasonCode]
    public var rejected: Bool
}

/// Units of one SKU in one store, by location.
public struct StoreStock: Hashable, Sendable, Codable {
    public var store: StoreID
    public var name: String?
    /// Non-zero quantities by location (`StockLocation`).
    public var locations: [String: Int]
    public var total: Int
}

/// Units of one SKU in one store, all locations together.
public struct SKUStockTotal: Hashable, Sendable, Codable {
    public var sku: SKU
    public var name: String?
    public var locations: [String: Int]
    public var total: Int
}

/// Everything head office sees when it opens a SKU: the product, its stock in every store, its
/// sales and returns, and why it comes back.
public struct SKUDrillDown: Hashable, Sendable, Codable {
    public var sku: SKU
    /// nil when the SKU is not in the catalog.
    public var product: Product?
    public var stock: [StoreStock]
    public var soldUnits: Int
    public var returnedUnits: Int
    public var rateBasisPoints: Int?
    /// Returned units per reason, most first.
    public var reasons: [ReturnRateRow]
    /// Return rate per selling store.
    public var stores: [ReturnRateRow]
    /// Newest request first, at most `ReturnAnalytics.drillDownReturns`.
    public var returns: [ReturnSummary]
    /// How many returns there are in all.
    public var returnCount: Int
}

/// Everything head office sees when it opens a store: what it is, its return rate, why goods come
/// back to it, its most returned SKUs, its stock and its latest returns.
public struct StoreDrillDown: Hashable, Sendable, Codable {
    public var id: StoreID
    /// nil when head office has not described the store.
    public var store: Store?
    public var soldUnits: Int
    /// Units returned against its sales.
    public var returnedUnits: Int
    public var rateBasisPoints: Int?
    /// Units it took in, whoever sold them.
    public var takenInUnits: Int
    /// Returned units per reason (its sales and its intake), most first.
    public var reasons: [ReturnRateRow]
    /// Its SKUs with the most units returned, most first (ten at most).
    public var topReturned: [TopReturnedItem]
    /// By SKU.
    public var stock: [SKUStockTotal]
    /// Newest request first, at most `ReturnAnalytics.drillDownReturns`.
    public var returns: [ReturnSummary]
    public var returnCount: Int
}

extension ReturnAnalytics {
    /// How many returns a drill-down lists.
    public static let drillDownReturns = 50

    func summary(_ facts: ReturnFacts, lines: [ReturnLine]) -> ReturnSummary {
        let r = facts.request
        return ReturnSummary(
            id: r.id, store: r.store, seller: sellingStore(of: r), sale: r.sale, customer: r.customer,
            requestedAt: r.requestedAt, units: lines.reduce(0) { $0 + $1.quantity },
            reasons: Array(Set(lines.map(\.reason))).sorted(), rejected: facts.rejected)
    }

    static func newestFirst(_ a: ReturnSummary, _ b: ReturnSummary) -> Bool {
        a.requestedAt != b.requestedAt ? a.requestedAt > b.requestedAt : a.id.rawValue > b.id.rawValue
    }

    static func mostReturned(_ rows: [ReturnRateRow]) -> [ReturnRateRow] {
        rows.filter { $0.returnedUnits > 0 }.sorted {
            $0.returnedUnits != $1.returnedUnits ? $0.returnedUnits > $1.returnedUnits : $0.key < $1.key
        }
    }

    /// `sku` seen from everywhere (the input as filtered).
    public func drillDown(sku: SKU) -> SKUDrillDown {
        let one = ReturnAnalytics(Self.only(sku: sku, of: input))
        var byStore: [StoreID: [String: Int]] = [:]
        for (key, quantity) in input.stock where key.sku == sku && quantity != 0 {
            byStore[key.store, default: [:]][key.location.rawValue, default: 0] += quantity
        }
        let stock = byStore.keys.sorted().map { store in
            StoreStock(
                store: store, name: input.stores[store]?.name, locations: byStore[store]!,
                total: byStore[store]!.values.reduce(0, +))
        }
        let returns = one.input.returns.map { one.summary($0, lines: $0.request.lines) }.sorted(by: Self.newestFirst)
        let total = one.tally(.sku)
        let sold = total.soldUnits(sku.rawValue)
        let back = total.returnedUnits(sku.rawValue)
        return SKUDrillDown(
            sku: sku, product: input.products[sku], stock: stock, soldUnits: sold, returnedUnits: back,
            rateBasisPoints: AnalyticsMath.basisPoints(back, of: sold),
            reasons: Self.mostReturned(one.returnRates(by: .reason)), stores: one.returnRates(by: .store),
            returns: Array(returns.prefix(Self.drillDownReturns)), returnCount: returns.count)
    }

    /// The facts of one SKU: its sale lines and return lines only.
    static func only(sku: SKU, of input: AnalyticsInput) -> AnalyticsInput {
        var out = input
        out.sales = input.sales.compactMap { sale in
            var kept = sale
            kept.lines = sale.lines.filter { $0.sku == sku }
            return kept.lines.isEmpty ? nil : kept
        }
        out.returns = input.returns.compactMap { facts in
            guard facts.request.lines.contains(where: { $0.sku == sku }) else { return nil }
            return AnalyticsFilter.keeping(facts) { $0.sku == sku }
        }
        out.stock = input.stock.filter { $0.key.sku == sku }
        return out
    }

    /// `store` seen from head office (the input as filtered).
    public func drillDown(store: StoreID) -> StoreDrillDown {
        let rates = storeReturnRates().first { $0.store == store }
        let mine = input.returns.filter { $0.request.store == store || sellingStore(of: $0.request) == store }
        var sold = input
        sold.sales = input.sales.filter { $0.store == store }
        sold.returns = mine.filter { sellingStore(of: $0.request) == store }
        let asSeller = ReturnAnalytics(sold)
        var reasons = input
        reasons.returns = mine
        var bySKU: [SKU: [String: Int]] = [:]
        for (key, quantity) in input.stock where key.store == store && quantity != 0 {
            bySKU[key.sku, default: [:]][key.location.rawValue, default: 0] += quantity
        }
        let returns = mine.map { summary($0, lines: $0.request.lines) }.sorted(by: Self.newestFirst)
        return StoreDrillDown(
            id: store, store: input.stores[store], soldUnits: rates?.soldUnits ?? 0,
            returnedUnits: rates?.returnedUnits ?? 0, rateBasisPoints: rates?.rateBasisPoints,
            takenInUnits: rates?.takenInUnits ?? 0,
            reasons: Self.mostReturned(ReturnAnalytics(reasons).returnRates(by: .reason)),
            topReturned: asSeller.topReturnedItems(limit: 10),
            stock: bySKU.keys.sorted().map { sku in
                SKUStockTotal(
                    sku: sku, name: input.products[sku]?.name, locations: bySKU[sku]!,
                    total: bySKU[sku]!.values.reduce(0, +))
            },
            returns: Array(returns.prefix(Self.drillDownReturns)), returnCount: returns.count)
    }
}
