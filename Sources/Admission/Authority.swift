public import Replication
public import ReturnsDomain

/// What a party is when it authors events. The hub maps its enrolment roles onto these; a node
/// authors as `.store` of its own store.
public enum AuthorRole: String, Hashable, Sendable, CaseIterable {
    /// A branch store's node.
    case store
    /// An online shop or marketplace (a node of its own, or the hub's channel API on its behalf).
    case channel
    /// Head office: the catalog, policies, stores, opening stock and approvals anywhere.
    case headOffice
    /// The hub itself (node `hub`): channel returns submitted through its API.
    case hub
    /// Reads only: a head-office viewer or an operator.
    case reader
}

/// Who is authoring: the node (from its credential, never from the payload), its role and the
/// store or channel it belongs to.
public struct EventAuthor: Hashable, Sendable {
    /// The node id the hub authors its own events under; reserved, no node may enrol as it.
    public static let hubNode: NodeID = "hub"

    public var node: NodeID
    public var role: AuthorRole
    public var store: StoreID?

    public init(node: NodeID, role: AuthorRole, store: StoreID?) {
        self.node = node
        self.role = role
        self.store = store
    }

    /// A replica authoring its own events locally: the hub under `hubNode`, any other node as the
    /// store it belongs to.
    public static func local(node: NodeID, store: StoreID) -> EventAuthor {
        node == hubNode
            ? EventAuthor(node: node, role: .hub, store: store) : EventAuthor(node: node, role: .store, store: store)
    }

    /// Whether this author acts for `store` (a store's or channel's node for its own store).
    func actsFor(_ other: StoreID) -> Bool {
        (role == .store || role == .channel) && store == other
    }
}

/// Facts about records that decide who may add to them, learnt from the records' creating events:
/// the store holding a return (and whether the hub opened it for a channel) and a repair order's
/// store. Each door fills it from the records it holds before admitting a batch; the batch's own
/// creating events are learnt as they are admitted.
public struct RecordOwners: Sendable {
    public struct ReturnHolder: Hashable, Sendable {
        public var store: StoreID
        /// Opened by the hub for an online channel: any store may receive and walk it (DESIGN §2).
        public var channelReturn: Bool
    }

    public private(set) var returns: [String: ReturnHolder] = [:]
    public private(set) var repairs: [String: StoreID] = [:]

    public init() {}

    /// The record kinds whose later events need an owner looked up.
    public static let ownedKinds: Set<RecordKind> = [.returnOrder, .repairOrder]

    /// Learns from a record's state as this side holds it.
    public mutating func learn(_ state: RecordState) {
        switch state.body {
        case .returnOrder(let r):
            if let request = r.request {
                returns[state.key.id] = ReturnHolder(
                    store: request.store, channelReturn: state.vector[EventAuthor.hubNode] > 0)
            }
        case .repairOrder(let r):
            if let order = r.order { repairs[state.key.id] = order.store }
        default: break
        }
    }

    /// Learns from a creating event (a return's request, a repair order's opening).
    public mutating func learn(_ event: Event) {
        switch event.payload {
        case .returnRequested(let request) where returns[event.record.id] == nil:
            returns[event.record.id] = ReturnHolder(
                store: request.store, channelReturn: event.dot.node == EventAuthor.hubNode)
        case .repairOpened(let order) where repairs[event.record.id] == nil:
            repairs[event.record.id] = order.store
        default: break
        }
    }
}

/// The ownership table (Protocol/sync.md, "Who may author what"): whether `author` may write
/// `event` about its record.
enum Authority {
    static func check(_ event: Event, by author: EventAuthor, owners: RecordOwners) throws(AdmissionError) {
        func refuse(_ code: AdmissionError.Code, _ why: String) -> AdmissionError {
            AdmissionError(code, "event \(event.dot) (\(event.payload.kind)): \(why)", dot: event.dot)
        }
        let role = author.role
        if role == .reader { throw refuse(.roleMayNotAuthor, "a reader authors no events") }
        let office = role == .headOffice
        let hub = role == .hub
        /// A store's or channel's own records: its node, head office when `office` is allowed, the hub.
        func own(_ store: StoreID, office officeMay: Bool = false, _ what: String) throws(AdmissionError) {
            if hub || author.actsFor(store) || (office && officeMay) { return }
            throw refuse(.notOwner, "\(what) of \(store) are written by that store's own nodes")
        }
        switch event.payload {
        case .productDefined:
            // The catalog is head office's; a store may also keep it while head office's master data
            // pages are not there yet (the chain demo defines its catalog at a store).
            if role == .channel { throw refuse(.roleMayNotAuthor, "a channel does not define products") }
        case .storeDefined(let store):
            if !(office || hub || author.actsFor(store.id)) {
                throw refuse(.notOwner, "a store is described by head office or by itself")
            }
        case .policySet(let store, _):
            guard let store else {
                if office || hub { return }
                throw refuse(.notOwner, "the chain's default policy is head office's")
            }
            try own(store, office: true, "policies")
        case .reorderPointSet(let point): try own(point.store, office: true, "reorder points")
        case .staffDefined:
            // Staff, their roles and PINs are head office's: no store gives itself a manager.
            if !(office || hub) { throw refuse(.roleMayNotAuthor, "staff are defined by head office") }
        case .policyPublished:
            // Layered rules are the chain's; a store keeps only its whole policy (`policy.set`).
            if !(office || hub) { throw refuse(.roleMayNotAuthor, "policy rules are published by head office") }
        case .exceptionResolved:
            if !(office || hub) { throw refuse(.roleMayNotAuthor, "head office resolves the exceptions of its queue") }
        case .abuseThresholdsSet:
            if !(office || hub) { throw refuse(.roleMayNotAuthor, "head office sets the abuse thresholds") }
        case .customerRegistered, .customerFieldChanged:
            break  // Customers are the chain's: any store, channel or head office serves them.
        case .inventoryReceived(let receipt): try own(receipt.store, office: true, "goods received")
        case .stockCounted(let count): try own(count.store, "stock counts")
        case .stockAdjusted(let adjustment): try own(adjustment.store, "stock adjustments")
        case .saleRecorded(let sale): try own(sale.store, "sales")
        case .returnRequested(let request):
            if owners.returns[event.record.id] != nil {
                throw refuse(.inconsistent, "return \(event.record.id) has been requested already")
            }
            try own(request.store, "returns held")
        case .returnApproved, .returnRejected, .returnReceived, .returnInspected, .returnDisposed, .refundIssued,
            .exchangeCompleted, .returnClosed:
            guard let holder = owners.returns[event.record.id] else {
                throw refuse(.unknownRecord, "no return \(event.record.id) has been requested")
            }
            // A step that says where it happened (goods taken in, a refund paid at another store)
            // happened at the author's own store; only the hub says so for another.
            if let place = event.payload.placeOfStep, !hub, !author.actsFor(place) {
                throw refuse(.notOwner, "a step at \(place) is recorded by that store's own nodes")
            }
            if hub || author.actsFor(holder.store) { return }
            if holder.channelReturn && (role == .store || role == .channel) { return }
            if office, event.payload.returnAction == .approve || event.payload.returnAction == .reject { return }
            throw refuse(.notOwner, "steps on return \(event.record.id) belong to \(holder.store), which holds it")
        case .repairOpened(let order): try own(order.store, "repair orders")
        case .repairProgressed, .repairCompleted:
            guard let store = owners.repairs[event.record.id] else {
                throw refuse(.unknownRecord, "no repair order \(event.record.id) has been opened")
            }
            try own(store, "repair orders")
        case .storeCreditAdjusted(_, let store, _, _, _): try own(store, office: true, "store-credit adjustments")
        }
    }
}

extension DomainEvent {
    /// The store a return's step names as where it happened, when not the return's own store.
    var placeOfStep: StoreID? {
        switch self {
        case .returnReceived(_, _, let store): store
        case .refundIssued(let refund): refund.store
        default: nil
        }
    }
}
