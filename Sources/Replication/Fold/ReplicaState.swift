public import ReturnsDomain

/// What happened when an event was offered to a replica.
public enum ApplyOutcome: Hashable, Sendable {
    /// New: stored and folded.
    case applied
    /// Already held with identical content: nothing changed (delivery is idempotent).
    case duplicate
    /// Already held with *different* content: refused. Two histories claim one dot, which means a
    /// node restored from an old backup or a cloned database.
    case conflictingDot
}

/// A replica's whole derived state: the set of events held, each record's folded state, and the
/// company-wide sums of the records' contributions.
///
/// The law: two replicas holding the same set of events are equal, whatever order the events
/// arrived in and however often. `apply` keeps it by re-folding only the touched record and
/// swapping its old contributions for the new ones.
public struct ReplicaState: Hashable, Sendable {
    public private(set) var events: [Dot: Event] = [:]
    /// Each record's events, kept sorted by dot so equal sets compare equal.
    private var recordEvents: [RecordKey: [Event]] = [:]
    public private(set) var records: [RecordKey: RecordState] = [:]
    /// Stock per store, location and SKU: the sum of every record's movements.
    public private(set) var stock: [StockKey: Int] = [:]
    public private(set) var sold: [SaleLineKey: Int] = [:]
    public private(set) var returned: [SaleLineKey: Int] = [:]
    public private(set) var soldSerials: [SaleSerialKey: Int] = [:]
    public private(set) var returnedSerials: [SaleSerialKey: Int] = [:]
    public private(set) var storeCredit: [StoreCreditKey: Int64] = [:]
    /// Trial balance: debit-positive balance per account and currency.
    public private(set) var ledger: [LedgerKey: Int64] = [:]
    /// Return records per customer, for return history.
    public private(set) var returnsByCustomer: [CustomerID: Set<RecordKey>] = [:]
    /// node → highest seq held from that node.
    public private(set) var seen = VersionVector()

    public init() {}

    /// Folds a set of events from scratch.
    public static func fold(_ events: some Sequence<Event>) -> ReplicaState {
        var s = ReplicaState()
        s.apply(contentsOf: events)
        return s
    }

    public mutating func apply(contentsOf events: some Sequence<Event>) {
        var touched = Set<RecordKey>()
        for e in events where insert(e) == .applied { touched.insert(e.record) }
        for key in touched { refold(key) }
    }

    /// Offers one event. Idempotent; a different event under a known dot is refused.
    @discardableResult
    public mutating func apply(_ event: Event) -> ApplyOutcome {
        let outcome = insert(event)
        if outcome == .applied { refold(event.record) }
        return outcome
    }

    private mutating func insert(_ event: Event) -> ApplyOutcome {
        if let held = events[event.dot] { return held == event ? .duplicate : .conflictingDot }
        events[event.dot] = event
        seen.record(event.dot)
        var list = recordEvents[event.record, default: []]
        let index = list.firstIndex { $0.dot > event.dot } ?? list.count
        list.insert(event, at: index)
        recordEvents[event.record] = list
        return .applied
    }

    private mutating func refold(_ key: RecordKey) {
        let old = records[key]
        let new = RecordFold.fold(key: key, events: recordEvents[key] ?? [])
        if let old { add(old.contributions, sign: -1) }
        add(new.contributions, sign: 1)
        if let c = old?.returnOrder?.request?.customer {
            returnsByCustomer[c]?.remove(key)
            if returnsByCustomer[c]?.isEmpty == true { returnsByCustomer[c] = nil }
        }
        if let c = new.returnOrder?.request?.customer { returnsByCustomer[c, default: []].insert(key) }
        records[key] = new
    }

    private mutating func add(_ c: Contributions, sign: Int) {
        Self.merge(&stock, c.stock, sign)
        Self.merge(&sold, c.sold, sign)
        Self.merge(&returned, c.returned, sign)
        Self.merge(&soldSerials, c.soldSerials, sign)
        Self.merge(&returnedSerials, c.returnedSerials, sign)
        Self.merge(&storeCredit, c.storeCredit, Int64(sign))
        Self.merge(&ledger, c.ledger, Int64(sign))
    }

    private static func merge<K: Hashable, V: BinaryInteger>(_ into: inout [K: V], _ delta: [K: V], _ sign: V) {
        for (k, v) in delta {
            let n = into[k, default: 0] + sign * v
            into[k] = n == 0 ? nil : n
        }
    }

    /// The events of one record, sorted by dot.
    public func events(of record: RecordKey) -> [Event] { recordEvents[record] ?? [] }
}

extension ReplicaState {
    public func stock(store: StoreID, location: StockLocation, sku: SKU) -> Int {
        stock[StockKey(store: store, location: location, sku: sku)] ?? 0
    }

    /// Company-wide stock of a SKU per location.
    public func companyStock(sku: SKU) -> [StockLocation: Int] {
        var out: [StockLocation: Int] = [:]
        for (k, q) in stock where k.sku == sku { out[k.location, default: 0] += q }
        return out
    }

    /// Units of a sale line that can still be returned (never negative).
    public func returnableQuantity(sale: SaleID, line: Int) -> Int {
        let key = SaleLineKey(sale: sale, line: line)
        return max(0, (sold[key] ?? 0) - (returned[key] ?? 0))
    }

    public func returnOrder(_ id: ReturnID) -> ReturnOrderState? { records[.returnOrder(id)]?.returnOrder }
    public func sale(_ id: SaleID) -> Sale? { records[.sale(id)]?.sale }
    public func product(_ sku: SKU) -> Product? { records[.product(sku)]?.product }

    /// A customer's returns across all stores and channels, newest request first.
    public func returnHistory(of customer: CustomerID) -> [ReturnOrderState] {
        (returnsByCustomer[customer] ?? []).compactMap { records[$0]?.returnOrder }
            .sorted {
                ($0.request?.requestedAt ?? Instant(millis: 0), $0.request?.id.rawValue ?? "") > (
                    $1.request?.requestedAt ?? Instant(millis: 0), $1.request?.id.rawValue ?? ""
                )
            }
    }

    public func storeCreditBalance(of customer: CustomerID, currency: Currency) -> Money {
        Money(storeCredit[StoreCreditKey(customer: customer, currency: currency)] ?? 0, currency)
    }

    /// Every journal entry, ordered by record then step, the same on every replica.
    public var journal: [JournalEntry] {
        records.keys.sorted().flatMap { records[$0]!.contributions.journal }
    }

    /// Everything head office must review: the records' own exceptions plus the company-wide
    /// invariant checks (over-returns per line and serial, overdrawn store credit), sorted.
    public var exceptions: [ReplicationException] {
        var out = records.values.flatMap(\.exceptions)
        for (key, qty) in returned {
            let soldQty = sold[key] ?? 0
            guard let saleRecord = records[.sale(key.sale)], saleRecord.sale != nil, qty > soldQty else { continue }
            out.append(
                ReplicationException(
                    code: "return.overReturn", record: .sale(key.sale), dots: overReturnDots(key),
                    message: "line \(key.line): \(qty) returned but \(soldQty) sold"))
        }
        for (key, count) in returnedSerials where count > 1 {
            out.append(
                ReplicationException(
                    code: "return.serialReturnedTwice", record: .sale(key.sale), dots: [],
                    message: "serial \(key.serial) returned \(count) times"))
        }
        for (key, balance) in storeCredit where balance < 0 {
            out.append(
                ReplicationException(
                    code: "storeCredit.overdrawn", record: .storeCredit(key.customer), dots: [],
                    message: "store credit of \(key.customer) is \(Money(balance, key.currency))"))
        }
        return out.sorted()
    }

    /// The request dots of the returns on a sale line, for an over-return exception.
    private func overReturnDots(_ key: SaleLineKey) -> [Dot] {
        records.values.compactMap { rec -> Dot? in
            guard let r = rec.returnOrder, r.holdsQuantity, r.request?.sale == key.sale,
                r.request?.lines.contains(where: { $0.saleLine == key.line }) == true
            else { return nil }
            return r.steps.first?.dot
        }.sorted()
    }

    /// Records with events still waiting for causal predecessors.
    public var pendingDots: [Dot] { records.values.flatMap(\.pending).sorted() }
}
