/// A line a customer wants to return, as entered at the desk.
public struct RequestedLine: Hashable, Sendable, Codable {
    /// The sale line taken back; nil for a receipt-less return.
    public var saleLine: Int?
    /// Required without a receipt; with one it is optional and must match the sale line.
    public var sku: SKU?
    public var quantity: Int
    public var reason: ReasonCode
    public var condition: ItemCondition
    public var serials: [String]
    /// VAT-inclusive refund per unit, only for receipt-less returns (at most the catalog price).
    /// With a receipt the price paid is refunded.
    public var unitRefund: Money?

    public init(
        saleLine: Int? = nil, sku: SKU? = nil, quantity: Int, reason: ReasonCode, condition: ItemCondition,
        serials: [String] = [], unitRefund: Money? = nil
    ) {
        self.saleLine = saleLine
        self.sku = sku
        self.quantity = quantity
        self.reason = reason
        self.condition = condition
        self.serials = serials
        self.unitRefund = unitRefund
    }

    enum CodingKeys: String, CodingKey {
        case saleLine, sku, quantity, reason, condition, serials, unitRefund
    }

    /// `serials` may be left out (no serials); everything else as written.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        saleLine = try c.decodeIfPresent(Int.self, forKey: .saleLine)
        sku = try c.decodeIfPresent(SKU.self, forKey: .sku)
        quantity = try c.decode(Int.self, forKey: .quantity)
        reason = try c.decode(ReasonCode.self, forKey: .reason)
        condition = try c.decode(ItemCondition.self, forKey: .condition)
        serials = try c.decodeIfPresent([String].self, forKey: .serials) ?? []
        unitRefund = try c.decodeIfPresent(Money.self, forKey: .unitRefund)
    }
}

/// The return desk's commands: each checks a staff command against the return's state and returns
/// the event to record, or throws a `DomainError` with a stable code. Nothing is written here.
/// Refunds and exchanges are planned by `RefundPlanner` and `ExchangePlanner`.
public enum ReturnDesk {
    /// Opens a return document (退货单) against `sale`, or without a receipt when `sale` is nil.
    ///
    /// Prices, cost, VAT rate and lot come from the sale line, so later catalog changes never alter
    /// a refund; a receipt-less line is refunded at its `unitRefund` and comes back at catalog cost.
    /// `alreadyReturned` maps a sale line to the units already returned or pending on other returns.
    /// Throws the first denying policy reason's code (e.g. `policy.windowExpired`) when the policy
    /// refuses; a verdict that needs approval is returned for the caller to route. With
    /// `refuseDenied: false` a denied return comes back with its verdict instead (for a preview that
    /// records nothing; never record that event).
    public static func requestReturn(
        id: ReturnID, store: StoreID, sale: Sale?, customer: CustomerID?, type: ReturnType, method: ReturnMethod,
        lines: [RequestedLine], alreadyReturned: [Int: Int], product: (SKU) -> Product?, policy: EffectivePolicy,
        receiptlessReturnsLast90Days: Int, at: Instant, trackingNumber: String? = nil, refuseDenied: Bool = true
    ) throws(DomainError) -> (DomainEvent, PolicyVerdict) {
        guard !lines.isEmpty else { throw .invalid("return.noLines", "a return needs at least one line") }
        let currency: Currency
        if let sale {
            currency = sale.currency
        } else if let first = lines[0].unitRefund {
            currency = first.currency
        } else {
            throw .invalid("input.missingUnitRefund", "line 1: without a receipt, give the refund per unit")
        }

        var returnLines: [ReturnLine] = []
        var queries: [PolicyQuery] = []
        var asked: [Int: Int] = [:]
        var serialsSeen: Set<String> = []
        for (index, requested) in lines.enumerated() {
            let number = index + 1
            guard requested.quantity > 0 else { throw .invalidQuantity(requested.quantity) }
            let (line, item, soldSerials) =
                if let sale {
                    try receiptedLine(
                        number, requested, sale: sale, alreadyReturned: alreadyReturned, asked: &asked,
                        product: product)
                } else {
                    try receiptlessLine(number, requested, currency: currency, product: product)
                }
            try checkSerials(number, requested, product: item, soldSerials: soldSerials, seen: &serialsSeen)
            returnLines.append(line)
            queries.append(
                PolicyQuery(
                    product: item, soldAt: sale?.soldAt, returnAt: at, reason: requested.reason,
                    condition: requested.condition, value: line.gross,
                    receiptlessReturnsLast90Days: receiptlessReturnsLast90Days))
        }

        let verdict = policy.document.evaluate(queries, categories: policy.categories)
        if refuseDenied, let denial = verdict.denial {
            let all = verdict.reasons.filter { $0.effect == .deny }.map(\.message).joined(separator: "; ")
            throw DomainError(code: denial.code, message: all, values: denial.values)
        }
        let request = ReturnRequest(
            id: id, store: store, sale: sale?.id, saleStore: sale?.store, customer: customer ?? sale?.customer,
            type: type, method: method, currency: currency, lines: returnLines, requestedAt: at,
            restockingFee: verdict.restockingFee, trackingNumber: trackingNumber, policyNotes: verdict.codes,
            policyRules: policy.decidedBy.isEmpty ? nil : policy.decidedBy)
        return (.returnRequested(request), verdict)
    }

    /// A line taken back against the receipt: everything is copied from the sale line, whose serials
    /// come back too for `checkSerials`.
    private static func receiptedLine(
        _ number: Int, _ r: RequestedLine, sale: Sale, alreadyReturned: [Int: Int], asked: inout [Int: Int],
        product: (SKU) -> Product?
    ) throws(DomainError) -> (ReturnLine, Product, [String]?) {
        guard r.unitRefund == nil else {
            throw .invalid(
                "return.unitRefundNotAllowed",
                "line \(number): with a receipt the price paid is refunded; leave the unit refund empty")
        }
        guard let saleLineNumber = r.saleLine else {
            throw .invalid("return.unknownSaleLine", "line \(number): name the line of receipt \(sale.id) taken back")
        }
        guard let sold = sale.line(saleLineNumber) else {
            throw .invalid("return.unknownSaleLine", "line \(number): receipt \(sale.id) has no line \(saleLineNumber)")
        }
        if let sku = r.sku, sku != sold.sku {
            throw .invalid(
                "return.skuMismatch", "line \(number): receipt line \(saleLineNumber) sold \(sold.sku), not \(sku)")
        }
        guard let item = product(sold.sku) else { throw .unknownSKU(sold.sku) }
        for m in [sold.unitPrice, sold.unitCost] where m.currency != sale.currency {
            throw .currencyMismatch(sale.currency, m.currency)
        }

        let returnable = max(0, sold.quantity - max(0, alreadyReturned[saleLineNumber] ?? 0))
        let total = asked[saleLineNumber, default: 0] + r.quantity
        guard total <= returnable else { throw .overReturn(line: saleLineNumber, asked: total, returnable: returnable) }
        asked[saleLineNumber] = total

        let line = ReturnLine(
            line: number, saleLine: saleLineNumber, sku: sold.sku, quantity: r.quantity, unitRefund: sold.unitPrice,
            unitCost: sold.unitCost, vatRate: sold.vatRate, reason: r.reason, condition: r.condition, lot: sold.lot,
            serials: r.serials, source: item.isService ? .service : sold.source)
        return (line, item, sold.serials)
    }

    /// A line taken back without a receipt: refunded at the given price, carried at catalog cost.
    private static func receiptlessLine(
        _ number: Int, _ r: RequestedLine, currency: Currency, product: (SKU) -> Product?
    ) throws(DomainError) -> (ReturnLine, Product, [String]?) {
        guard r.saleLine == nil else {
            throw .invalid("return.unknownSaleLine", "line \(number): a return without a receipt names no sale line")
        }
        guard let sku = r.sku else {
            throw .invalid("input.missingSKU", "line \(number): without a receipt, give the SKU")
        }
        guard let item = product(sku) else { throw .unknownSKU(sku) }
        guard let unitRefund = r.unitRefund else {
            throw .invalid("input.missingUnitRefund", "line \(number): without a receipt, give the refund per unit")
        }
        for m in [unitRefund, item.unitPrice, item.unitCost] where m.currency != currency {
            throw .currencyMismatch(currency, m.currency)
        }
        guard !unitRefund.isNegative else {
            throw .invalid(
                "input.invalidAmount", "line \(number): the refund per unit cannot be negative",
                ["amount": "\(unitRefund)"])
        }
        guard unitRefund.minor <= item.unitPrice.minor else {
            throw .invalid(
                "return.refundAbovePrice",
                "line \(number): \(unitRefund) per unit is more than the catalog price \(item.unitPrice) of \(sku)")
        }
        let line = ReturnLine(
            line: number, saleLine: nil, sku: sku, quantity: r.quantity, unitRefund: unitRefund,
            unitCost: item.isService ? Money(0, currency) : item.unitCost, vatRate: item.vatRate, reason: r.reason,
            condition: r.condition, serials: r.serials, source: item.isService ? .service : nil)
        return (line, item, nil)
    }

    /// Serials: one per unit for serial-tracked goods (or whenever any are given), each sold on the
    /// sale line when there is one, none repeated within the return.
    private static func checkSerials(
        _ number: Int, _ r: RequestedLine, product: Product, soldSerials: [String]?, seen: inout Set<String>
    ) throws(DomainError) {
        if product.serialTracked && r.serials.isEmpty {
            throw .invalid(
                "return.serialsRequired",
                "line \(number): \(product.sku) is serial-tracked; give \(r.quantity) serial(s)",
                ["line": String(number), "sku": "\(product.sku)", "quantity": String(r.quantity)])
        }
        guard !r.serials.isEmpty else { return }
        guard r.serials.count == r.quantity else {
            throw .invalid(
                "return.serialMismatch",
                "line \(number): \(r.serials.count) serial(s) given for \(r.quantity) unit(s)", ["line": String(number)]
            )
        }
        for serial in r.serials {
            if let soldSerials, !soldSerials.contains(serial) {
                throw .invalid(
                    "return.serialMismatch", "line \(number): serial \(serial) was not sold on that line",
                    ["line": String(number)])
            }
            guard seen.insert(serial).inserted else {
                throw .invalid(
                    "return.serialMismatch", "line \(number): serial \(serial) is given twice", ["line": String(number)]
                )
            }
        }
    }
}

// MARK: - Lifecycle steps

extension ReturnDesk {
    /// Approves a requested return (a manager's approval when the policy asked for one).
    public static func approve(
        current: ReturnStatus, request: ReturnRequest, at: Instant, note: String? = nil
    ) throws(DomainError) -> DomainEvent {
        _ = try current.next(after: .approve)
        return .returnApproved(at: at, note: note)
    }

    /// Rejects a requested return; the reason is required because the customer is told it.
    public static func reject(
        current: ReturnStatus, request: ReturnRequest, at: Instant, reason: String
    ) throws(DomainError) -> DomainEvent {
        _ = try current.next(after: .reject)
        guard !isBlank(reason) else {
            throw .invalid("return.reasonRequired", "say why return \(request.id) is rejected")
        }
        return .returnRejected(at: at, reason: reason)
    }

    /// Records the goods arriving in pending inspection at `store` (the return's own when nil);
    /// the tracking number defaults to the request's.
    public static func receive(
        current: ReturnStatus, request: ReturnRequest, at: Instant, trackingNumber: String? = nil,
        store: StoreID? = nil
    ) throws(DomainError) -> DomainEvent {
        _ = try current.next(after: .receive)
        return .returnReceived(
            at: at, trackingNumber: trackingNumber ?? request.trackingNumber,
            store: store == request.store ? nil : store)
    }

    /// Records the inspector's grades, which must account for every unit of every line of goods
    /// exactly once (a service or fee brings nothing back to grade).
    public static func inspect(
        current: ReturnStatus, request: ReturnRequest, at: Instant, grades: [LineGrade]
    ) throws(DomainError) -> DomainEvent {
        _ = try current.next(after: .inspect)
        var graded: [Int: Int] = [:]
        for g in grades {
            guard g.quantity > 0 else { throw .invalidQuantity(g.quantity) }
            guard let line = request.line(g.line) else {
                throw .invalid("return.unknownLine", "return \(request.id) has no line \(g.line)")
            }
            guard line.bringsGoods else {
                throw .invalid(
                    "return.noGoods", "line \(g.line) is a service or fee: no goods to grade", ["line": "\(g.line)"])
            }
            guard g.quantity <= line.quantity else {
                throw .invalid(
                    "return.gradesIncomplete", "line \(g.line): \(g.quantity) unit(s) graded of \(line.quantity)")
            }
            graded[g.line, default: 0] += g.quantity
        }
        for line in request.lines where line.bringsGoods && graded[line.line, default: 0] != line.quantity {
            throw .invalid(
                "return.gradesIncomplete",
                "line \(line.line): \(graded[line.line, default: 0]) of \(line.quantity) unit(s) graded")
        }
        return .returnInspected(at: at, grades: grades)
    }

    /// Records what happens to the graded units: per line and grade, the dispositions must move
    /// exactly the units given that grade at inspection, each with a disposition of that grade.
    public static func dispose(
        current: ReturnStatus, request: ReturnRequest, grades: [LineGrade], dispositions: [LineDisposition],
        at: Instant
    ) throws(DomainError) -> DomainEvent {
        _ = try current.next(after: .dispose)
        var expected: [GradeSlot: Int] = [:]
        for g in grades { expected[GradeSlot(line: g.line, grade: g.grade), default: 0] += g.quantity }
        var disposed: [GradeSlot: Int] = [:]
        for d in dispositions {
            guard d.quantity > 0 else { throw .invalidQuantity(d.quantity) }
            guard let line = request.line(d.line) else {
                throw .invalid("return.dispositionMismatch", "return \(request.id) has no line \(d.line)")
            }
            guard d.quantity <= line.quantity else {
                throw .invalid(
                    "return.dispositionMismatch", "line \(d.line): \(d.quantity) unit(s) disposed of \(line.quantity)")
            }
            try checkPayload(d.disposition, line: line)
            disposed[GradeSlot(line: d.line, grade: d.disposition.grade), default: 0] += d.quantity
        }
        for slot in Set(expected.keys).union(disposed.keys).sorted()
        where expected[slot, default: 0] != disposed[slot, default: 0] {
            throw .invalid(
                "return.dispositionMismatch",
                "line \(slot.line), grade \(slot.grade.rawValue): \(expected[slot, default: 0]) unit(s) graded "
                    + "but \(disposed[slot, default: 0]) disposed")
        }
        return .returnDisposed(at: at, dispositions: dispositions)
    }

    /// Closes a return that was rejected, refunded or exchanged.
    public static func close(
        current: ReturnStatus, request: ReturnRequest, at: Instant
    ) throws(DomainError) -> DomainEvent {
        _ = try current.next(after: .close)
        return .returnClosed(at: at)
    }

    /// One line's units of one grade.
    private struct GradeSlot: Hashable, Comparable {
        var line: Int
        var grade: Grade
        static func < (a: GradeSlot, b: GradeSlot) -> Bool { (a.line, a.grade) < (b.line, b.grade) }
    }

    /// What each disposition must carry: a B-grade value within [0, cost] and a disclosure, a
    /// technician, a scrap reason, a vendor.
    private static func checkPayload(_ disposition: Disposition, line: ReturnLine) throws(DomainError) {
        switch disposition {
        case .restock:
            break
        case .refurbish(let unitValue, let disclosure):
            guard unitValue.currency == line.unitCost.currency else {
                throw .currencyMismatch(line.unitCost.currency, unitValue.currency)
            }
            guard !unitValue.isNegative, unitValue.minor <= line.unitCost.minor else {
                throw .invalid(
                    "return.invalidRefurbishValue",
                    "line \(line.line): a B-grade unit is carried at 0 to its cost \(line.unitCost), not \(unitValue)")
            }
            guard !isBlank(disclosure) else {
                throw .invalid("return.disclosureRequired", "line \(line.line): B-grade resale needs a disclosure")
            }
        case .repair(_, let technician):
            guard !isBlank(technician) else {
                throw .invalid("return.technicianRequired", "line \(line.line): name the repair technician")
            }
        case .scrap(let reason):
            guard !isBlank(reason) else {
                throw .invalid("return.scrapReasonRequired", "line \(line.line): say why the goods are scrapped")
            }
        case .returnToVendor(let vendor, _):
            guard !isBlank(vendor.rawValue) else {
                throw .invalid("return.vendorRequired", "line \(line.line): name the vendor the goods go back to")
            }
        }
    }

    private static func isBlank(_ s: String) -> Bool { s.allSatisfy(\.isWhitespace) }
}
