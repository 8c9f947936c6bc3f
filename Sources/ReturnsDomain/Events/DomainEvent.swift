/// Every business fact ReturnSync records. Events are immutable; state is derived from them.
///
/// The cases are the wire payloads of the sync protocol: add cases, never change one that shipped
/// (bump the event's schema version instead).
public enum DomainEvent: Hashable, Sendable, Codable {
    // Catalog and configuration (last writer wins per record).
    case productDefined(Product)
    case storeDefined(Store)
    case policySet(store: StoreID?, policy: ReturnPolicy)
    case reorderPointSet(ReorderPoint)
    /// A staff member, their roles and PIN hash, as head office defines them.
    case staffDefined(StaffMember)
    /// A version of a layered policy rule (chain, channel, store or category), as head office
    /// publishes it; a scope's record keeps every version.
    case policyPublished(PolicyRule)
    /// Head office's note on an exception of its queue, which every store receives.
    case exceptionResolved(ExceptionNote)
    /// When a customer's returns raise an abuse signal, as head office (loss prevention) sets it.
    case abuseThresholdsSet(AbuseThresholds)

    // Customers: per-field last writer wins.
    case customerRegistered(Customer)
    case customerFieldChanged(customer: CustomerID, field: CustomerField, value: String?)

    // Stock outside returns.
    case inventoryReceived(InventoryReceipt)
    case stockCounted(StockCount)
    /// Stock out (damaged, written off, issued at no charge) or in (found), with why.
    case stockAdjusted(StockAdjustment)

    // Sales.
    case saleRecorded(Sale)

    // The return lifecycle.
    case returnRequested(ReturnRequest)
    case returnApproved(at: Instant, note: String?)
    case returnRejected(at: Instant, reason: String)
    /// The goods arrived, at `store` when another store or channel than the one holding the
    /// return took them in (an online order handed in at a branch); nil: the return's own store.
    case returnReceived(at: Instant, trackingNumber: String?, store: StoreID? = nil)
    case returnInspected(at: Instant, grades: [LineGrade])
    case returnDisposed(at: Instant, dispositions: [LineDisposition])
    case refundIssued(Refund)
    case exchangeCompleted(Exchange)
    case returnClosed(at: Instant)

    // Repairs.
    case repairOpened(RepairOrder)
    case repairProgressed(at: Instant, status: RepairStatus, parts: [RepairPart], laborCost: Money)
    case repairCompleted(at: Instant, outcome: RepairOutcome, totalCost: Money)

    // Store credit outside refunds (goodwill, manual correction).
    case storeCreditAdjusted(customer: CustomerID, store: StoreID, amount: Money, memo: String, at: Instant)

    /// A short stable name for logs, metrics and the wire (`return.approved`).
    public var kind: String {
        switch self {
        case .productDefined: "product.defined"
        case .storeDefined: "store.defined"
        case .policySet: "policy.set"
        case .reorderPointSet: "reorderPoint.set"
        case .staffDefined: "staff.defined"
        case .policyPublished: "policy.published"
        case .exceptionResolved: "exception.resolved"
        case .abuseThresholdsSet: "abuseThresholds.set"
        case .customerRegistered: "customer.registered"
        case .customerFieldChanged: "customer.fieldChanged"
        case .inventoryReceived: "inventory.received"
        case .stockCounted: "stock.counted"
        case .stockAdjusted: "stock.adjusted"
        case .saleRecorded: "sale.recorded"
        case .returnRequested: "return.requested"
        case .returnApproved: "return.approved"
        case .returnRejected: "return.rejected"
        case .returnReceived: "return.received"
        case .returnInspected: "return.inspected"
        case .returnDisposed: "return.disposed"
        case .refundIssued: "return.refunded"
        case .exchangeCompleted: "return.exchanged"
        case .returnClosed: "return.closed"
        case .repairOpened: "repair.opened"
        case .repairProgressed: "repair.progressed"
        case .repairCompleted: "repair.completed"
        case .storeCreditAdjusted: "storeCredit.adjusted"
        }
    }

    /// The lifecycle step this event takes, for return events.
    public var returnAction: ReturnAction? {
        switch self {
        case .returnApproved: .approve
        case .returnRejected: .reject
        case .returnReceived: .receive
        case .returnInspected: .inspect
        case .returnDisposed: .dispose
        case .refundIssued: .refund
        case .exchangeCompleted: .exchange
        case .returnClosed: .close
        default: nil
        }
    }
}

/// Customer fields that can be edited independently.
public enum CustomerField: String, Hashable, Sendable, Codable, CaseIterable {
    case name, phone, email
}
