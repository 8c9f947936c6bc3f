import ReturnsDomain

/// The fold of one record: a pure function from the set of its events to its state.
///
/// Rules (documented in docs/domain.md and Protocol/sync.md):
/// - Configuration records (product, store, policy, reorder point): last writer wins by (HLC, dot)
///   among the causally latest events; concurrent losers are reported as `info` exceptions.
/// - Customers: the same, per field.
/// - One-shot records (sale, goods receipt, stock count): the first event wins; a second, different
///   event on the same record (two tills minting one receipt number) is a `review` exception.
/// - Returns and repairs: a state machine walked in causal order. A transition that is illegal
///   because a concurrent event already moved the record is a conflict: the first in causal, then
///   (HLC, dot) order wins, the other is reported. Refunds and exchanges always count for money and
///   goods even when they lose (the cash did leave the till); losing state changes do not.
public enum RecordFold {
    public static func fold(key: RecordKey, events: [Event]) -> RecordState {
        var state = RecordState(key: key)
        for e in events { state.vector.record(e.dot) }
        let (ordered, waiting) = CausalOrdering.order(events)
        state.pending = waiting.map(\.dot)
        // An event on the wrong kind of record never changes state; it is reported.
        let valid = ordered.filter { $0.payload.recordKind == key.kind }
        for e in ordered where e.payload.recordKind != key.kind {
            state.exceptions.append(
                ReplicationException(
                    code: "event.wrongRecord", record: key, dots: [e.dot], message: "\(e.payload.kind) event on \(key)")
            )
        }
        guard !valid.isEmpty else { return state }
        switch key.kind {
        case .product, .store, .policy, .reorderPoint, .staff, .resolution, .setting:
            foldLastWriterWins(&state, valid)
        case .customer:
            foldCustomer(&state, valid)
        case .policyRule:
            foldPolicyRules(&state, valid)
        case .sale, .inventoryReceipt, .stockCount, .stockAdjustment:
            foldOneShot(&state, valid)
        case .returnOrder:
            ReturnFold.fold(&state, valid)
        case .repairOrder:
            foldRepair(&state, valid)
        case .storeCredit:
            foldStoreCredit(&state, valid)
        }
        // Exception ids must be unique per record (stores key on them); merge any that coincide.
        if !state.exceptions.isEmpty {
            var seen = Set<String>()
            state.exceptions = state.exceptions.sorted().filter { seen.insert($0.id).inserted }
        }
        return state
    }

    static func foldLastWriterWins(_ state: inout RecordState, _ events: [Event]) {
        guard let (winner, losers) = CausalOrdering.lastWriter(events) else { return }
        switch winner.payload {
        case .productDefined(let p): state.body = .product(p)
        case .storeDefined(let s): state.body = .store(s)
        case .policySet(let store, let policy): state.body = .policy(store: store, policy: policy)
        case .reorderPointSet(let r): state.body = .reorderPoint(r)
        case .staffDefined(let m): state.body = .staff(m)
        case .exceptionResolved(let note): state.body = .resolution(note)
        case .abuseThresholdsSet(let thresholds): state.body = .abuseThresholds(thresholds)
        default: break
        }
        if !losers.isEmpty {
            state.exceptions.append(
                ReplicationException(
                    code: "conflict.concurrentEdit", severity: .info, record: state.key,
                    dots: [winner.dot] + losers.map(\.dot),
                    message: "concurrent edits; the latest by (HLC, node) was kept"))
        }
    }

    /// A policy scope keeps every version; two publications of one version number (two head-office
    /// processes at once) are decided like any configuration edit, per version.
    static func foldPolicyRules(_ state: inout RecordState, _ events: [Event]) {
        var byVersion: [Int: [Event]] = [:]
        for e in events {
            if case .policyPublished(let rule) = e.payload { byVersion[rule.version, default: []].append(e) }
        }
        var rules: [PolicyRule] = []
        for version in byVersion.keys.sorted() {
            guard let (winner, losers) = CausalOrdering.lastWriter(byVersion[version] ?? []),
                case .policyPublished(let rule) = winner.payload
            else { continue }
            rules.append(rule)
            if !losers.isEmpty {
                state.exceptions.append(
                    ReplicationException(
                        code: "conflict.concurrentEdit", severity: .info, record: state.key,
                        dots: [winner.dot] + losers.map(\.dot),
                        message: "version \(version) was published twice at once; the latest by (HLC, node) was kept"))
            }
        }
        state.body = .policyRules(rules)
    }

    static func foldCustomer(_ state: inout RecordState, _ events: [Event]) {
        var customer = Customer(id: CustomerID(state.key.id))
        var conflictDots = Set<Dot>()
        var conflictFields: [String] = []
        for field in CustomerField.allCases {
            let touching = events.filter { e in
                switch e.payload {
                case .customerRegistered: true
                case .customerFieldChanged(_, let f, _): f == field
                default: false
                }
            }
            guard let (winner, losers) = CausalOrdering.lastWriter(touching) else { continue }
            let value: String?
            switch winner.payload {
            case .customerRegistered(let c):
                value = field == .name ? c.name : field == .phone ? c.phone : c.email
            case .customerFieldChanged(_, _, let v):
                value = v
            default:
                value = nil
            }
            switch field {
            case .name: customer.name = value
            case .phone: customer.phone = value
            case .email: customer.email = value
            }
            if !losers.isEmpty {
                conflictDots.insert(winner.dot)
                for l in losers { conflictDots.insert(l.dot) }
                conflictFields.append(field.rawValue)
            }
        }
        // One exception per record (its id must be unique), naming every field edited concurrently.
        if !conflictFields.isEmpty {
            state.exceptions.append(
                ReplicationException(
                    code: "conflict.concurrentEdit", severity: .info, record: state.key, dots: conflictDots.sorted(),
                    message:
                        "concurrent edits of \(conflictFields.joined(separator: ", ")); the latest of each was kept"))
        }
        state.body = .customer(customer)
    }

    static func foldOneShot(_ state: inout RecordState, _ events: [Event]) {
        let first = events[0]
        for other in events.dropFirst() where other.payload != first.payload {
            state.exceptions.append(
                ReplicationException(
                    code: "conflict.duplicateRecord", record: state.key, dots: [first.dot, other.dot],
                    message:
                        "two different facts share one id (e.g. one receipt number minted twice); the first was kept"))
        }
        var c = Contributions()
        switch first.payload {
        case .saleRecorded(let sale):
            state.body = .sale(sale)
            for l in sale.lines {
                if let from = l.fromLocation {
                    c.movements.append(
                        StockMovement(store: sale.store, sku: l.sku, from: from, to: nil, quantity: l.quantity))
                }
                c.sold[SaleLineKey(sale: sale.id, line: l.line), default: 0] += l.quantity
                for s in l.serials { c.soldSerials[SaleSerialKey(sale: sale.id, serial: s), default: 0] += 1 }
            }
            for t in sale.tenders where t.tender == .storeCredit {
                c.credit(sale.customer ?? t.reference.map(CustomerID.init(rawValue:)), -t.amount)
            }
            c.journal = Postings.sale(sale)
        case .inventoryReceived(let r):
            state.body = .inventoryReceipt(r)
            c.movements.append(
                StockMovement(store: r.store, sku: r.sku, from: nil, to: .sellable, quantity: r.quantity))
            c.journal = Postings.inventoryReceived(r, reference: state.key.description)
        case .stockCounted(let count):
            state.body = .stockCount(count)
            let v = count.variance
            if v > 0 {
                c.movements.append(
                    StockMovement(store: count.store, sku: count.sku, from: nil, to: count.location, quantity: v))
            } else if v < 0 {
                c.movements.append(
                    StockMovement(store: count.store, sku: count.sku, from: count.location, to: nil, quantity: -v))
            }
            c.journal = Postings.stockCount(count, reference: state.key.description)
        case .stockAdjusted(let a):
            state.body = .stockAdjustment(a)
            c.movements.append(
                a.isIncoming
                    ? StockMovement(store: a.store, sku: a.sku, from: nil, to: a.location, quantity: a.quantity)
                    : StockMovement(store: a.store, sku: a.sku, from: a.location, to: nil, quantity: a.quantity))
            c.journal = Postings.stockAdjustment(a, reference: state.key.description)
        default:
            break
        }
        state.contributions = c
    }

    static func foldRepair(_ state: inout RecordState, _ events: [Event]) {
        var repair = RepairState()
        var c = Contributions()
        var completedBy: Event?
        for e in events {
            switch e.payload {
            case .repairOpened(let order):
                if repair.order == nil {
                    repair.order = order
                } else if repair.order != order {
                    state.exceptions.append(
                        ReplicationException(
                            code: "conflict.duplicateRecord", record: state.key, dots: [e.dot],
                            message: "repair order opened twice"))
                }
            case .repairProgressed(_, let status, let parts, let labor):
                guard completedBy == nil else {
                    state.exceptions.append(
                        ReplicationException(
                            code: "event.illegalTransition", record: state.key, dots: [e.dot],
                            message: "progress on a finished repair"))
                    continue
                }
                repair.status = status
                repair.parts += parts
                repair.laborCost = labor
            case .repairCompleted(let at, let outcome, let total):
                if let winner = completedBy {
                    state.exceptions.append(
                        ReplicationException(
                            code: e.isConcurrent(with: winner)
                                ? "conflict.concurrentTransition" : "event.illegalTransition",
                            record: state.key, dots: [winner.dot, e.dot],
                            message: "repair completed twice; the first completion was kept"))
                    continue
                }
                guard let order = repair.order else { continue }
                completedBy = e
                repair.outcome = outcome
                repair.totalCost = total
                switch outcome {
                case .repaired:
                    repair.status = .repaired
                    c.movements.append(
                        StockMovement(
                            store: order.store, sku: order.sku, from: .repair, to: .refurbished,
                            quantity: order.quantity))
                case .unrepairable:
                    repair.status = .unrepairable
                    c.movements.append(
                        StockMovement(
                            store: order.store, sku: order.sku, from: .repair, to: .scrap, quantity: order.quantity))
                }
                c.journal = Postings.repairCompleted(order, outcome: outcome, totalCost: total, at: at)
            default:
                break
            }
        }
        state.body = .repairOrder(repair)
        state.contributions = c
    }

    static func foldStoreCredit(_ state: inout RecordState, _ events: [Event]) {
        var entries: [StoreCreditAdjustment] = []
        var c = Contributions()
        for e in events {
            guard case .storeCreditAdjusted(let customer, let store, let amount, let memo, let at) = e.payload else {
                continue
            }
            entries.append(StoreCreditAdjustment(amount: amount, memo: memo, at: at, dot: e.dot))
            c.credit(customer, amount)
            // Goodwill credit is an allowance against sales; a debit reverses it.
            c.journal.append(
                JournalEntry(
                    reference: "\(state.key)/\(e.dot)", store: store, date: at, memo: memo,
                    lines: [.debit(.salesReturns, amount), .credit(.storeCreditLiability, amount)]))
        }
        state.body = .storeCredit(entries)
        state.contributions = c
    }
}
