/// Early-warning analytics over a set of facts: return rates, cost of returns, top returned items,
/// spikes, customer abuse signals and low-stock alerts.
///
/// Everything is computed in integers and returned sorted, so the same facts give the same answer
/// on every machine, whatever order they arrived in.
public struct ReturnAnalytics: Sendable {
    public let input: AnalyticsInput
    let salesByID: [SaleID: Sale]

    public init(_ input: AnalyticsInput) {
        self.input = input
        var byID: [SaleID: Sale] = [:]
        for sale in input.sales where byID[sale.id] == nil { byID[sale.id] = sale }
        self.salesByID = byID
    }

    /// The key of a fact that cannot be placed: an SKU missing from the catalog, a store missing
    /// from the store list. It shows up in the results rather than being dropped.
    public static let unknownKey = "(unknown)"

    /// The store a return counts against: the seller named on the return, else the seller of the
    /// referenced sale, else (receipt-less) the store that took it in.
    public func sellingStore(of request: ReturnRequest) -> StoreID {
        if let store = request.saleStore { return store }
        if let sale = request.sale, let store = salesByID[sale]?.store { return store }
        return request.store
    }

    func category(of sku: SKU) -> String {
        input.products[sku]?.category ?? Self.unknownKey
    }

    func vendor(of sku: SKU) -> String {
        input.products[sku]?.vendor?.rawValue ?? Self.unknownKey
    }

    func channel(of store: StoreID) -> String {
        input.stores[store]?.kind.rawValue ?? Self.unknownKey
    }

    /// Units sold per key and month (and when). A nil key counts for every key (the reason dimension).
    func soldCounts(_ dimension: AnalyticsDimension) -> [(key: String?, month: String, at: Instant, units: Int)] {
        var out: [(key: String?, month: String, at: Instant, units: Int)] = []
        for sale in input.sales {
            let month = sale.soldAt.month
            for line in sale.lines {
                let key: String?
                switch dimension {
                case .sku: key = line.sku.rawValue
                case .category: key = category(of: line.sku)
                case .vendor: key = vendor(of: line.sku)
                case .store: key = sale.store.rawValue
                case .channel: key = channel(of: sale.store)
                case .reason: key = nil
                case .lot:
                    guard let lot = line.lot else { continue }
                    key = lot
                case .period: key = month
                }
                out.append((key, month, sale.soldAt, line.quantity))
            }
        }
        return out
    }

    /// Units returned per key and month of the request (and when); rejected returns are left out.
    func returnedCounts(_ dimension: AnalyticsDimension) -> [(key: String, month: String, at: Instant, units: Int)] {
        var out: [(key: String, month: String, at: Instant, units: Int)] = []
        for facts in input.returns where !facts.rejected {
            let r = facts.request
            let month = r.requestedAt.month
            let seller = sellingStore(of: r)
            for line in r.lines {
                let key: String
                switch dimension {
                case .sku: key = line.sku.rawValue
                case .category: key = category(of: line.sku)
                case .vendor: key = vendor(of: line.sku)
                case .store: key = seller.rawValue
                case .channel: key = channel(of: seller)
                case .reason: key = line.reason.rawValue
                case .lot:
                    guard let lot = line.lot else { continue }
                    key = lot
                case .period: key = month
                }
                out.append((key, month, r.requestedAt, line.quantity))
            }
        }
        return out
    }
}
