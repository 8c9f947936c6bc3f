/// The return rate of one key of a dimension (one SKU, one category, one month…).
public struct ReturnRateRow: Hashable, Sendable, Codable {
    public var key: String
    public var soldUnits: Int
    /// Units returned; rejected returns are left out.
    public var returnedUnits: Int
    /// `returned × 10_000 / sold`, rounded down; nil when nothing was sold.
    public var rateBasisPoints: Int?
    /// This key's share of all units returned in the dimension, rounded down (0 when none were).
    public var shareBasisPoints: Int

    public init(key: String, soldUnits: Int, returnedUnits: Int, rateBasisPoints: Int?, shareBasisPoints: Int) {
        self.key = key
        self.soldUnits = soldUnits
        self.returnedUnits = returnedUnits
        self.rateBasisPoints = rateBasisPoints
        self.shareBasisPoints = shareBasisPoints
    }
}

/// A store's return rate (returns count against the selling store) and the returns it took in.
public struct StoreReturnRateRow: Hashable, Sendable, Codable {
    public var store: StoreID
    /// The store's kind; nil when the store is not in the store list.
    public var channel: StoreKind?
    public var soldUnits: Int
    /// Units returned against this store's sales, wherever they were taken in.
    public var returnedUnits: Int
    /// `returned × 10_000 / sold`, rounded down; nil when nothing was sold.
    public var rateBasisPoints: Int?
    /// Units this store took in, whoever sold them.
    public var takenInUnits: Int
    /// The part of `takenInUnits` that another store sold.
    public var takenInForOtherStores: Int

    public init(
        store: StoreID, channel: StoreKind?, soldUnits: Int, returnedUnits: Int, rateBasisPoints: Int?,
        takenInUnits: Int, takenInForOtherStores: Int
    ) {
        self.store = store
        self.channel = channel
        self.soldUnits = soldUnits
        self.returnedUnits = returnedUnits
        self.rateBasisPoints = rateBasisPoints
        self.takenInUnits = takenInUnits
        self.takenInForOtherStores = takenInForOtherStores
    }
}

/// One of the most returned products.
public struct TopReturnedItem: Hashable, Sendable, Codable {
    public var sku: SKU
    /// The catalog name; nil when the SKU is not in the catalog.
    public var name: String?
    public var returnedUnits: Int
    public var soldUnits: Int
    /// `returned × 10_000 / sold`, rounded down; nil when nothing was sold.
    public var rateBasisPoints: Int?

    public init(sku: SKU, name: String?, returnedUnits: Int, soldUnits: Int, rateBasisPoints: Int?) {
        self.sku = sku
        self.name = name
        self.returnedUnits = returnedUnits
        self.soldUnits = soldUnits
        self.rateBasisPoints = rateBasisPoints
    }
}

/// Sold and returned units per key of one dimension.
struct RateTally {
    var sold: [String: Int] = [:]
    /// Units that count as sold for every key (sales are not split by return reason).
    var soldToEveryKey = 0
    var returned: [String: Int] = [:]

    mutating func addSold(_ key: String?, _ units: Int) {
        if let key { sold[key, default: 0] += units } else { soldToEveryKey += units }
    }

    mutating func addReturned(_ key: String, _ units: Int) { returned[key, default: 0] += units }

    func soldUnits(_ key: String) -> Int { sold[key, default: 0] + soldToEveryKey }
    func returnedUnits(_ key: String) -> Int { returned[key, default: 0] }
    var totalReturned: Int { returned.values.reduce(0, +) }
    var keys: [String] { Set(sold.keys).union(returned.keys).sorted() }

    func row(_ key: String) -> ReturnRateRow {
        let sold = soldUnits(key)
        let back = returnedUnits(key)
        return ReturnRateRow(
            key: key, soldUnits: sold, returnedUnits: back,
            rateBasisPoints: AnalyticsMath.basisPoints(back, of: sold),
            shareBasisPoints: AnalyticsMath.basisPoints(back, of: totalReturned) ?? 0)
    }
}

extension ReturnAnalytics {
    /// Return rate per key of `dimension`, sorted by key. Every key that sold or took back a unit
    /// has a row; for `.store` the seller is charged (see `storeReturnRates()` for taken-in units).
    public func returnRates(by dimension: AnalyticsDimension) -> [ReturnRateRow] {
        let t = tally(dimension)
        return t.keys.map { t.row($0) }
    }

    func tally(_ dimension: AnalyticsDimension) -> RateTally {
        var t = RateTally()
        for c in soldCounts(dimension) { t.addSold(c.key, c.units) }
        for c in returnedCounts(dimension) { t.addReturned(c.key, c.units) }
        return t
    }

    /// One tally per month (`YYYY-MM`): sales by the sale's month, returns by the request's month.
    func monthlyTallies(_ dimension: AnalyticsDimension) -> [String: RateTally] {
        var byMonth: [String: RateTally] = [:]
        for c in soldCounts(dimension) { byMonth[c.month, default: RateTally()].addSold(c.key, c.units) }
        for c in returnedCounts(dimension) { byMonth[c.month, default: RateTally()].addReturned(c.key, c.units) }
        return byMonth
    }

    /// Per store, sorted by store: the return rate charged to the selling store, and the units the
    /// store took in (cross-store returns count for the seller's rate and the taker's intake).
    public func storeReturnRates() -> [StoreReturnRateRow] {
        var sold: [StoreID: Int] = [:]
        var returned: [StoreID: Int] = [:]
        var takenIn: [StoreID: Int] = [:]
        var forOthers: [StoreID: Int] = [:]
        for sale in input.sales {
            sold[sale.store, default: 0] += sale.lines.reduce(0) { $0 + $1.quantity }
        }
        for facts in input.returns where !facts.rejected {
            let r = facts.request
            let units = r.totalQuantity
            let seller = sellingStore(of: r)
            returned[seller, default: 0] += units
            takenIn[r.store, default: 0] += units
            if seller != r.store { forOthers[r.store, default: 0] += units }
        }
        let stores = Set(sold.keys).union(returned.keys).union(takenIn.keys).sorted()
        return stores.map { store in
            let s = sold[store, default: 0]
            let back = returned[store, default: 0]
            return StoreReturnRateRow(
                store: store, channel: input.stores[store]?.kind, soldUnits: s, returnedUnits: back,
                rateBasisPoints: AnalyticsMath.basisPoints(back, of: s), takenInUnits: takenIn[store, default: 0],
                takenInForOtherStores: forOthers[store, default: 0])
        }
    }

    /// The `limit` SKUs with the most units returned (rejected returns left out), most first, ties
    /// by SKU. SKUs with no returned units are never listed.
    public func topReturnedItems(limit: Int) -> [TopReturnedItem] {
        guard limit > 0 else { return [] }
        let t = tally(.sku)
        let ranked = t.returned.filter { $0.value > 0 }.sorted {
            $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key
        }
        return ranked.prefix(limit).map { key, units in
            let sku = SKU(key)
            let sold = t.soldUnits(key)
            return TopReturnedItem(
                sku: sku, name: input.products[sku]?.name, returnedUnits: units, soldUnits: sold,
                rateBasisPoints: AnalyticsMath.basisPoints(units, of: sold))
        }
    }
}
