public import Replication
public import ReturnsDomain

/// The value rules of one event: its replication fields and its payload, each kind's own way.
/// `now` is the admitting side's clock (the hub's for a push, the node's for a pulled page).
struct EventValues {
    let event: Event
    let now: Int64

    func check() throws(AdmissionError) {
        try replicationFields()
        try payload()
    }

    // MARK: - Building blocks

    func fail(_ code: AdmissionError.Code, _ message: String) -> AdmissionError {
        AdmissionError(code, "event \(event.dot) (\(event.payload.kind)): \(message)", dot: event.dot)
    }

    func id(_ text: String, _ what: String) throws(AdmissionError) {
        guard IdentifierAlphabet.isValid(text) else {
            throw fail(
                .badIdentifier,
                "\(what) must be 1 to \(Limits.maxIdentifierScalars) characters with no control characters or outer spaces"
            )
        }
    }

    func id(_ text: String?, _ what: String) throws(AdmissionError) {
        if let text { try id(text, what) }
    }

    func text(_ value: String?, _ what: String) throws(AdmissionError) {
        guard let value else { return }
        guard IdentifierAlphabet.isValidText(value) else {
            throw fail(
                .badText, "\(what) must be at most \(Limits.maxTextScalars) characters with no control characters")
        }
    }

    func quantity(_ q: Int, _ what: String, allowZero: Bool = false, allowNegative: Bool = false) throws(AdmissionError)
    {
        let low = allowNegative ? -Limits.maxQuantity : (allowZero ? 0 : 1)
        guard q >= low && q <= Limits.maxQuantity else {
            throw fail(.quantityOutOfRange, "\(what) must be between \(low) and \(Limits.maxQuantity), not \(q)")
        }
    }

    func count<T>(_ items: [T], _ what: String, atLeast: Int = 0) throws(AdmissionError) {
        guard items.count >= atLeast && items.count <= Limits.maxItems else {
            throw fail(.tooManyItems, "\(what) must number \(atLeast) to \(Limits.maxItems), not \(items.count)")
        }
    }

    func currency(_ c: Currency) throws(AdmissionError) {
        guard c.isWellFormed else {
            throw fail(.badIdentifier, "a currency is three capital letters (ISO 4217)")
        }
    }

    /// An amount of `currency` within the bound; `signed` lets it be negative, `nonZero` refuses 0.
    func money(_ m: Money, _ what: String, in c: Currency, signed: Bool = false, nonZero: Bool = false)
        throws(AdmissionError)
    {
        try currency(m.currency)
        guard m.currency == c else {
            throw fail(.currencyMismatch, "\(what) is in \(m.currency), the document in \(c)")
        }
        let low = signed ? -Limits.maxMoney : 0
        guard m.minor >= low && m.minor <= Limits.maxMoney else {
            throw fail(.moneyOutOfRange, "\(what) must be between \(low) and \(Limits.maxMoney) minor units")
        }
        if nonZero && m.minor == 0 { throw fail(.moneyOutOfRange, "\(what) must not be zero") }
    }

    /// `quantity × unit` within the bound for one amount, so a document of `maxItems` lines sums safely.
    func lineValue(_ quantity: Int, _ unit: Money, _ what: String) throws(AdmissionError) {
        let (value, overflow) = unit.minor.multipliedReportingOverflow(by: Int64(quantity))
        guard !overflow && value <= Limits.maxMoney else {
            throw fail(
                .moneyOutOfRange, "\(what): quantity × unit price must be at most \(Limits.maxMoney) minor units")
        }
    }

    /// A document's total (the sum of its lines' values) within the bound for one amount, so that
    /// a percentage or a VAT share of it fits in 64 bits.
    func documentTotal(_ total: Int64) throws(AdmissionError) {
        guard total <= Limits.maxMoney else {
            throw fail(.moneyOutOfRange, "the document totals more than \(Limits.maxMoney) minor units")
        }
    }

    func rate(_ basisPoints: Int64, _ what: String) throws(AdmissionError) {
        guard basisPoints >= 0 && basisPoints <= Limits.maxBasisPoints else {
            throw fail(
                .rateOutOfRange, "\(what) must be 0 to \(Limits.maxBasisPoints) basis points, not \(basisPoints)")
        }
    }

    func time(_ at: Instant, _ what: String) throws(AdmissionError) {
        guard at.millis >= Limits.earliestMillis else { throw fail(.timeOutOfRange, "\(what) is before 1970") }
        guard at.millis <= now.addingClamped(Limits.maxClockAheadMillis) else {
            throw fail(.clockAhead, "\(what) is more than a day ahead of this side's clock")
        }
    }

    func serials(_ serials: [String], quantity: Int, _ what: String) throws(AdmissionError) {
        guard serials.count <= quantity else {
            throw fail(.inconsistent, "\(what) gives \(serials.count) serials for \(quantity) unit(s)")
        }
        for s in serials { try id(s, "\(what): a serial") }
    }

    func sameRecord(_ id: String) throws(AdmissionError) {
        guard event.record.id == id else {
            throw fail(.inconsistent, "the payload names \(id) but the event belongs to \(event.record)")
        }
    }

    // MARK: - The event

    func replicationFields() throws(AdmissionError) {
        try id(event.dot.node.rawValue, "the author node")
        guard event.dot.seq >= 1 && event.dot.seq <= Limits.maxSeq else {
            throw fail(.sequenceOutOfRange, "seq must be 1 to \(Limits.maxSeq)")
        }
        try id(event.record.id, "the record id")
        guard event.payload.recordKind == event.record.kind else {
            throw fail(.inconsistent, "a \(event.payload.kind) event cannot belong to \(event.record)")
        }
        for dot in event.context.dots {
            try id(dot.node.rawValue, "a node in the causal context")
            guard dot.seq <= Limits.maxSeq else {
                throw fail(.sequenceOutOfRange, "the causal context holds seq \(dot.seq), above \(Limits.maxSeq)")
            }
        }
        try id(event.staff.rawValue, "the staff id")
        guard event.hlc.wall >= 0 else { throw fail(.timeOutOfRange, "the clock stamp is before 1970") }
        guard event.hlc.wall <= now.addingClamped(Limits.maxClockAheadMillis) else {
            throw fail(.clockAhead, "the clock stamp is more than a day ahead of this side's clock")
        }
    }

    func payload() throws(AdmissionError) {
        switch event.payload {
        case .productDefined(let p):
            try sameRecord(p.sku.rawValue)
            try id(p.sku.rawValue, "the SKU")
            try text(p.name, "the name")
            try text(p.model, "the model")
            try text(p.category, "the category")
            try money(p.unitPrice, "the price", in: p.unitPrice.currency)
            try money(p.unitCost, "the cost", in: p.unitPrice.currency)
            try rate(p.vatRate.basisPoints, "the VAT rate")
            try id(p.vendor?.rawValue, "the vendor")
        case .storeDefined(let s):
            try sameRecord(s.id.rawValue)
            try id(s.id.rawValue, "the store id")
            try text(s.name, "the name")
            try currency(s.currency)
            try text(s.address, "the address")
            try id(s.taxID, "the tax id")
            try id(s.timeZone, "the time zone")
        case .staffDefined(let m):
            try sameRecord(m.id.rawValue)
            try id(m.id.rawValue, "the staff id")
            try text(m.name, "the name")
            try id(m.store?.rawValue, "the store")
            try text(m.language, "the language")
            guard !m.roles.isEmpty, m.roles.count <= StaffRole.allCases.count,
                m.pinHash.utf8.count <= 128, m.pinHash.hasPrefix("$2")
            else {
                throw fail(.inconsistent, "staff \(m.id): at least one role, and a PIN kept as a bcrypt hash")
            }
        case .policySet(let store, let policy):
            try id(store?.rawValue, "the store")
            try self.policy(policy)
        case .abuseThresholdsSet(let thresholds):
            try sameRecord(RecordKey.abuseThresholds.id)
            do { try thresholds.validate(currency: nil) } catch { throw fail(.inconsistent, error.message) }
        case .exceptionResolved(let note):
            try sameRecord(RecordKey.resolution(ofException: note.exception).id)
            do { try note.validate() } catch { throw fail(.badText, error.message) }
            try time(note.resolvedAt, "the resolution date")
        case .policyPublished(let rule):
            try sameRecord(rule.scope.recordID)
            do { try rule.validate(currency: nil) } catch { throw fail(.inconsistent, error.message) }
        case .reorderPointSet(let point):
            try id(point.store.rawValue, "the store")
            try id(point.sku.rawValue, "the SKU")
            try quantity(point.minimum, "the minimum", allowZero: true)
        case .customerRegistered(let c):
            try sameRecord(c.id.rawValue)
            try id(c.id.rawValue, "the customer id")
            try text(c.name, "the name")
            try text(c.phone, "the phone")
            try text(c.email, "the e-mail")
        case .customerFieldChanged(let customer, _, let value):
            try sameRecord(customer.rawValue)
            try text(value, "the value")
        case .inventoryReceived(let r):
            try id(r.store.rawValue, "the store")
            try id(r.sku.rawValue, "the SKU")
            try quantity(r.quantity, "the quantity")
            try money(r.unitCost, "the unit cost", in: r.unitCost.currency)
            try lineValue(r.quantity, r.unitCost, "the receipt")
            try id(r.vendor?.rawValue, "the vendor")
            try time(r.receivedAt, "the receipt date")
        case .stockCounted(let c):
            try id(c.store.rawValue, "the store")
            try id(c.sku.rawValue, "the SKU")
            try quantity(c.expected, "the expected quantity", allowNegative: true)
            try quantity(c.counted, "the counted quantity", allowZero: true)
            try money(c.unitCost, "the unit cost", in: c.unitCost.currency)
            try lineValue(max(c.counted, abs(c.expected)), c.unitCost, "the count")
            try time(c.countedAt, "the count date")
        case .stockAdjusted(let a):
            try id(a.store.rawValue, "the store")
            try id(a.sku.rawValue, "the SKU")
            try quantity(a.quantity, "the quantity")
            try money(a.unitCost, "the unit cost", in: a.unitCost.currency)
            try lineValue(a.quantity, a.unitCost, "the adjustment")
            try text(a.note, "the note")
            try time(a.adjustedAt, "the adjustment date")
        case .saleRecorded(let sale):
            try self.sale(sale)
        case .returnRequested(let request):
            try self.request(request)
        case .returnApproved(let at, let note):
            try time(at, "the approval date")
            try text(note, "the note")
        case .returnRejected(let at, let reason):
            try time(at, "the rejection date")
            try text(reason, "the reason")
        case .returnReceived(let at, let tracking, let store):
            try time(at, "the receipt date")
            try text(tracking, "the tracking number")
            try id(store?.rawValue, "the receiving store")
        case .returnInspected(let at, let grades):
            try time(at, "the inspection date")
            // None when every line is a service or fee (no goods came back); the core checks
            // that the grades account for every unit of goods.
            try count(grades, "grades")
            for g in grades {
                try quantity(g.line, "a line number")
                try quantity(g.quantity, "a graded quantity")
                try text(g.notes, "the notes")
            }
        case .returnDisposed(let at, let dispositions):
            try time(at, "the disposition date")
            try count(dispositions, "dispositions")
            for d in dispositions {
                try quantity(d.line, "a line number")
                try quantity(d.quantity, "a disposed quantity")
                try disposition(d.disposition)
            }
        case .refundIssued(let refund):
            let c = refund.gross.currency
            try money(refund.gross, "the gross refund", in: c)
            try money(refund.restockingFee, "the restocking fee", in: c)
            try count(refund.allocations, "tenders")
            for a in refund.allocations {
                try money(a.amount, "a tender's amount", in: c)
                try text(a.reference, "a tender's reference")
            }
            try time(refund.refundedAt, "the refund date")
            try id(refund.creditNote, "the credit note's number")
            try id(refund.store?.rawValue, "the paying store")
        case .exchangeCompleted(let x):
            let c = x.returnedValue.currency
            try money(x.returnedValue, "the returned value", in: c)
            try money(x.restockingFee, "the restocking fee", in: c)
            try count(x.outLines, "lines", atLeast: 1)
            var total: Int64 = 0
            for l in x.outLines {
                try id(l.sku.rawValue, "a SKU")
                try quantity(l.quantity, "a quantity")
                try money(l.unitPrice, "a unit price", in: c)
                try money(l.unitCost, "a unit cost", in: c)
                try lineValue(l.quantity, l.unitPrice, "a line")
                try lineValue(l.quantity, l.unitCost, "a line's cost")
                total += l.unitPrice.minor * Int64(l.quantity)  // each at most maxMoney: no overflow
                try rate(l.vatRate.basisPoints, "a VAT rate")
                try serials(l.serials, quantity: l.quantity, "a line")
            }
            try documentTotal(total)
            try money(x.difference, "the difference", in: c, signed: true)
            try time(x.exchangedAt, "the exchange date")
        case .returnClosed(let at):
            try time(at, "the closing date")
        case .repairOpened(let order):
            try sameRecord(order.id.rawValue)
            try id(order.id.rawValue, "the repair order")
            try id(order.returnID.rawValue, "the return")
            try id(order.store.rawValue, "the store")
            try id(order.sku.rawValue, "the SKU")
            try quantity(order.quantity, "the quantity")
            try money(order.unitCost, "the unit cost", in: order.unitCost.currency)
            try lineValue(order.quantity, order.unitCost, "the repair order")
            try text(order.technician, "the technician")
            try time(order.openedAt, "the opening date")
        case .repairProgressed(let at, _, let parts, let labor):
            try time(at, "the date")
            try count(parts, "parts")
            for part in parts {
                try text(part.name, "a part's name")
                try money(part.cost, "a part's cost", in: labor.currency)
            }
            try money(labor, "the labour cost", in: labor.currency)
        case .repairCompleted(let at, let outcome, let total):
            try time(at, "the date")
            try money(total, "the total cost", in: total.currency)
            switch outcome {
            case .repaired(let price): try money(price, "the resale price", in: price.currency)
            case .unrepairable(let reason): try text(reason, "the reason")
            }
        case .storeCreditAdjusted(let customer, let store, let amount, let memo, let at):
            try sameRecord(customer.rawValue)
            try id(store.rawValue, "the store")
            try money(amount, "the adjustment", in: amount.currency, signed: true, nonZero: true)
            try text(memo, "the memo")
            try time(at, "the date")
        }
    }

    func policy(_ p: ReturnPolicy) throws(AdmissionError) {
        for (days, what) in [(p.noReasonWindowDays, "the no-reason window"), (p.faultWindowDays, "the fault window")] {
            guard days >= 0 && days <= 3_650 else { throw fail(.quantityOutOfRange, "\(what) must be 0 to 3,650 days") }
        }
        try count(Array(p.nonReturnableCategories), "non-returnable categories")
        for c in p.nonReturnableCategories { try text(c, "a category") }
        let c = p.receiptlessMaxValue.currency
        try money(p.receiptlessMaxValue, "the receipt-less limit", in: c)
        try quantity(p.receiptlessMaxPer90Days, "receipt-less returns per 90 days", allowZero: true)
        switch p.restockingFee {
        case .none: break
        case .fixed(let fee): try money(fee, "the restocking fee", in: c)
        case .percent(let bp): try rate(bp, "the restocking fee")
        }
        if let threshold = p.approvalThreshold { try money(threshold, "the approval threshold", in: c) }
    }

    func sale(_ sale: Sale) throws(AdmissionError) {
        try sameRecord(sale.id.rawValue)
        try id(sale.id.rawValue, "the receipt number")
        try id(sale.store.rawValue, "the store")
        try id(sale.customer?.rawValue, "the customer")
        try time(sale.soldAt, "the sale date")
        try currency(sale.currency)
        try count(sale.lines, "lines", atLeast: 1)
        var total: Int64 = 0
        for l in sale.lines {
            try documentLine(
                l.line, sku: l.sku, quantity: l.quantity, price: l.unitPrice, cost: l.unitCost, vat: l.vatRate,
                lot: l.lot,
                serials: l.serials, in: sale.currency)
            if l.source == .service, !l.unitCost.isZero {
                throw fail(.inconsistent, "line \(l.line): a service or fee carries no cost")
            }
            total += l.unitPrice.minor * Int64(l.quantity)  // bounded above: at most maxItems × maxMoney
        }
        try documentTotal(total)
        try count(sale.tenders, "tenders", atLeast: 1)
        var paid: Int64 = 0
        for t in sale.tenders {
            try money(t.amount, "a tender", in: sale.currency, nonZero: true)
            try text(t.reference, "a tender's reference")
            paid += t.amount.minor
        }
        guard paid == total else { throw fail(.inconsistent, "the tenders pay \(paid) but the lines total \(total)") }
    }

    func request(_ r: ReturnRequest) throws(AdmissionError) {
        try sameRecord(r.id.rawValue)
        try id(r.id.rawValue, "the return number")
        try id(r.store.rawValue, "the store")
        try id(r.sale?.rawValue, "the sale")
        try id(r.saleStore?.rawValue, "the sale's store")
        try id(r.customer?.rawValue, "the customer")
        try currency(r.currency)
        try count(r.lines, "lines", atLeast: 1)
        var total: Int64 = 0
        for l in r.lines {
            if let s = l.saleLine { try quantity(s, "a sale line number") }
            try documentLine(
                l.line, sku: l.sku, quantity: l.quantity, price: l.unitRefund, cost: l.unitCost, vat: l.vatRate,
                lot: l.lot, serials: l.serials, in: r.currency)
            total += l.unitRefund.minor * Int64(l.quantity)
        }
        try documentTotal(total)
        try time(r.requestedAt, "the request date")
        try money(r.restockingFee, "the restocking fee", in: r.currency)
        try text(r.trackingNumber, "the tracking number")
        try count(r.policyNotes, "policy notes")
        for n in r.policyNotes { try text(n, "a policy note") }
        try count(r.policyRules ?? [], "policy rules")
        for n in r.policyRules ?? [] { try text(n, "a policy rule") }
    }

    /// A line of a sale or a return: its number, SKU, quantity, prices, VAT, lot and serials.
    func documentLine(
        _ line: Int, sku: SKU, quantity q: Int, price: Money, cost: Money, vat: VATRate, lot: String?,
        serials s: [String],
        in c: Currency
    ) throws(AdmissionError) {
        try quantity(line, "a line number")
        try id(sku.rawValue, "a SKU")
        try quantity(q, "a quantity")
        try money(price, "a unit price", in: c)
        try money(cost, "a unit cost", in: c)
        try lineValue(q, price, "line \(line)")
        try lineValue(q, cost, "line \(line)'s cost")
        try rate(vat.basisPoints, "a VAT rate")
        try text(lot, "a lot")
        try serials(s, quantity: q, "line \(line)")
    }

    func disposition(_ d: Disposition) throws(AdmissionError) {
        switch d {
        case .restock: break
        case .refurbish(let value, let disclosure):
            try money(value, "the written-down value", in: value.currency)
            try text(disclosure, "the disclosure")
        case .repair(let order, let technician):
            try id(order.rawValue, "the repair order")
            try text(technician, "the technician")
        case .scrap(let reason): try text(reason, "the reason")
        case .returnToVendor(let vendor, let rma):
            try id(vendor.rawValue, "the vendor")
            try text(rma, "the RMA")
        }
    }
}

extension Int64 {
    /// `self + other`, held at `Int64.max` instead of trapping.
    func addingClamped(_ other: Int64) -> Int64 {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? (other > 0 ? .max : .min) : sum
    }
}
