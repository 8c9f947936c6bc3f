import Foundation
public import HubStore
public import Replication
public import ReturnsDomain

/// The knobs of a `Workload`. Every figure has a retail-plausible default; the same options and
/// seed always give the same events, byte for byte.
public struct WorkloadOptions: Hashable, Sendable, Codable {
    /// Seeds every random choice.
    public var seed: UInt64
    /// Branch stores, one node each (`N-S0001` of store `S0001`, …).
    public var stores: Int
    /// Products in the catalog (`SKU-000001` is the best seller).
    public var skus: Int
    /// Customers with a loyalty card; a share of sales is anonymous.
    public var customers: Int
    /// Events the stores author in total (`traffic()`); the head office's set-up comes on top.
    public var events: Int
    /// Events per change set, as a node's sync agent pushes them (its default is 500; at most
    /// `PushPlan.maxEvents`).
    public var changeSetSize: Int
    /// Zipf exponent of SKU popularity (1 is the classic fit for retail sales).
    public var skuSkew: Double
    /// Zipf exponent of customer frequency (repeat customers).
    public var customerSkew: Double
    /// Returns opened per sale (about 8–10 % in bricks-and-mortar retail, far more online).
    public var returnRate: Double
    /// Share of returns taken as an exchange rather than a refund.
    public var exchangeShare: Double
    /// Share of returns made at another store than the one that sold the goods.
    public var crossStoreShare: Double
    /// Share of returns without a receipt.
    public var receiptlessShare: Double
    /// Share of sales without a known customer.
    public var anonymousShare: Double
    public var currency: Currency
    /// The business date the simulation starts on (ms since the epoch, UTC).
    public var start: Int64
    /// Units of every SKU head office books into every store before trading starts (0: none; the
    /// stores then receive goods a case at a time as they sell). With it, `setup()` carries
    /// `stores × skus` goods receipts, which fills the company-wide stock matrix.
    public var openingStock: Int

    public init(
        seed: UInt64 = 42, stores: Int = 10, skus: Int = 1_000, customers: Int = 10_000, events: Int = 100_000,
        changeSetSize: Int = 500, skuSkew: Double = 1.0, customerSkew: Double = 0.6, returnRate: Double = 0.09,
        exchangeShare: Double = 0.15, crossStoreShare: Double = 0.08, receiptlessShare: Double = 0.03,
        anonymousShare: Double = 0.35, currency: Currency = Currency("EUR"),
        start: Int64 = Instant.date(2026, 11, 2).millis, openingStock: Int = 0
    ) {
        self.seed = seed
        self.stores = stores
        self.skus = skus
        self.customers = customers
        self.events = events
        self.changeSetSize = changeSetSize
        self.skuSkew = skuSkew
        self.customerSkew = customerSkew
        self.returnRate = returnRate
        self.exchangeShare = exchangeShare
        self.crossStoreShare = crossStoreShare
        self.receiptlessShare = receiptlessShare
        self.anonymousShare = anonymousShare
        self.currency = currency
        self.start = start
        self.openingStock = openingStock
    }
}

/// A party that pushes to the hub in a workload.
public struct WorkloadParticipant: Hashable, Sendable {
    public var node: NodeID
    /// nil for head office.
    public var store: StoreID?
    public var role: HubRole
    /// The (made-up) stored hash of the participant's secret, for `HubStore.enroll`.
    public var secretHash: String { "bench-secret-\(node.rawValue)" }
}

/// One change set and the node that pushes it.
public struct PushBatch: Sendable {
    public var node: NodeID
    public var changeSet: ChangeSet
    public var count: Int { changeSet.events.count }
}

/// What a workload's traffic contained, by business fact.
public struct WorkloadStats: Hashable, Sendable, Codable {
    public var events = 0
    public var changeSets = 0
    public var sales = 0
    public var saleLines = 0
    public var customersRegistered = 0
    public var goodsReceipts = 0
    public var stockCounts = 0
    public var returnsOpened = 0
    public var crossStoreReturns = 0
    public var receiptlessReturns = 0
    public var returnsRefusedByPolicy = 0
    public var returnsRejected = 0
    public var refunds = 0
    public var exchanges = 0
    public var repairsOpened = 0
    public var repairsCompleted = 0
    public var storeCreditAdjustments = 0
    /// Lifecycle steps the domain refused (a generator bug if not 0).
    public var stepsRefused = 0
    /// Events per `DomainEvent.kind`.
    public var byKind: [String: Int] = [:]
    public init() {}

    /// What was yielded after `earlier` (a snapshot of the same traffic's stats).
    public func minus(_ earlier: WorkloadStats) -> WorkloadStats {
        var d = WorkloadStats()
        d.events = events - earlier.events
        d.changeSets = changeSets - earlier.changeSets
        d.sales = sales - earlier.sales
        d.saleLines = saleLines - earlier.saleLines
        d.customersRegistered = customersRegistered - earlier.customersRegistered
        d.goodsReceipts = goodsReceipts - earlier.goodsReceipts
        d.stockCounts = stockCounts - earlier.stockCounts
        d.returnsOpened = returnsOpened - earlier.returnsOpened
        d.crossStoreReturns = crossStoreReturns - earlier.crossStoreReturns
        d.receiptlessReturns = receiptlessReturns - earlier.receiptlessReturns
        d.returnsRefusedByPolicy = returnsRefusedByPolicy - earlier.returnsRefusedByPolicy
        d.returnsRejected = returnsRejected - earlier.returnsRejected
        d.refunds = refunds - earlier.refunds
        d.exchanges = exchanges - earlier.exchanges
        d.repairsOpened = repairsOpened - earlier.repairsOpened
        d.repairsCompleted = repairsCompleted - earlier.repairsCompleted
        d.storeCreditAdjustments = storeCreditAdjustments - earlier.storeCreditAdjustments
        d.stepsRefused = stepsRefused - earlier.stepsRefused
        for (k, v) in byKind { d.byKind[k] = v - (earlier.byKind[k] ?? 0) }
        return d
    }
}

/// A deterministic, seeded retail workload: the events a chain's store nodes author, as change sets
/// ready to push to a hub.
///
/// **What it simulates.** A head office node (`N-HQ`, role `headOffice`) defines the stores, the
/// catalog (`skus` products in ten categories with realistic prices, costs, VAT rates; electronics
/// above 100.00 are serial-tracked, a few hygiene items are not returnable) and the company's return
/// policy (`ReturnPolicy.standard`). Each branch store (`N-S0001` … for `S0001` …) then trades:
/// sales of 1–5 lines whose SKUs follow Zipf's law (`skuSkew`), paid by card, cash or both, to
/// repeat customers (Zipf, `customerSkew`) or anonymous ones; customers are registered by the first
/// store that sells to them; goods are received (a case at a time) when a sale would take stock
/// below zero; occasional stock counts and goodwill store credit. About `returnRate` returns per
/// sale, with reasons (changed mind, size, defect, …) and conditions that fit them, some across
/// stores and some without a receipt, walk the whole lifecycle over the next 2–12 customers each step
/// (compressed time, so that a store reaches its steady mix of sales and return steps quickly):
/// policy check, approval (or a manager's approval or rejection), receipt, inspection with grades
/// that depend on the reason, dispositions (restock, B-grade resale, repair orders, scrap, return
/// to vendor), refund by tender (original tender, cash, store credit, transfer) or exchange, close;
/// repair orders progress and complete.
///
/// **How the events are made.** Not through `NodeService` and SQLite (that would cost a durable
/// transaction per command and make 1M events take hours) but by a direct authoring path that
/// follows the node's rules: the payloads come from the same pure domain functions
/// (`ReturnDesk.requestReturn` with the policy, `approve`/`reject`/`receive`/`inspect`/`dispose`/
/// `close`, `RefundPlanner.plan`, `ExchangePlanner.plan`) with what the node would know (returned
/// quantities, refunds per tender, stock); each event gets the node's next seq, an HLC tick at the
/// simulated wall time and the record's version vector as its context, exactly as `EventLog.author`
/// does; record ids are minted like the node mints them (`RT-S0001-000042`). A policy refusal writes
/// nothing, as at a real desk (`returnsRefusedByPolicy`). Pushed to a hub, the traffic verifies clean
/// (`returnsync bench hub-ingest --verify`).
///
/// **How to use it.** Enrol the participants, push `setup()`, then push `traffic()` (a lazy,
/// streaming sequence: memory stays flat however many events it yields). Stores push in turn, one
/// change set each per round, as many stores syncing at once would.
///
///     let workload = Workload(seed: 7, stores: 100, skus: 10_000, customers: 50_000, events: 1_000_000)
///     try await workload.enroll(into: hub, now: 0)
///     for batch in workload.setup() { _ = try await hub.push(batch.changeSet, from: batch.node, now: Workload.hubClock) }
///     for batch in workload.traffic() { _ = try await hub.push(batch.changeSet, from: batch.node, now: Workload.hubClock) }
///
/// `load(into:now:progress:)` does the three steps.
public struct Workload: Sendable {
    public let options: WorkloadOptions
    public let headOffice: WorkloadParticipant
    public let storeParticipants: [WorkloadParticipant]

    public init(_ options: WorkloadOptions) {
        precondition(options.stores >= 1 && options.skus >= 1 && options.customers >= 1)
        precondition(options.changeSetSize >= 1 && options.changeSetSize <= PushPlan.maxEvents)
        self.options = options
        headOffice = WorkloadParticipant(node: NodeID("N-HQ"), store: nil, role: .headOffice)
        storeParticipants = (0..<options.stores).map { i in
            let store = Workload.storeID(i)
            return WorkloadParticipant(node: NodeID("N-\(store.rawValue)"), store: store, role: .storeNode)
        }
    }

    public init(
        seed: UInt64 = 42, stores: Int = 10, skus: Int = 1_000, customers: Int = 10_000, events: Int = 100_000,
        changeSetSize: Int = 500
    ) {
        self.init(
            WorkloadOptions(
                seed: seed, stores: stores, skus: skus, customers: customers, events: events,
                changeSetSize: changeSetSize))
    }

    /// Head office first, then the stores.
    public var participants: [WorkloadParticipant] { [headOffice] + storeParticipants }

    /// The clock a benchmark's hub and nodes run on: a century after the simulation's start, past
    /// every simulated event, which admission refuses when it is more than a day ahead of the
    /// admitting side's clock.
    public static let hubClock: Int64 = Instant.date(2126, 1, 1).millis

    static func storeID(_ i: Int) -> StoreID { StoreID("S\(pad(i + 1, 4))") }

    /// The catalog, deterministic from the seed.
    public func products() -> [Product] { Catalog.make(options).products }

    /// The head office's events: the stores, the catalog and the company's return policy, in
    /// change sets of `changeSetSize`.
    public func setup() -> [PushBatch] {
        var author = Author(node: headOffice.node, staff: StaffID("hq-admin"))
        let o = options
        var events: [Event] = []
        var wall = o.start - 86_400_000
        for p in storeParticipants {
            wall += 10
            let s = Store(id: p.store!, name: "Store \(p.store!.rawValue)", kind: .branch, currency: o.currency)
            events.append(author.event(.storeDefined(s), on: RecordKey(.store, s.id.rawValue), at: wall))
        }
        for p in Catalog.make(o).products {
            wall += 10
            events.append(author.event(.productDefined(p), on: .product(p.sku), at: wall))
        }
        events.append(
            author.event(
                .policySet(store: nil, policy: .standard(currency: o.currency)), on: RecordKey(.policy, "default"),
                at: wall + 10))
        if o.openingStock > 0 {
            // Head office's goods-in books the opening stock of every store, store-private receipts.
            let products = Catalog.make(o).products
            for (i, p) in storeParticipants.enumerated() {
                for (k, product) in products.enumerated() {
                    let r = InventoryReceipt(
                        store: p.store!, sku: product.sku, quantity: o.openingStock, unitCost: product.unitCost,
                        vendor: product.vendor, receivedAt: Instant(millis: wall + 20))
                    events.append(
                        author.event(
                            .inventoryReceived(r),
                            on: RecordKey(.inventoryReceipt, "GR-HQ-\(pad(i + 1, 4))-\(pad(k + 1, 6))"), at: wall + 20))
                }
            }
        }
        return stride(from: 0, to: events.count, by: o.changeSetSize).map { i in
            PushBatch(
                node: headOffice.node,
                changeSet: ChangeSet(
                    node: headOffice.node, events: Array(events[i..<min(i + o.changeSetSize, events.count)])))
        }
    }

    /// The stores' events, `options.events` of them, streamed lazily in rounds: each store its next
    /// change set in turn.
    public func traffic() -> WorkloadTraffic { WorkloadTraffic(options) }

    /// Enrols head office and every store node (secret hashes from `WorkloadParticipant.secretHash`).
    public func enroll(into hub: any HubStore, now: Int64) async throws {
        for p in participants {
            try await hub.enroll(node: p.node, store: p.store, role: p.role, secretHash: p.secretHash, now: now)
        }
    }

    /// Enrols, pushes the set-up and the whole traffic into `hub`; `progress` is called now and then
    /// with the events pushed so far.
    @discardableResult
    public func load(into hub: any HubStore, now: Int64, progress: (Int) -> Void = { _ in }) async throws
        -> WorkloadStats
    {
        try await enroll(into: hub, now: now)
        for b in setup() { _ = try await hub.push(b.changeSet, from: b.node, now: now) }
        let traffic = traffic()
        var pushed = 0
        var nextReport = 100_000
        for b in traffic {
            _ = try await hub.push(b.changeSet, from: b.node, now: now)
            pushed += b.count
            if pushed >= nextReport {
                progress(pushed)
                nextReport += 100_000
            }
        }
        return traffic.stats
    }
}

func pad(_ n: Int, _ width: Int) -> String {
    let s = String(n)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

/// Makes events the way `EventLog.author` does: the next seq, an HLC tick, the given context.
struct Author {
    let node: NodeID
    let staff: StaffID
    var seq: UInt64 = 0
    var clock = HybridLogicalClock()

    init(node: NodeID, staff: StaffID) {
        self.node = node
        self.staff = staff
    }

    mutating func event(
        _ payload: DomainEvent, on record: RecordKey, at wall: Int64, context: VersionVector = VersionVector(),
        staff: StaffID? = nil
    ) -> Event {
        seq += 1
        return Event(
            dot: Dot(node: node, seq: seq), record: record, context: context, hlc: clock.tick(now: wall),
            staff: staff ?? self.staff, payload: payload)
    }
}

/// The catalog: categories with their price bands, return propensities and VAT.
struct Catalog {
    struct Category {
        var name: String
        var minPrice: Int64
        var maxPrice: Int64
        var vat: Int64
        /// Relative chance that a line of this category comes back.
        var returnWeight: Double
        var weight: Double
    }

    static let categories: [Category] = [
        Category(name: "apparel", minPrice: 999, maxPrice: 12_999, vat: 1900, returnWeight: 3.0, weight: 0.22),
        Category(name: "shoes", minPrice: 2_999, maxPrice: 17_999, vat: 1900, returnWeight: 2.5, weight: 0.10),
        Category(name: "electronics", minPrice: 1_999, maxPrice: 129_999, vat: 1900, returnWeight: 1.2, weight: 0.12),
        Category(name: "home", minPrice: 499, maxPrice: 24_999, vat: 1900, returnWeight: 0.8, weight: 0.12),
        Category(name: "kitchen", minPrice: 299, maxPrice: 19_999, vat: 1900, returnWeight: 0.8, weight: 0.10),
        Category(name: "beauty", minPrice: 199, maxPrice: 6_999, vat: 1900, returnWeight: 0.4, weight: 0.08),
        Category(name: "toys", minPrice: 499, maxPrice: 9_999, vat: 1900, returnWeight: 0.7, weight: 0.08),
        Category(name: "sports", minPrice: 999, maxPrice: 39_999, vat: 1900, returnWeight: 1.0, weight: 0.08),
        Category(name: "books", minPrice: 499, maxPrice: 4_999, vat: 700, returnWeight: 0.3, weight: 0.06),
        Category(name: "grocery", minPrice: 99, maxPrice: 1_999, vat: 700, returnWeight: 0.1, weight: 0.04),
    ]

    var products: [Product] = []
    /// Category index per SKU index.
    var category: [Int] = []
    var bySKU: [SKU: Int] = [:]

    static func sku(_ i: Int) -> SKU { SKU("SKU-\(pad(i + 1, 6))") }

    static func make(_ o: WorkloadOptions) -> Catalog {
        var rng = SplitMix64(seed: o.seed ^ 0xC0FF_EE00_D15C_0DE5)
        var c = Catalog()
        c.products.reserveCapacity(o.skus)
        let weights = categories.map(\.weight)
        for i in 0..<o.skus {
            let k = rng.weighted(weights)
            let cat = categories[k]
            // Log-uniform within the band, rounded to .99 / .49 shelf prices.
            let lo = Double(cat.minPrice)
            let hi = Double(cat.maxPrice)
            let raw = lo * _pow(hi / lo, rng.unit())
            let price = max(99, (Int64(raw) / 100) * 100 + (rng.chance(0.7) ? 99 : 49))
            let margin = 0.45 + 0.25 * rng.unit()
            let cost = Int64(Double(price) * 10_000 / Double(10_000 + cat.vat) * (1 - margin))
            let serial = cat.name == "electronics" && price >= 10_000
            let notReturnable = cat.name == "beauty" && rng.chance(0.2)
            let p = Product(
                sku: sku(i), name: "\(cat.name.capitalizedFirst) item \(i + 1)", model: "M-\(1_000 + i % 9_000)",
                category: cat.name, unitPrice: Money(price, o.currency), unitCost: Money(max(1, cost), o.currency),
                vatRate: VATRate(basisPoints: cat.vat), serialTracked: serial, lotTracked: cat.name == "grocery",
                returnable: !notReturnable, vendor: VendorID("V-\(pad(i % 97 + 1, 3))"))
            c.products.append(p)
            c.category.append(k)
            c.bySKU[p.sku] = i
        }
        return c
    }
}

extension String {
    fileprivate var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}

@inline(__always) func _pow(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
