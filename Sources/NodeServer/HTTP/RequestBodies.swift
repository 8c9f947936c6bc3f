public import NodeStore
public import ReplicaStore
public import Replication
public import ReturnsDomain

// The small JSON bodies of the node API that have no domain type of their own. Everything else
// (`Sale`, `Product`, `Customer`, `ReturnPolicy`, `CreateReturnCommand`) travels as the domain's
// own Codable value.

/// `POST /inventory/receipts`: goods received from a vendor into sellable stock.
public struct InventoryReceiptBody: Hashable, Sendable, Codable {
    public var sku: SKU
    public var quantity: Int
    /// Defaults to the catalog cost.
    public var unitCost: Money?
    public var vendor: VendorID?
    public init(sku: SKU, quantity: Int, unitCost: Money? = nil, vendor: VendorID? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.unitCost = unitCost
        self.vendor = vendor
    }
}

/// `POST /reorder-points`: the sellable minimum below which a low-stock alert is raised.
public struct ReorderPointBody: Hashable, Sendable, Codable {
    public var sku: SKU
    public var minimum: Int
    public init(sku: SKU, minimum: Int) {
        self.sku = sku
        self.minimum = minimum
    }
}

/// `POST /returns/{id}/receive`.
public struct ReceiveBody: Hashable, Sendable, Codable {
    public var trackingNumber: String?
    public init(trackingNumber: String? = nil) { self.trackingNumber = trackingNumber }
}

/// `POST /repairs/{id}/progress`.
public struct RepairProgressBody: Hashable, Sendable, Codable {
    public var status: RepairStatus
    /// Parts fitted so far; may be left out.
    public var parts: [RepairPart]?
    public var laborCost: Money
    public init(status: RepairStatus, parts: [RepairPart]? = nil, laborCost: Money) {
        self.status = status
        self.parts = parts
        self.laborCost = laborCost
    }
}

/// `POST /repairs/{id}/complete`.
public struct RepairCompletionBody: Hashable, Sendable, Codable {
    public var outcome: RepairOutcome
    public var totalCost: Money
    public init(outcome: RepairOutcome, totalCost: Money) {
        self.outcome = outcome
        self.totalCost = totalCost
    }
}

/// `POST /customers/{id}/store-credit`: a manual entry in the store-credit ledger (a gift card
/// sold, a goodwill credit, a correction); negative to debit.
public struct StoreCreditAdjustmentBody: Hashable, Sendable, Codable {
    public var amount: Money
    public var memo: String
    public init(amount: Money, memo: String) {
        self.amount = amount
        self.memo = memo
    }
}

// MARK: - Response bodies

/// A customer's store-credit balance in one currency.
public struct StoreCreditBalance: Hashable, Sendable, Codable {
    public var customer: CustomerID
    public var balance: Money
    public init(customer: CustomerID, balance: Money) {
        self.customer = customer
        self.balance = balance
    }
}

/// The stock of one SKU at this store after goods were received.
public struct SKUStock: Hashable, Sendable, Codable {
    public var sku: SKU
    public var stock: [StockRow]
    public init(sku: SKU, stock: [StockRow]) {
        self.sku = sku
        self.stock = stock
    }
}

/// `GET /healthz`.
public struct HealthStatus: Hashable, Sendable, Codable {
    public var status: String
    public var node: NodeID
    public var store: StoreID
    /// Events not yet acknowledged by the hub.
    public var outbox: Int
    /// The link to head office, when this node syncs with a hub (absent when it does not).
    public var sync: SyncHealth?
    public init(status: String, node: NodeID, store: StoreID, outbox: Int, sync: SyncHealth? = nil) {
        self.status = status
        self.node = node
        self.store = store
        self.outbox = outbox
        self.sync = sync
    }
}

/// How the background sync with the hub is going, for the desk's offline banner.
public struct SyncHealth: Hashable, Sendable, Codable {
    /// The last round reached the hub (false before the first, and after a failed one).
    public var online: Bool
    /// When a round last reached the hub (absent before the first since the node started).
    public var lastSuccess: Instant?
    /// Rounds failed in a row.
    public var failedRounds: Int
    public init(online: Bool, lastSuccess: Instant?, failedRounds: Int) {
        self.online = online
        self.lastSuccess = lastSuccess
        self.failedRounds = failedRounds
    }
}
