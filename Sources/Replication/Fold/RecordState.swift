public import ReturnsDomain

/// The derived state of a return document.
public struct ReturnOrderState: Hashable, Sendable, Codable {
    public var request: ReturnRequest?
    public var status: ReturnStatus = .requested
    /// True once a reject won: the return no longer holds any returnable quantity.
    public var rejected = false
    public var grades: [LineGrade] = []
    public var dispositions: [LineDisposition] = []
    /// Every refund paid out, including duplicates from concurrent refunds (the cash did leave).
    public var refunds: [Refund] = []
    public var exchanges: [Exchange] = []
    /// The audit trail of applied steps: who, where (node), when.
    public var steps: [ReturnStep] = []
    /// The event that set the current status.
    public var statusDot: Dot?
    /// Where the goods came back, once received: another store than the return's when that store
    /// took them in (an online order handed in at a branch). Their stock, inspection and
    /// dispositions are that store's.
    public var receivedAt: StoreID?

    public init() {}

    /// The store holding the returned goods: where they were received, else the return's store.
    public var goodsStore: StoreID? { receivedAt ?? request?.store }

    /// Whether the return counts against the sale line's returnable quantity.
    public var holdsQuantity: Bool { request != nil && !rejected }
}

/// One applied step of a return's lifecycle, for the audit trail.
public struct ReturnStep: Hashable, Sendable, Codable {
    public var event: String
    public var status: ReturnStatus
    public var dot: Dot
    public var staff: StaffID
    public var hlc: HLCTimestamp
}

/// The derived state of a repair order.
public struct RepairState: Hashable, Sendable, Codable {
    public var order: RepairOrder?
    public var status: RepairStatus = .open
    public var parts: [RepairPart] = []
    public var laborCost: Money?
    public var outcome: RepairOutcome?
    public var totalCost: Money?
    public init() {}
}

/// One entry of a store-credit account outside refunds.
public struct StoreCreditAdjustment: Hashable, Sendable, Codable {
    public var amount: Money
    public var memo: String
    public var at: Instant
    public var dot: Dot
}

/// What a record currently says, by kind.
public enum RecordBody: Hashable, Sendable, Codable {
    case empty
    case product(Product)
    case store(Store)
    case policy(store: StoreID?, policy: ReturnPolicy)
    case reorderPoint(ReorderPoint)
    case staff(StaffMember)
    /// A policy scope's published versions, by version number.
    case policyRules([PolicyRule])
    case resolution(ExceptionNote)
    case abuseThresholds(AbuseThresholds)
    case customer(Customer)
    case inventoryReceipt(InventoryReceipt)
    case stockCount(StockCount)
    case stockAdjustment(StockAdjustment)
    case sale(Sale)
    case returnOrder(ReturnOrderState)
    case repairOrder(RepairState)
    case storeCredit([StoreCreditAdjustment])
}

/// The derived state of one record: a pure function of the set of its events.
public struct RecordState: Hashable, Sendable {
    public var key: RecordKey
    /// node → highest seq of that node's events on this record.
    public var vector: VersionVector
    public var body: RecordBody
    public var contributions: Contributions
    public var exceptions: [ReplicationException]
    /// Events whose causal predecessors on this record have not arrived yet; applied once they do.
    public var pending: [Dot]

    public init(key: RecordKey) {
        self.key = key
        self.vector = VersionVector()
        self.body = .empty
        self.contributions = Contributions()
        self.exceptions = []
        self.pending = []
    }

    public var returnOrder: ReturnOrderState? {
        if case .returnOrder(let s) = body { return s }
        return nil
    }
    public var sale: Sale? {
        if case .sale(let s) = body { return s }
        return nil
    }
    public var product: Product? {
        if case .product(let p) = body { return p }
        return nil
    }
    public var customer: Customer? {
        if case .customer(let c) = body { return c }
        return nil
    }
    public var repair: RepairState? {
        if case .repairOrder(let r) = body { return r }
        return nil
    }
}
