public import Replication
import ReturnsDomain

/// The stores' events of a `Workload`, made on demand: a single-pass sequence of change sets, each
/// store's next one in turn. Its state is a few recent sales and the open returns per store, so
/// memory stays flat however many events it yields. `stats` counts what was yielded so far.
public final class WorkloadTraffic: Sequence, IteratorProtocol {
    let o: WorkloadOptions
    let catalog: Catalog
    var rng: SplitMix64
    let skuZipf: ZipfSampler
    let customerZipf: ZipfSampler
    var stores: [StoreSim]
    /// Customers some store has registered already.
    var registered: [Bool]
    /// What earlier refunds of a sale sent back, per tender (only sales with refunds).
    var refundedBySale: [SaleID: [Tender: Money]] = [:]
    let policy: ReturnPolicy
    var round = 0
    var turn = 0
    public private(set) var stats = WorkloadStats()
    private var remaining: Int
    /// Events per change set from here on (`WorkloadOptions.changeSetSize` to begin with), for a
    /// benchmark that pushes the stores' history in big change sets and then times small ones.
    public var changeSetSize: Int

    init(_ o: WorkloadOptions) {
        self.o = o
        catalog = Catalog.make(o)
        rng = SplitMix64(seed: o.seed)
        skuZipf = ZipfSampler(count: o.skus, exponent: o.skuSkew)
        customerZipf = ZipfSampler(count: o.customers, exponent: o.customerSkew)
        registered = [Bool](repeating: false, count: o.customers)
        policy = .standard(currency: o.currency)
        remaining = o.events
        changeSetSize = o.changeSetSize
        let ring = Swift.max(16, Swift.min(2_000, 40_000 / o.stores))
        stores = (0..<o.stores).map { i in
            // Stores open at slightly different times, so their clocks interleave.
            StoreSim(index: i, store: Workload.storeID(i), start: o.start + Int64(i % 60) * 1_000, ring: ring)
        }
    }

    public func next() -> PushBatch? {
        guard remaining > 0 else { return nil }
        let s = stores[turn]
        turn += 1
        if turn == stores.count {
            turn = 0
            round += 1
        }
        let size = Swift.min(changeSetSize, remaining)
        while s.buffer.count < size { interact(s) }
        let events = Array(s.buffer.prefix(size))
        s.buffer.removeFirst(size)
        s.emittedThrough = events.last!.dot.seq
        remaining -= size
        stats.events += size
        stats.changeSets += 1
        for e in events { stats.byKind[e.payload.kind, default: 0] += 1 }
        return PushBatch(node: s.author.node, changeSet: ChangeSet(node: s.author.node, events: events))
    }

    // MARK: - One customer at the desk

    /// One interaction at store `s`: the work that has come due, then a new customer.
    func interact(_ s: StoreSim) {
        s.interactions += 1
        // ~2.5 minutes between customers, jittered.
        s.wall += Int64(60_000 + rng.int(0...180_000))
        if s.wall - s.dayStart > 11 * 3_600_000 {
            // Closing time: open again next morning.
            s.dayStart += 86_400_000
            s.wall = s.dayStart + Int64(rng.int(0...600_000))
        }
        advanceDueReturns(s)
        advanceDueRepairs(s)
        let u = rng.unit()
        let returnChance = o.returnRate / (1 + o.returnRate)
        if u < returnChance {
            openReturn(s)
        } else if u < returnChance + 0.002 {
            stockCount(s)
        } else if u < returnChance + 0.003 {
            goodwill(s)
        } else {
            makeSale(s)
        }
    }

    func staff(_ s: StoreSim) -> StaffID { s.staff[rng.int(0...(s.staff.count - 1))] }

    func emit(_ s: StoreSim, _ payload: DomainEvent, on record: RecordKey, context: VersionVector = VersionVector())
        -> Event
    {
        let e = s.author.event(payload, on: record, at: s.wall, context: context, staff: staff(s))
        s.buffer.append(e)
        return e
    }

    func product(_ i: Int) -> Product { catalog.products[i] }

    // MARK: Sales

    func makeSale(_ s: StoreSim) {
        let lineCount = [1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5][rng.int(0...12)]
        var skus: [Int] = []
        for _ in 0..<lineCount {
            let k = skuZipf.sample(&rng)
            if !skus.contains(k) { skus.append(k) }
        }
        let customer: CustomerID?
        if rng.chance(o.anonymousShare) {
            customer = nil
        } else {
            let c = customerZipf.sample(&rng)
            customer = CustomerID("C-\(pad(c + 1, 7))")
            if !registered[c] {
                registered[c] = true
                stats.customersRegistered += 1
                let cust = Customer(
                    id: customer!, name: "Customer \(c + 1)", phone: "+49 151 \(pad(1_000_000 + c, 8))",
                    email: rng.chance(0.6) ? "c\(c + 1)@example.com" : nil)
                emit(s, .customerRegistered(cust), on: .customer(customer!))
            }
        }
        s.salesMinted += 1
        let id = SaleID("R-\(s.store.rawValue)-\(pad(s.salesMinted, 7))")
        var lines: [SaleLine] = []
        for (n, k) in skus.enumerated() {
            let p = product(k)
            let quantity = rng.chance(0.85) ? 1 : rng.int(2...3)
            ensureStock(s, sku: k, quantity: quantity)
            s.stock[k, default: o.openingStock] -= quantity
            var serials: [String] = []
            if p.serialTracked {
                for u in 0..<quantity { serials.append("SN-\(id.rawValue)-\(n + 1)-\(u + 1)") }
            }
            // Now and then a line is discounted at the till.
            let price = rng.chance(0.1) ? p.unitPrice.minor * 9 / 10 : p.unitPrice.minor
            lines.append(
                SaleLine(
                    line: n + 1, sku: p.sku, quantity: quantity, unitPrice: Money(price, o.currency),
                    unitCost: p.unitCost, vatRate: p.vatRate,
                    lot: p.lotTracked ? "L-\(s.wall / 86_400_000 % 1000)" : nil,
                    serials: serials))
        }
        let total = lines.reduce(Int64(0)) { $0 + $1.gross.minor }
        var tenders: [TenderPayment]
        let t = rng.unit()
        if t < 0.68 || total < 100 {
            tenders = [
                TenderPayment(
                    tender: .card, amount: Money(total, o.currency), reference: "AUTH-\(rng.int(100_000...999_999))")
            ]
        } else if t < 0.93 {
            tenders = [TenderPayment(tender: .cash, amount: Money(total, o.currency))]
        } else {
            // Split: part cash, the rest by card.
            let cash = Swift.max(1, total / Int64(rng.int(2...5)))
            tenders = [
                TenderPayment(tender: .cash, amount: Money(cash, o.currency)),
                TenderPayment(
                    tender: .card, amount: Money(total - cash, o.currency),
                    reference: "AUTH-\(rng.int(100_000...999_999))"),
            ]
        }
        let sale = Sale(
            id: id, store: s.store, customer: customer, soldAt: Instant(millis: s.wall), currency: o.currency,
            lines: lines,
            tenders: tenders)
        let e = emit(s, .saleRecorded(sale), on: .sale(id))
        s.remember(RecentSale(sale: sale, seq: e.dot.seq))
        stats.sales += 1
        stats.saleLines += lines.count
    }

    /// Goods are received a case at a time before a sale or exchange would take stock below zero.
    func ensureStock(_ s: StoreSim, sku k: Int, quantity: Int) {
        let have = s.stock[k, default: o.openingStock]
        guard have < quantity else { return }
        let p = product(k)
        // Popular items come in bigger cases.
        let caseSize = k < 50 ? 48 : k < 500 ? 24 : k < 2_000 ? 12 : 6
        let amount = Swift.max(quantity - have, caseSize)
        s.receiptsMinted += 1
        let r = InventoryReceipt(
            store: s.store, sku: p.sku, quantity: amount, unitCost: p.unitCost, vendor: p.vendor,
            receivedAt: Instant(millis: s.wall))
        emit(
            s, .inventoryReceived(r),
            on: RecordKey(.inventoryReceipt, "GR-\(s.store.rawValue)-\(pad(s.receiptsMinted, 6))"))
        s.stock[k, default: o.openingStock] += amount
        stats.goodsReceipts += 1
    }

    func stockCount(_ s: StoreSim) {
        // A popular item's shelf is counted (never a dictionary walk: its order is not repeatable).
        let k = skuZipf.sample(&rng)
        let expected = s.stock[k, default: o.openingStock]
        guard expected > 0 else { return makeSale(s) }
        let p = product(k)
        // Mostly right; sometimes a unit or two went missing (shrinkage), rarely one turns up.
        let variance = rng.chance(0.7) ? 0 : rng.chance(0.8) ? -rng.int(1...2) : 1
        let counted = Swift.max(0, expected + variance)
        s.countsMinted += 1
        let count = StockCount(
            store: s.store, location: .sellable, sku: p.sku, expected: expected, counted: counted, unitCost: p.unitCost,
            countedAt: Instant(millis: s.wall))
        emit(s, .stockCounted(count), on: RecordKey(.stockCount, "SC-\(s.store.rawValue)-\(pad(s.countsMinted, 6))"))
        s.stock[k] = counted
        stats.stockCounts += 1
    }

    func goodwill(_ s: StoreSim) {
        let c = customerZipf.sample(&rng)
        guard registered[c] else { return makeSale(s) }
        let customer = CustomerID("C-\(pad(c + 1, 7))")
        let key = RecordKey.storeCredit(customer)
        // The context is the account as this node knows it: its own earlier adjustments.
        var context = VersionVector()
        if let last = s.creditSeq[customer] { context.record(Dot(node: s.author.node, seq: last)) }
        let amount = Money(Int64(rng.int(5...20)) * 100, o.currency)
        let e = emit(
            s,
            .storeCreditAdjusted(
                customer: customer, store: s.store, amount: amount, memo: "goodwill", at: Instant(millis: s.wall)),
            on: key, context: context)
        s.creditSeq[customer] = e.dot.seq
        stats.storeCreditAdjustments += 1
    }

    // MARK: Returns

    static let faultReasons: [ReasonCode] = [.defective, .damagedInTransit, .wrongItem, .notAsDescribed]

    func reason(for category: Int) -> ReasonCode {
        let name = Catalog.categories[category].name
        let u = rng.unit()
        switch name {
        case "apparel", "shoes":
            return u < 0.45
                ? .sizeOrFit : u < 0.75 ? .changedMind : u < 0.88 ? .notAsDescribed : u < 0.96 ? .defective : .other
        case "electronics":
            return u < 0.40
                ? .defective
                : u < 0.70 ? .changedMind : u < 0.80 ? .notAsDescribed : u < 0.90 ? .damagedInTransit : .wrongItem
        default:
            return u < 0.45
                ? .changedMind : u < 0.70 ? .defective : u < 0.80 ? .damagedInTransit : u < 0.90 ? .wrongItem : .other
        }
    }

    func condition(for reason: ReasonCode) -> ItemCondition {
        let u = rng.unit()
        if reason.isFault { return u < 0.3 ? .openedComplete : u < 0.7 ? .incomplete : u < 0.9 ? .used : .damaged }
        return u < 0.6 ? .unopened : u < 0.97 ? .openedComplete : .used
    }

    func openReturn(_ s: StoreSim) {
        if rng.chance(o.receiptlessShare) { return receiptlessReturn(s) }
        // Usually a sale of this store; sometimes one another store made and has pushed already.
        var home = s
        if o.stores > 1 && rng.chance(o.crossStoreShare) {
            let other = stores[(s.index + rng.int(1...(o.stores - 1))) % o.stores]
            home = other
        }
        guard let slot = home.pickSale(&rng), home.ring[slot]!.seq <= (home === s ? s.author.seq : home.emittedThrough)
        else { return makeSale(s) }
        var entry = home.ring[slot]!
        let sale = entry.sale
        var requested: [RequestedLine] = []
        // Start at a random line so that any line may be the one that comes back.
        let first = rng.int(0...(sale.lines.count - 1))
        for l in sale.lines[first...] + sale.lines[..<first] {
            let k = catalog.bySKU[l.sku]!
            let left = l.quantity - entry.returned[l.line, default: 0]
            guard left > 0 else { continue }
            // Lines of categories people return more are more likely to come back.
            let p = Swift.min(1, 0.35 * Catalog.categories[catalog.category[k]].returnWeight)
            guard requested.isEmpty || rng.chance(p) else { continue }
            let q = rng.chance(0.8) ? 1 : rng.int(1...left)
            let r = reason(for: catalog.category[k])
            let done = entry.returned[l.line, default: 0]
            let serials = l.serials.isEmpty ? [] : Array(l.serials[done..<(done + Swift.min(q, left))])
            requested.append(
                RequestedLine(
                    saleLine: l.line, quantity: Swift.min(q, left), reason: r, condition: condition(for: r),
                    serials: serials))
        }
        guard !requested.isEmpty else { return makeSale(s) }
        let exchange = rng.chance(o.exchangeShare)
        let method: ReturnMethod = rng.chance(0.88) ? .counter : rng.chance(0.7) ? .courier : .homePickup
        let id = ReturnID("RT-\(s.store.rawValue)-\(pad(s.returnsMinted + 1, 6))")
        let event: DomainEvent
        let verdict: PolicyVerdict
        do {
            (event, verdict) = try ReturnDesk.requestReturn(
                id: id, store: s.store, sale: sale, customer: sale.customer, type: exchange ? .exchange : .refund,
                method: method, lines: requested, alreadyReturned: entry.returned,
                product: { self.catalog.bySKU[$0].map { self.catalog.products[$0] } },
                policy: EffectivePolicy(document: policy),
                receiptlessReturnsLast90Days: 0, at: Instant(millis: s.wall),
                trackingNumber: method == .counter ? nil : "TRK\(rng.int(10_000_000...99_999_999))")
        } catch {
            stats.returnsRefusedByPolicy += 1
            return
        }
        s.returnsMinted += 1
        for r in requested { entry.returned[r.saleLine!, default: 0] += r.quantity }
        home.ring[slot] = entry
        guard case .returnRequested(let request) = event else { return }
        if home !== s { stats.crossStoreReturns += 1 }
        start(s, request: request, sale: sale, event: event, verdict: verdict)
    }

    func receiptlessReturn(_ s: StoreSim) {
        // A cheap item without a receipt, refunded at most at the catalog price.
        let k = skuZipf.sample(&rng)
        let p = product(k)
        guard p.unitPrice.minor <= 5_000, p.returnable, !p.serialTracked else { return makeSale(s) }
        let c = customerZipf.sample(&rng)
        let customer: CustomerID? = registered[c] ? CustomerID("C-\(pad(c + 1, 7))") : nil
        let r = reason(for: catalog.category[k])
        let line = RequestedLine(
            sku: p.sku, quantity: 1, reason: r, condition: condition(for: r),
            unitRefund: Money(p.unitPrice.minor * 8 / 10, o.currency))
        let id = ReturnID("RT-\(s.store.rawValue)-\(pad(s.returnsMinted + 1, 6))")
        let event: DomainEvent
        let verdict: PolicyVerdict
        do {
            (event, verdict) = try ReturnDesk.requestReturn(
                id: id, store: s.store, sale: nil, customer: customer, type: .refund, method: .counter, lines: [line],
                alreadyReturned: [:], product: { self.catalog.bySKU[$0].map { self.catalog.products[$0] } },
                policy: EffectivePolicy(document: policy), receiptlessReturnsLast90Days: 0, at: Instant(millis: s.wall))
        } catch {
            stats.returnsRefusedByPolicy += 1
            return
        }
        s.returnsMinted += 1
        guard case .returnRequested(let request) = event else { return }
        stats.receiptlessReturns += 1
        start(s, request: request, sale: nil, event: event, verdict: verdict)
    }

    /// Records the request (and, as `NodeService.createReturn` does, the approval the policy
    /// allows outright); counter returns are received on the spot.
    func start(_ s: StoreSim, request: ReturnRequest, sale: Sale?, event: DomainEvent, verdict: PolicyVerdict) {
        stats.returnsOpened += 1
        let key = RecordKey.returnOrder(request.id)
        let e = emit(s, event, on: key)
        var open = OpenReturn(request: request, sale: sale, status: .requested, vector: VersionVector(), dueAt: 0)
        open.vector.record(e.dot)
        if verdict.isAllowed {
            let a = emit(
                s, .returnApproved(at: Instant(millis: s.wall), note: "policy allows"), on: key, context: open.vector)
            open.vector.record(a.dot)
            open.status = .approved
            if request.method == .counter {
                step(s, &open)
            }
        }
        open.dueAt = s.interactions + rng.int(2...12)
        s.openReturns.append(open)
    }

    func advanceDueReturns(_ s: StoreSim) {
        guard !s.openReturns.isEmpty else { return }
        var i = 0
        while i < s.openReturns.count {
            if s.openReturns[i].dueAt <= s.interactions {
                var r = s.openReturns[i]
                step(s, &r)
                if r.status == .closed {
                    s.openReturns.remove(at: i)
                    continue
                }
                r.dueAt = s.interactions + rng.int(2...12)
                s.openReturns[i] = r
            }
            i += 1
        }
    }

    /// The return's next step, as staff would take it.
    func step(_ s: StoreSim, _ r: inout OpenReturn) {
        let at = Instant(millis: s.wall)
        let key = RecordKey.returnOrder(r.request.id)
        var extra: [(DomainEvent, RecordKey)] = []
        let event: DomainEvent
        do {
            switch r.status {
            case .requested:
                // A manager looks at it: most are approved.
                if rng.chance(0.85) {
                    event = try ReturnDesk.approve(
                        current: r.status, request: r.request, at: at, note: "manager approved")
                } else {
                    event = try ReturnDesk.reject(
                        current: r.status, request: r.request, at: at, reason: "outside policy")
                    stats.returnsRejected += 1
                    // The returned quantity is released again.
                    if let sale = r.sale { release(sale: sale, request: r.request) }
                }
            case .approved:
                event = try ReturnDesk.receive(current: r.status, request: r.request, at: at)
            case .received:
                r.grades = r.request.lines.map { l in
                    LineGrade(line: l.line, grade: grade(for: l), quantity: l.quantity)
                }
                event = try ReturnDesk.inspect(current: r.status, request: r.request, at: at, grades: r.grades)
            case .inspected:
                var dispositions: [LineDisposition] = []
                for g in r.grades {
                    let line = r.request.line(g.line)!
                    let d: Disposition
                    switch g.grade {
                    case .a: d = .restock
                    case .b:
                        d = .refurbish(
                            unitValue: Money(line.unitCost.minor * 6 / 10, o.currency),
                            disclosure: "B-grade: light marks, opened box")
                    case .c:
                        s.repairsMinted += 1
                        let order = RepairOrderID("RO-\(s.store.rawValue)-\(pad(s.repairsMinted, 6))")
                        let technician = "T-\(s.store.rawValue)-\(rng.int(1...3))"
                        d = .repair(order: order, technician: technician)
                        let ro = RepairOrder(
                            id: order, returnID: r.request.id, store: s.store, sku: line.sku, quantity: g.quantity,
                            unitCost: line.unitCost, technician: technician, openedAt: at)
                        extra.append((.repairOpened(ro), .repairOrder(order)))
                    case .d: d = .scrap(reason: "beyond repair")
                    case .vendorDefect:
                        let vendor = catalog.products[catalog.bySKU[line.sku]!].vendor ?? VendorID("V-001")
                        d = .returnToVendor(vendor: vendor, rma: "RMA-\(rng.int(100_000...999_999))")
                    }
                    dispositions.append(LineDisposition(line: g.line, quantity: g.quantity, disposition: d))
                    if g.grade == .a, let k = catalog.bySKU[line.sku] {
                        s.stock[k, default: o.openingStock] += g.quantity
                    }
                }
                event = try ReturnDesk.dispose(
                    current: r.status, request: r.request, grades: r.grades, dispositions: dispositions, at: at)
            case .disposed:
                if r.request.type == .exchange, let exchange = try exchange(s, r) {
                    event = .exchangeCompleted(exchange)
                    stats.exchanges += 1
                } else {
                    let method: RefundMethod
                    let u = rng.unit()
                    if r.request.isReceiptless {
                        method = r.request.customer != nil && u < 0.5 ? .storeCredit(customer: nil) : .cash
                    } else if u < 0.72 {
                        method = .originalTender
                    } else if u < 0.82 {
                        method = .cash
                    } else if u < 0.95, r.request.customer != nil {
                        method = .storeCredit(customer: nil)
                    } else {
                        method = .bankTransfer(reference: "TR-\(rng.int(1_000_000...9_999_999))")
                    }
                    let already = r.request.sale.flatMap { refundedBySale[$0] } ?? [:]
                    let refund = try RefundPlanner.plan(
                        request: r.request, sale: r.sale, method: method, alreadyRefunded: already, at: at)
                    if let sale = r.request.sale {
                        var sums = already
                        for a in refund.allocations {
                            sums[a.tender] = Money((sums[a.tender]?.minor ?? 0) + a.amount.minor, o.currency)
                        }
                        refundedBySale[sale] = sums
                    }
                    event = .refundIssued(refund)
                    stats.refunds += 1
                }
            case .refunded, .exchanged, .rejected:
                event = try ReturnDesk.close(current: r.status, request: r.request, at: at)
            case .closed:
                return
            }
        } catch {
            // Nothing the generator makes should be refused; if something is, the return stops
            // here and is counted (`stepsRefused` should stay 0).
            stats.stepsRefused += 1
            r.status = .closed
            return
        }
        let e = emit(s, event, on: key, context: r.vector)
        r.vector.record(e.dot)
        r.status = ReturnFoldPreview.status(after: event, from: r.status)
        for (payload, record) in extra {
            _ = emit(s, payload, on: record)
            stats.repairsOpened += 1
            if case .repairOpened(let ro) = payload {
                s.repairs.append(
                    OpenRepair(
                        id: ro.id, vector: VersionVector([s.author.node: s.author.seq]), progressed: false,
                        dueAt: s.interactions + rng.int(5...20)))
            }
        }
    }

    func release(sale: Sale, request: ReturnRequest) {
        for st in stores where st.store == sale.store {
            for i in st.ring.indices where st.ring[i]?.sale.id == sale.id {
                for l in request.lines {
                    if let n = l.saleLine { st.ring[i]!.returned[n, default: 0] -= l.quantity }
                }
            }
        }
    }

    func grade(for line: ReturnLine) -> Grade {
        let u = rng.unit()
        if line.reason.isFault {
            return u < 0.15 ? .a : u < 0.35 ? .b : u < 0.65 ? .c : u < 0.80 ? .d : .vendorDefect
        }
        return u < 0.70 ? .a : u < 0.95 ? .b : .d
    }

    /// An exchange: the same item again (another size) or a neighbour in the catalog.
    func exchange(_ s: StoreSim, _ r: OpenReturn) throws -> Exchange? {
        var picks: [(Int, ReturnLine)] = []
        for l in r.request.lines {
            guard var k = catalog.bySKU[l.sku] else { continue }
            if rng.chance(0.3) { k = (k + 1) % o.skus }
            // Serial-tracked goods go out with serials the generator does not mint: refund those.
            guard !product(k).serialTracked else { return nil }
            picks.append((k, l))
        }
        var out: [ExchangeLine] = []
        for (k, l) in picks {
            let p = product(k)
            ensureStock(s, sku: k, quantity: l.quantity)
            s.stock[k, default: o.openingStock] -= l.quantity
            out.append(
                ExchangeLine(
                    sku: p.sku, quantity: l.quantity, unitPrice: p.unitPrice, unitCost: p.unitCost, vatRate: p.vatRate))
        }
        return try ExchangePlanner.plan(
            request: r.request, outLines: out, settlementTender: rng.chance(0.6) ? .card : .cash,
            at: Instant(millis: s.wall))
    }

    func advanceDueRepairs(_ s: StoreSim) {
        guard !s.repairs.isEmpty else { return }
        var i = 0
        while i < s.repairs.count {
            guard s.repairs[i].dueAt <= s.interactions else {
                i += 1
                continue
            }
            var rep = s.repairs[i]
            let at = Instant(millis: s.wall)
            let key = RecordKey.repairOrder(rep.id)
            if !rep.progressed {
                let e = emit(
                    s,
                    .repairProgressed(
                        at: at, status: .inProgress,
                        parts: [RepairPart(name: "spare part", cost: Money(Int64(rng.int(3...40)) * 100, o.currency))],
                        laborCost: Money(Int64(rng.int(2...8)) * 1_000, o.currency)),
                    on: key, context: rep.vector)
                rep.vector.record(e.dot)
                rep.progressed = true
                rep.dueAt = s.interactions + rng.int(5...20)
                s.repairs[i] = rep
                i += 1
            } else {
                let outcome: RepairOutcome =
                    rng.chance(0.7)
                    ? .repaired(resalePrice: Money(Int64(rng.int(10...80)) * 100, o.currency))
                    : .unrepairable(reason: "parts unavailable")
                _ = emit(
                    s,
                    .repairCompleted(
                        at: at, outcome: outcome, totalCost: Money(Int64(rng.int(20...120)) * 100, o.currency)),
                    on: key, context: rep.vector)
                stats.repairsCompleted += 1
                s.repairs.remove(at: i)
            }
        }
    }
}

/// The status a legal step moves a return to (the fold's rule, for the generator's bookkeeping).
enum ReturnFoldPreview {
    static func status(after event: DomainEvent, from current: ReturnStatus) -> ReturnStatus {
        guard let action = event.returnAction else { return current }
        return (try? current.next(after: action)) ?? current
    }
}

/// A sale a store made recently, with what has been asked back of each line since.
struct RecentSale {
    var sale: Sale
    var seq: UInt64
    var returned: [Int: Int] = [:]
}

struct OpenReturn {
    var request: ReturnRequest
    var sale: Sale?
    var status: ReturnStatus
    /// The return's version vector at this node: the context of its next event.
    var vector: VersionVector
    /// The interaction count at which its next step is taken.
    var dueAt: Int
    var grades: [LineGrade] = []
}

struct OpenRepair {
    var id: RepairOrderID
    var vector: VersionVector
    var progressed: Bool
    var dueAt: Int
}

/// One store node's side of the simulation.
final class StoreSim {
    let index: Int
    let store: StoreID
    var author: Author
    let staff: [StaffID]
    var wall: Int64
    var dayStart: Int64
    var interactions = 0
    var buffer: [Event] = []
    /// The last seq pushed (other stores' returns refer only to sales pushed already).
    var emittedThrough: UInt64 = 0
    /// Sellable units per SKU index, as the node's projection would say.
    var stock: [Int: Int] = [:]
    var ring: [RecentSale?]
    var ringNext = 0
    var ringFilled = 0
    var openReturns: [OpenReturn] = []
    var repairs: [OpenRepair] = []
    var creditSeq: [CustomerID: UInt64] = [:]
    var salesMinted = 0
    var returnsMinted = 0
    var repairsMinted = 0
    var receiptsMinted = 0
    var countsMinted = 0

    init(index: Int, store: StoreID, start: Int64, ring: Int) {
        self.index = index
        self.store = store
        author = Author(node: NodeID("N-\(store.rawValue)"), staff: StaffID("\(store.rawValue)-desk-1"))
        staff = (1...4).map { StaffID("\(store.rawValue)-desk-\($0)") }
        wall = start + 9 * 3_600_000
        dayStart = start + 9 * 3_600_000
        self.ring = [RecentSale?](repeating: nil, count: ring)
    }

    func remember(_ sale: RecentSale) {
        ring[ringNext] = sale
        ringNext = (ringNext + 1) % ring.count
        ringFilled = Swift.min(ringFilled + 1, ring.count)
    }

    /// A slot of a recent sale, more likely a newer one (returns come within days).
    func pickSale(_ rng: inout SplitMix64) -> Int? {
        let filled = ringFilled
        guard filled > 0 else { return nil }
        let back = Swift.min(filled - 1, Int(Double(filled) * rng.unit() * rng.unit()))
        let slot = (ringNext - 1 - back + ring.count * 2) % ring.count
        return ring[slot] == nil ? nil : slot
    }
}
