public import Replication
public import ReturnsDomain

/// Read access to the hub's company-wide projections: what head office's API shows.
///
/// Each call reads one consistent snapshot; two calls may see different snapshots when pushes
/// commit in between.
public protocol HubStateView: Sendable {
    /// Stock per store, location and SKU (zero rows left out), optionally for one SKU and/or
    /// store, sorted by store, location and SKU.
    func stock(sku: SKU?, store: StoreID?) async throws -> [StockLevel]

    /// The exceptions queue: every record's own exceptions plus the company-wide invariant checks
    /// (over-returns per sale line and serial, overdrawn store credit) — exactly
    /// `ReplicaState.exceptions` of the hub's events, sorted.
    func exceptions() async throws -> [ReplicationException]

    /// A record's folded state, nil when the hub holds no event of it.
    func record(_ key: RecordKey) async throws -> RecordState?

    /// The catalog, sorted by SKU.
    func products() async throws -> [Product]

    /// Every store and channel head office (or the store itself) described, by id.
    func stores() async throws -> [Store]

    func sale(_ id: SaleID) async throws -> Sale?

    /// Units still returnable per line of a sale, company-wide (never negative).
    func returnableQuantities(of sale: SaleID) async throws -> [Int: Int]

    /// A return's state (nil when unknown or only partly received).
    func returnOrder(_ id: ReturnID) async throws -> ReturnOrderState?

    /// Returns across stores and channels, newest request first, optionally of one store and/or
    /// status.
    func returns(store: StoreID?, status: ReturnStatus?, limit: Int) async throws -> [ReturnOrderState]

    /// A customer's details, returns everywhere (newest first) and store-credit balances.
    func customerHistory(_ customer: CustomerID) async throws -> HubCustomerHistory

    /// Trial balance: debit-positive balance per account and currency.
    func ledger() async throws -> [LedgerKey: Int64]

    /// Journal entries, optionally of one store, ordered by record then step (as
    /// `ReplicaState.journal`).
    func journal(store: StoreID?) async throws -> [JournalEntry]

    /// How many events the hub holds.
    func eventCount() async throws -> Int

    /// What the returns analytics need, company-wide (products, stores, sales, returns, stock).
    func analyticsInput() async throws -> AnalyticsInput
}

/// One stock figure.
public struct StockLevel: Hashable, Sendable, Codable {
    public var store: StoreID
    public var location: StockLocation
    public var sku: SKU
    public var quantity: Int

    public init(store: StoreID, location: StockLocation, sku: SKU, quantity: Int) {
        self.store = store
        self.location = location
        self.sku = sku
        self.quantity = quantity
    }

    public var key: StockKey { StockKey(store: store, location: location, sku: sku) }
}

/// A customer's returns across every store and channel, and their store credit.
public struct HubCustomerHistory: Hashable, Sendable, Codable {
    public var customer: CustomerID
    public var details: Customer?
    /// Newest request first (as `ReplicaState.returnHistory`).
    public var returns: [ReturnOrderState]
    /// Non-zero balances, one per currency, sorted by currency.
    public var storeCredit: [Money]

    public init(customer: CustomerID, details: Customer?, returns: [ReturnOrderState], storeCredit: [Money]) {
        self.customer = customer
        self.details = details
        self.returns = returns
        self.storeCredit = storeCredit
    }
}
