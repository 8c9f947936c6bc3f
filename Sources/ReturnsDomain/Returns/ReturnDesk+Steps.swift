/// Goods handed out in an exchange, as the desk enters them; prices come from the catalog.
public struct ExchangeItem: Hashable, Sendable, Codable {
    public var sku: SKU
    public var quantity: Int
    public var serials: [String]?
    public init(sku: SKU, quantity: Int, serials: [String]? = nil) {
        self.sku = sku
        self.quantity = quantity
        self.serials = serials
    }
}

/// A step of a return's lifecycle as a door asks for it: the desk and the node's API for a store,
/// the hub's channel API for an online shop without a node. ``ReturnDesk/plan(_:current:request:grades:receivedAt:context:product:mint:)``
/// decides it the same way for every door.
public enum ReturnStepCommand: Hashable, Sendable, Codable {
    case approve(note: String?)
    case reject(reason: String)
    /// `store`: where the goods were taken in when that is not the store acting (the online shop
    /// tells the hub which branch took a parcel in); nil: the store acting.
    case receive(trackingNumber: String?, store: StoreID? = nil)
    case inspect(grades: [LineGrade])
    case dispose(dispositions: [LineDisposition])
    case refund(method: RefundMethod)
    case exchange(items: [ExchangeItem], settlement: Tender)
    case close

    /// Whether deciding it needs the return's sale, what was refunded of it already and the
    /// approval threshold (``ReturnDesk/StepContext``): a refund's.
    public var refunds: Bool {
        if case .refund = self { return true }
        return false
    }
}

extension ReturnDesk {
    /// What deciding a step needs besides the return, read by the door in the transaction that
    /// records it.
    public struct StepContext {
        /// The store or channel acting: the node's store, or the channel the hub acts for.
        public var store: StoreID
        public var at: Instant
        /// The return's sale, for a refund (``ReturnStepCommand/refunds``).
        public var sale: Sale?
        /// What earlier refunds of that sale sent back per tender (``RefundPlanner/refunded(by:)``).
        public var alreadyRefunded: [Tender: Money]
        /// The approval threshold of the return's store's policy: a refund above it needs authority.
        public var approvalThreshold: Money?

        public init(
            store: StoreID, at: Instant, sale: Sale? = nil, alreadyRefunded: [Tender: Money] = [:],
            approvalThreshold: Money? = nil
        ) {
            self.store = store
            self.at = at
            self.sale = sale
            self.alreadyRefunded = alreadyRefunded
            self.approvalThreshold = approvalThreshold
        }
    }

    /// What a step records: the event on the return, the repair orders a disposition opens (each
    /// with its `repairOpened`), the authority the person recording it needs (``StaffAuthority``),
    /// and the goods an exchange hands out (for the door's stock warning).
    public struct StepPlan {
        public var event: DomainEvent
        public var repairs: [(order: RepairOrderID, event: DomainEvent)]
        public var permission: StaffPermission?
        public var handedOut: [ExchangeLine]
    }

    /// Decides `step` on a return that is `current`, for every door alike: the lifecycle's rules
    /// (``approve(current:request:at:note:)`` and the other steps), repair orders numbered and
    /// opened at the store holding the goods, the refund planned (``RefundPlanner``) on the
    /// tenders of the sale and numbered as a credit note, the exchange priced from the catalog.
    ///
    /// Where it happens is recorded when it is not the return's own store: goods taken in at
    /// another store go into that store's stock (`receivedAt` afterwards), and a refund paid at
    /// another store is paid from its till, while the revenue it reverses stays with the store
    /// that sold (``Postings``).
    ///
    /// `product` is the catalog (an exchange's goods); `mint` gives the next document number of a
    /// prefix (`RO`, `CN`) from the acting replica's counter.
    public static func plan(
        _ step: ReturnStepCommand, current: ReturnStatus, request: ReturnRequest, grades: [LineGrade],
        receivedAt: StoreID?, context: StepContext, product: (SKU) throws -> Product? = { _ in nil },
        mint: (String) throws -> String
    ) throws -> StepPlan {
        let at = context.at
        func plain(_ event: DomainEvent, _ permission: StaffPermission? = nil) -> StepPlan {
            StepPlan(event: event, repairs: [], permission: permission, handedOut: [])
        }
        switch step {
        case .approve(let note):
            return plain(
                try approve(current: current, request: request, at: at, note: note),
                StaffAuthority.required(for: .approve))
        case .reject(let reason):
            return plain(
                try reject(current: current, request: request, at: at, reason: reason),
                StaffAuthority.required(for: .reject))
        case .receive(let tracking, let store):
            return plain(
                try receive(
                    current: current, request: request, at: at, trackingNumber: tracking,
                    store: store ?? context.store))
        case .inspect(let given):
            return plain(try inspect(current: current, request: request, at: at, grades: given))
        case .dispose(let given):
            // Repair dispositions without an order number get one minted here.
            let dispositions = try numberRepairs(given) { RepairOrderID(try mint(repairOrderPrefix)) }
            let event = try dispose(
                current: current, request: request, grades: grades, dispositions: dispositions, at: at)
            return StepPlan(
                event: event,
                repairs: repairsOpened(by: dispositions, of: request, at: at, store: receivedAt),
                permission: StaffAuthority.required(for: .dispose, dispositions: dispositions.map(\.disposition)),
                handedOut: [])
        case .refund(let method):
            _ = try current.next(after: .refund)
            var refund = try RefundPlanner.plan(
                request: request, sale: context.sale, method: method, alreadyRefunded: context.alreadyRefunded,
                at: at)
            let permission = StaffAuthority.required(
                for: .refund, refund: refund.gross, approvalThreshold: context.approvalThreshold)
            // The credit note's number, once per refund, from the acting replica's counter:
            // unique chain-wide with no coordination (`CN-S01-000042`).
            refund.creditNote = try mint(CreditNote.prefix)
            refund.store = context.store == request.store ? nil : context.store
            return plain(.refundIssued(refund), permission)
        case .exchange(let items, let settlement):
            _ = try current.next(after: .exchange)
            let out = try ExchangePlanner.outLines(items.map { ($0.sku, $0.quantity, $0.serials) }, product: product)
            let exchange = try ExchangePlanner.plan(
                request: request, outLines: out, settlementTender: settlement, at: at)
            return StepPlan(event: .exchangeCompleted(exchange), repairs: [], permission: nil, handedOut: out)
        case .close:
            return plain(try close(current: current, request: request, at: at))
        }
    }
}

extension RefundPlanner {
    /// What `refunds` (earlier refunds of the same sale, on other returns) sent back per tender.
    public static func refunded(by refunds: [Refund]) -> [Tender: Money] {
        var out: [Tender: Money] = [:]
        for refund in refunds {
            for a in refund.allocations {
                out[a.tender] = Money((out[a.tender]?.minor ?? 0) + a.amount.minor, a.amount.currency)
            }
        }
        return out
    }
}
