/// What head office narrows its lists and charts to: a period, a store, a channel, a category, a
/// return reason, a vendor. Each part left out keeps everything; the parts together keep what
/// matches all of them. Pure: the hub's routes parse it (`parse(_:)`) and apply it to what the
/// storage gives (`apply(to:)`, `matches(_:in:)`); storage knows nothing of it.
///
/// - **Period**: a sale by when it was sold, a return by when it was requested; `from` and `to`
///   are both included.
/// - **Store**: sales made there; returns it took in or sold (a cross-store return belongs to both).
/// - **Channel**: the same for the stores of that kind (branch, online, marketplace).
/// - **Category**, **vendor**: the lines of products in it (from it); a sale or return none of
///   whose lines is left is dropped, and a return that keeps only some of its lines keeps the
///   same part of its refund and costs.
/// - **Reason**: the return lines given for it; sales are not split by reason, so it keeps them all.
/// - Stock and reorder points: by store, channel, category and vendor.
public struct AnalyticsFilter: Hashable, Sendable, Codable {
    public var from: Instant?
    /// The last instant included.
    public var to: Instant?
    public var store: StoreID?
    public var channel: StoreKind?
    public var category: String?
    public var reason: ReasonCode?
    public var vendor: VendorID?

    public init(
        from: Instant? = nil, to: Instant? = nil, store: StoreID? = nil, channel: StoreKind? = nil,
        category: String? = nil, reason: ReasonCode? = nil, vendor: VendorID? = nil
    ) {
        self.from = from
        self.to = to
        self.store = store
        self.channel = channel
        self.category = category
        self.reason = reason
        self.vendor = vendor
    }

    /// The query parameters a filter reads, in the order the API documents them.
    public static let parameters = ["from", "to", "store", "channel", "category", "reason", "vendor"]

    /// True when it keeps everything.
    public var isEmpty: Bool { self == AnalyticsFilter() }

    /// The filter a query gives (`value(name)` is the parameter's text, nil when absent). A value
    /// that cannot be one is refused with a code naming its parameter: `filter.invalidFrom`,
    /// `filter.invalidTo` (an RFC 3339 date `2026-12-01` or date-time `2026-12-01T08:00:00+08:00`;
    /// a date as `to` means the end of that day, UTC), `filter.invalidPeriod` (`from` after `to`),
    /// `filter.invalidStore`, `filter.invalidCategory`, `filter.invalidVendor` (not an id: empty,
    /// control characters, over 64 characters), `filter.invalidChannel`, `filter.invalidReason`
    /// (not one of the codes).
    public static func parse(_ value: (String) -> String?) throws(DomainError) -> AnalyticsFilter {
        func refuse(_ name: String, _ text: String, _ expected: String) -> DomainError {
            let code = "filter.invalid" + name.prefix(1).uppercased() + name.dropFirst()
            return .invalid(code, "`\(name)` \(expected), not \"\(text)\"", ["parameter": name, "value": text])
        }
        func identifier(_ name: String) throws(DomainError) -> String? {
            guard let text = value(name) else { return nil }
            guard IdentifierAlphabet.isValid(text) else { throw refuse(name, text, "is an id of 1 to 64 characters") }
            return text
        }
        func time(_ name: String, endOfDay: Bool) throws(DomainError) -> Instant? {
            guard let text = value(name) else { return nil }
            guard let instant = Instant.rfc3339(text, endOfDay: endOfDay) else {
                throw refuse(name, text, "is an RFC 3339 date (2026-12-01) or date-time (2026-12-01T08:00:00Z)")
            }
            return instant
        }
        var filter = AnalyticsFilter()
        filter.from = try time("from", endOfDay: false)
        filter.to = try time("to", endOfDay: true)
        if let from = filter.from, let to = filter.to, from > to {
            throw .invalid("filter.invalidPeriod", "`from` is after `to`", ["from": from.day, "to": to.day])
        }
        filter.store = try identifier("store").map(StoreID.init(rawValue:))
        if let text = value("channel") {
            guard let kind = StoreKind(rawValue: text) else {
                throw refuse("channel", text, "is one of " + StoreKind.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.channel = kind
        }
        filter.category = try identifier("category")
        if let text = value("reason") {
            guard let reason = ReasonCode(rawValue: text) else {
                throw refuse("reason", text, "is one of " + ReasonCode.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.reason = reason
        }
        filter.vendor = try identifier("vendor").map(VendorID.init(rawValue:))
        return filter
    }

    /// The filter as query parameters (for a next page's link), in `parameters` order.
    public var query: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        if let from { out.append(("from", from.rfc3339)) }
        if let to { out.append(("to", to.rfc3339)) }
        if let store { out.append(("store", store.rawValue)) }
        if let channel { out.append(("channel", channel.rawValue)) }
        if let category { out.append(("category", category)) }
        if let reason { out.append(("reason", reason.rawValue)) }
        if let vendor { out.append(("vendor", vendor.rawValue)) }
        return out
    }

    func contains(_ instant: Instant) -> Bool {
        if let from, instant < from { return false }
        if let to, instant > to { return false }
        return true
    }

    /// Whether stock or sales of `sku` pass the category and vendor parts.
    public func keeps(sku: SKU, products: [SKU: Product]) -> Bool {
        if let category, products[sku]?.category != category { return false }
        if let vendor, products[sku]?.vendor != vendor { return false }
        return true
    }

    /// Whether `store` passes the store and channel parts.
    public func keeps(store: StoreID, stores: [StoreID: Store]) -> Bool {
        if let wanted = self.store, store != wanted { return false }
        if let channel, stores[store]?.kind != channel { return false }
        return true
    }

    /// Whether a return line passes the category, vendor and reason parts.
    func keeps(_ line: ReturnLine, products: [SKU: Product]) -> Bool {
        if let reason, line.reason != reason { return false }
        return keeps(sku: line.sku, products: products)
    }

    /// Whether a return matches: requested in the period, taken in or sold by a store that
    /// passes, with at least one line that passes. `seller` is the store that made the sale
    /// (`ReturnAnalytics.sellingStore(of:)`).
    public func matches(
        _ request: ReturnRequest, seller: StoreID, products: [SKU: Product], stores: [StoreID: Store]
    ) -> Bool {
        guard contains(request.requestedAt) else { return false }
        guard keeps(store: request.store, stores: stores) || keeps(store: seller, stores: stores) else {
            return false
        }
        return request.lines.contains { keeps($0, products: products) }
    }

    /// The facts this filter keeps (see the type's rules). Products and stores stay whole: they
    /// name what is left.
    public func apply(to input: AnalyticsInput) -> AnalyticsInput {
        guard !isEmpty else { return input }
        let analytics = ReturnAnalytics(input)
        var out = input
        out.sales = input.sales.compactMap { sale in
            guard contains(sale.soldAt), keeps(store: sale.store, stores: input.stores) else { return nil }
            var kept = sale
            kept.lines = sale.lines.filter { keeps(sku: $0.sku, products: input.products) }
            return kept.lines.isEmpty ? nil : kept
        }
        out.returns = input.returns.compactMap { facts in
            let seller = analytics.sellingStore(of: facts.request)
            guard matches(facts.request, seller: seller, products: input.products, stores: input.stores) else {
                return nil
            }
            return Self.keeping(facts) { keeps($0, products: input.products) }
        }
        out.stock = input.stock.filter {
            keeps(store: $0.key.store, stores: input.stores) && keeps(sku: $0.key.sku, products: input.products)
        }
        out.reorderPoints = input.reorderPoints.filter {
            keeps(store: $0.store, stores: input.stores) && keeps(sku: $0.sku, products: input.products)
        }
        return out
    }

    /// `facts` with only the lines `keep` keeps; the refund and the costs shrink in proportion
    /// to the value of the lines kept (rounded down), so that a filtered cost never counts the
    /// lines left out.
    static func keeping(_ facts: ReturnFacts, _ keep: (ReturnLine) -> Bool) -> ReturnFacts {
        let lines = facts.request.lines.filter(keep)
        guard lines.count < facts.request.lines.count else { return facts }
        let value = { (lines: [ReturnLine]) in lines.reduce(Int64(0)) { $0 + Int64($1.quantity) * $1.unitRefund.minor }
        }
        let whole = value(facts.request.lines)
        let part = value(lines)
        func share(_ money: Money) -> Money {
            guard whole > 0 else { return money }
            let (product, overflow) = money.minor.multipliedReportingOverflow(by: part)
            return overflow ? money : Money(product / whole, money.currency)
        }
        var out = facts
        out.request.lines = lines
        let kept = Set(lines.map(\.line))
        out.dispositions = facts.dispositions.filter { kept.contains($0.line) }
        out.refundedAmount = facts.refundedAmount.map(share)
        out.repairCost = share(facts.repairCost)
        out.shippingCost = share(facts.shippingCost)
        return out
    }
}

extension Instant {
    /// An RFC 3339 date (`2026-12-01`: midnight UTC, or with `endOfDay` its last millisecond) or
    /// date-time (`Instant(rfc3339:)`); nil for anything else.
    public static func rfc3339(_ text: String, endOfDay: Bool) -> Instant? {
        guard let instant = Instant(rfc3339: text) else { return nil }
        return endOfDay && text.utf8.count == 10 ? Instant(millis: instant.millis + millisPerDay - 1) : instant
    }
}
