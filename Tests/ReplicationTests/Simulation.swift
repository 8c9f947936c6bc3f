import Replication
import ReturnsDomain

/// A simulated chain: nodes that author events from what they locally know and gossip with each
/// other, so that concurrent and conflicting events arise the way they do between offline stores.
struct SimulatedChain {
    struct Node {
        var id: NodeID
        var store: StoreID
        var state = ReplicaState()
        var clock = HybridLogicalClock()
        var seq: UInt64 = 0
        var minted = 0
    }

    static let eur = Currency("EUR")
    static let skus: [SKU] = ["SKU-1", "SKU-2", "SKU-3", "SKU-4"]
    static let customers: [CustomerID] = ["C-1", "C-2", "C-3"]

    var nodes: [Node]
    var rng: SeededGenerator
    var now: Int64 = 1_700_000_000_000
    /// Every event authored, in authoring order.
    var log: [Event] = []

    init(nodeCount: Int, seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        nodes = (0..<nodeCount).map { i in
            let letter = String(UnicodeScalar(UInt8(65 + i)))
            return Node(id: NodeID("node-\(letter)"), store: StoreID("S-\(letter)"))
        }
        // Node 0 plays head office for the catalog.
        for (i, sku) in Self.skus.enumerated() {
            let product = Product(
                sku: sku, name: "Item \(i)", category: i % 2 == 0 ? "audio" : "kitchen",
                unitPrice: Money(Int64(1_000 + 500 * i), Self.eur), unitCost: Money(Int64(600 + 200 * i), Self.eur),
                vatRate: VATRate(basisPoints: 2000), serialTracked: false)
            author(0, .product(sku), .productDefined(product))
        }
    }

    /// Records `payload` on node `n`'s replica as a new event.
    @discardableResult
    mutating func author(_ n: Int, _ record: RecordKey, _ payload: DomainEvent) -> Event {
        now += Int64(rng.int(1...2_000))
        nodes[n].seq += 1
        let stamp = nodes[n].clock.tick(now: now + Int64(rng.int(-50...50)))
        let context = nodes[n].state.records[record]?.vector ?? VersionVector()
        let e = Event(
            dot: Dot(node: nodes[n].id, seq: nodes[n].seq), record: record, context: context, hlc: stamp,
            staff: StaffID("staff-\(n)"), payload: payload)
        nodes[n].state.apply(e)
        log.append(e)
        return e
    }

    /// Node `a` gives node `b` everything it holds (one-way gossip).
    mutating func gossip(_ a: Int, _ b: Int) {
        let missing = nodes[a].state.events.values.filter { nodes[b].state.events[$0.dot] == nil }
        for e in missing.sorted(by: { $0.dot < $1.dot }) {
            nodes[b].clock.observe(e.hlc, now: now)
            nodes[b].state.apply(e)
        }
    }

    mutating func mint(_ n: Int, _ prefix: String) -> String {
        nodes[n].minted += 1
        return "\(prefix)-\(nodes[n].store)-\(nodes[n].minted)"
    }

    /// One random step by a random node.
    mutating func step() {
        let n = rng.int(0...nodes.count - 1)
        let store = nodes[n].store
        switch rng.int(0...99) {
        case 0..<10:
            let sku = rng.pick(Self.skus)!
            author(
                n, RecordKey(.inventoryReceipt, mint(n, "GR")),
                .inventoryReceived(
                    InventoryReceipt(
                        store: store, sku: sku, quantity: rng.int(1...10), unitCost: Money(700, Self.eur),
                        receivedAt: Instant(millis: now))))
        case 10..<28:
            sell(n)
        case 28..<45:
            requestReturn(n)
        case 45..<75:
            advanceReturn(n)
        case 75..<80:
            let c = rng.pick(Self.customers)!
            author(
                n, .storeCredit(c),
                .storeCreditAdjusted(
                    customer: c, store: store, amount: Money(Int64(rng.int(-300...500)), Self.eur), memo: "goodwill",
                    at: Instant(millis: now)))
        case 80..<85:
            let c = rng.pick(Self.customers)!
            author(
                n, .customer(c),
                .customerFieldChanged(
                    customer: c, field: rng.pick(CustomerField.allCases)!, value: "v\(rng.int(1...99))"))
        case 85..<88:
            let sku = rng.pick(Self.skus)!
            let expected = nodes[n].state.stock(store: store, location: .sellable, sku: sku)
            author(
                n, RecordKey(.stockCount, mint(n, "SC")),
                .stockCounted(
                    StockCount(
                        store: store, location: .sellable, sku: sku, expected: expected,
                        counted: max(0, expected + rng.int(-2...1)), unitCost: Money(700, Self.eur),
                        countedAt: Instant(millis: now))))
        default:
            let b = rng.int(0...nodes.count - 1)
            if b != n { gossip(n, b) }
        }
    }

    mutating func sell(_ n: Int) {
        let id = SaleID(mint(n, "R"))
        var lines: [SaleLine] = []
        for i in 1...rng.int(1...3) {
            let sku = rng.pick(Self.skus)!
            let product = nodes[n].state.product(sku)
            let price = product?.unitPrice ?? Money(1_000, Self.eur)
            lines.append(
                SaleLine(
                    line: i, sku: sku, quantity: rng.int(1...3), unitPrice: price,
                    unitCost: product?.unitCost ?? Money(600, Self.eur), vatRate: VATRate(basisPoints: 2000)))
        }
        let total = lines.reduce(Int64(0)) { $0 + $1.gross.minor }
        let customer = rng.chance(80) ? rng.pick(Self.customers) : nil
        var tenders = [TenderPayment(tender: .card, amount: Money(total, Self.eur))]
        if rng.chance(30), customer != nil, total > 200 {
            tenders = [
                TenderPayment(tender: .card, amount: Money(total - 200, Self.eur)),
                TenderPayment(tender: .storeCredit, amount: Money(200, Self.eur)),
            ]
        }
        let sale = Sale(
            id: id, store: nodes[n].store, customer: customer, soldAt: Instant(millis: now), currency: Self.eur,
            lines: lines, tenders: tenders)
        author(n, .sale(id), .saleRecorded(sale))
    }

    mutating func requestReturn(_ n: Int) {
        let state = nodes[n].state
        let sales = state.records.values.compactMap(\.sale).sorted { $0.id < $1.id }
        let id = ReturnID(mint(n, "RT"))
        var lines: [ReturnLine] = []
        var saleID: SaleID?
        var customer: CustomerID? = rng.pick(Self.customers)
        if let sale = rng.pick(sales), !rng.chance(10) {
            saleID = sale.id
            customer = sale.customer
            for l in sale.lines {
                let left = state.returnableQuantity(sale: sale.id, line: l.line)
                // Mostly honest; sometimes racing another store for the last unit.
                let q = rng.chance(85) ? min(left, rng.int(1...2)) : rng.int(1...2)
                guard q > 0, rng.chance(70) else { continue }
                lines.append(
                    ReturnLine(
                        line: lines.count + 1, saleLine: l.line, sku: l.sku, quantity: q, unitRefund: l.unitPrice,
                        unitCost: l.unitCost, vatRate: l.vatRate, reason: rng.pick(ReasonCode.allCases)!,
                        condition: .unopened))
            }
        } else {
            let sku = rng.pick(Self.skus)!
            lines.append(
                ReturnLine(
                    line: 1, saleLine: nil, sku: sku, quantity: 1, unitRefund: Money(900, Self.eur),
                    unitCost: Money(600, Self.eur), vatRate: VATRate(basisPoints: 2000), reason: .changedMind,
                    condition: .unopened))
        }
        guard !lines.isEmpty else { return }
        let fee = rng.chance(30) ? Money(Int64(rng.int(0...100)), Self.eur) : Money.zero(Self.eur)
        let request = ReturnRequest(
            id: id, store: nodes[n].store, sale: saleID, saleStore: nil, customer: customer,
            type: rng.chance(20) ? .exchange : .refund, method: .counter, currency: Self.eur, lines: lines,
            requestedAt: Instant(millis: now), restockingFee: fee)
        author(n, .returnOrder(id), .returnRequested(request))
    }

    mutating func advanceReturn(_ n: Int) {
        let open = nodes[n].state.records.values.filter {
            $0.returnOrder?.request != nil && $0.returnOrder?.status != .closed
        }.sorted { $0.key < $1.key }
        guard let record = rng.pick(open), let r = record.returnOrder, let request = r.request else { return }
        let at = Instant(millis: now)
        let payload: DomainEvent
        switch r.status {
        case .requested:
            payload =
                rng.chance(75) ? .returnApproved(at: at, note: nil) : .returnRejected(at: at, reason: "outside policy")
        case .approved:
            payload = .returnReceived(at: at, trackingNumber: nil)
        case .received:
            payload = .returnInspected(
                at: at,
                grades: request.lines.map {
                    LineGrade(line: $0.line, grade: rng.pick(Grade.allCases)!, quantity: $0.quantity)
                })
        case .inspected:
            let ds = r.grades.map { g -> LineDisposition in
                let cost = request.line(g.line)!.unitCost
                let d: Disposition
                switch g.grade {
                case .a: d = .restock
                case .b: d = .refurbish(unitValue: Money(cost.minor / 2, Self.eur), disclosure: "scuffed")
                case .c: d = .repair(order: RepairOrderID("RO-\(request.id)-\(g.line)"), technician: "tech")
                case .d: d = .scrap(reason: "broken")
                case .vendorDefect: d = .returnToVendor(vendor: "V-1", rma: nil)
                }
                return LineDisposition(line: g.line, quantity: g.quantity, disposition: d)
            }
            payload = .returnDisposed(at: at, dispositions: ds)
            for d in ds {
                if case .repair(let order, let tech) = d.disposition, let line = request.line(d.line) {
                    let ro = RepairOrder(
                        id: order, returnID: request.id, store: request.store, sku: line.sku, quantity: d.quantity,
                        unitCost: line.unitCost, technician: tech, openedAt: at)
                    author(n, .repairOrder(order), .repairOpened(ro))
                    if rng.chance(60) {
                        author(
                            n, .repairOrder(order),
                            .repairCompleted(
                                at: at,
                                outcome: rng.chance(70)
                                    ? .repaired(resalePrice: Money(500, Self.eur)) : .unrepairable(reason: "no parts"),
                                totalCost: Money(150, Self.eur)))
                    }
                }
            }
        case .disposed:
            let paid = request.gross.minor - request.restockingFee.minor
            if request.type == .exchange, let sku = rng.pick(Self.skus) {
                let price = Money(Int64(rng.int(500...3_000)), Self.eur)
                payload = .exchangeCompleted(
                    Exchange(
                        returnedValue: Money(paid, Self.eur), restockingFee: request.restockingFee,
                        outLines: [
                            ExchangeLine(
                                sku: sku, quantity: 1, unitPrice: price, unitCost: Money(600, Self.eur),
                                vatRate: VATRate(basisPoints: 2000))
                        ], difference: Money(price.minor - paid, Self.eur),
                        settlementTender: rng.chance(50) ? .cash : .storeCredit, exchangedAt: at))
            } else {
                let tender: Tender = request.customer != nil && rng.chance(30) ? .storeCredit : .card
                payload = .refundIssued(
                    Refund(
                        gross: request.gross, restockingFee: request.restockingFee,
                        allocations: [RefundAllocation(tender: tender, amount: Money(paid, Self.eur))], refundedAt: at))
            }
        case .refunded, .exchanged, .rejected:
            payload = .returnClosed(at: at)
        case .closed:
            return
        }
        author(n, record.key, payload)
    }
}
