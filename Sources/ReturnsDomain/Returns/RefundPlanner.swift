/// How the money of a refund goes back to the customer.
public enum RefundMethod: Hashable, Sendable, Codable {
    /// Back on the tenders the sale was paid with, in proportion to what each paid (needs the receipt).
    case originalTender
    /// Cash from the till.
    case cash
    /// A bank transfer; `reference` is the transfer's reference, which finance needs to reconcile it.
    case bankTransfer(reference: String)
    /// Store credit on a customer's account; nil means the return's (or the sale's) customer.
    case storeCredit(customer: CustomerID?)
}

/// Works out how much of a return is paid out and on which tenders. Pure: plans, records nothing.
public enum RefundPlanner {
    /// Plans the refund of `request`.
    ///
    /// The amount paid out is `request.gross − request.restockingFee`, never negative; a fee larger
    /// than the goods' value is kept only up to that value. With `.originalTender` the amount is
    /// split over `sale`'s tenders in proportion to what each paid, each capped at what it paid minus
    /// `alreadyRefunded` on that tender; what a cap cuts off goes to the other tenders in sale order.
    ///
    /// - Parameters:
    ///   - sale: the original sale; required for `.originalTender`, nil for a receipt-less return.
    ///   - alreadyRefunded: what earlier refunds of the same sale sent back, per tender.
    public static func plan(
        request: ReturnRequest, sale: Sale?, method: RefundMethod, alreadyRefunded: [Tender: Money] = [:],
        at: Instant
    ) throws(DomainError) -> Refund {
        try checkRequest(request)
        if let sale {
            guard request.sale == sale.id else {
                throw .invalid(
                    "refund.saleMismatch",
                    "return \(request.id) is for sale \(request.sale?.rawValue ?? "none"), not \(sale.id)")
            }
            guard sale.currency == request.currency else { throw .currencyMismatch(request.currency, sale.currency) }
        }
        for (_, amount) in alreadyRefunded where amount.currency != request.currency {
            throw .currencyMismatch(request.currency, amount.currency)
        }

        let gross = request.gross
        let fee = Money(min(max(request.restockingFee.minor, 0), gross.minor), request.currency)
        let amount = Money(gross.minor - fee.minor, request.currency)
        let allocations: [RefundAllocation]

        switch method {
        case .originalTender:
            guard !request.isReceiptless else {
                throw .invalid(
                    "refund.noOriginalTender",
                    "a return without a receipt has no original tender; refund in cash, by transfer or as store credit")
            }
            guard let sale else {
                throw .invalid(
                    "refund.saleRequired", "refunding to the original tender needs sale \(request.sale?.rawValue ?? "")"
                )
            }
            allocations = try originalTenderAllocations(
                amount: amount, sale: sale, request: request, alreadyRefunded: alreadyRefunded)
        case .cash:
            allocations = [RefundAllocation(tender: .cash, amount: amount)]
        case .bankTransfer(let reference):
            guard reference.contains(where: { !$0.isWhitespace }) else {
                throw .invalid("refund.transferReferenceRequired", "a bank transfer refund needs a transfer reference")
            }
            allocations = [RefundAllocation(tender: .bankTransfer, amount: amount, reference: reference)]
        case .storeCredit(let customer):
            guard let account = customer ?? request.customer ?? sale?.customer, !account.rawValue.isEmpty else {
                throw .invalid("refund.customerRequired", "store credit needs a customer account to credit")
            }
            allocations = [RefundAllocation(tender: .storeCredit, amount: amount, reference: account.rawValue)]
        }

        return Refund(
            gross: gross, restockingFee: fee, allocations: allocations.filter { !$0.amount.isZero }, refundedAt: at)
    }

    /// One currency, positive quantities, a non-negative fee, at least one line.
    static func checkRequest(_ request: ReturnRequest) throws(DomainError) {
        guard !request.lines.isEmpty else {
            throw .invalid("refund.noLines", "return \(request.id) has no lines to refund")
        }
        for line in request.lines {
            guard line.quantity > 0 else { throw .invalidQuantity(line.quantity) }
            guard line.unitRefund.currency == request.currency else {
                throw .currencyMismatch(request.currency, line.unitRefund.currency)
            }
            guard !line.unitRefund.isNegative else {
                throw .invalid("refund.negativePrice", "line \(line.line): the refund price cannot be negative")
            }
        }
        guard request.restockingFee.currency == request.currency else {
            throw .currencyMismatch(request.currency, request.restockingFee.currency)
        }
        guard !request.restockingFee.isNegative else {
            throw .invalid("refund.negativeFee", "a restocking fee cannot be negative")
        }
    }

    /// Pro rata over the sale's payments, capped per tender; the overflow fills the other payments in order.
    static func originalTenderAllocations(
        amount: Money, sale: Sale, request: ReturnRequest, alreadyRefunded: [Tender: Money]
    ) throws(DomainError) -> [RefundAllocation] {
        let payments = sale.tenders
        guard amount.isPositive else { return [] }

        // What each payment can still take: earlier refunds of a tender use up its payments in sale order.
        var usedUp = alreadyRefunded.mapValues { max($0.minor, 0) }
        var capacity: [Int64] = []
        for p in payments {
            let taken = min(usedUp[p.tender, default: 0], p.amount.minor)
            usedUp[p.tender, default: 0] -= taken
            capacity.append(max(p.amount.minor - taken, 0))
        }
        let room = capacity.reduce(0, +)
        guard room >= amount.minor else {
            throw .invalid(
                "refund.exceedsTenders",
                "\(amount) exceeds the \(Money(room, amount.currency)) the sale's tenders can still take back")
        }

        var parts = amount.allocated(proportionalTo: payments.map { $0.amount.minor }).map(\.minor)
        var cutOff: Int64 = 0
        for i in parts.indices where parts[i] > capacity[i] {
            cutOff += parts[i] - capacity[i]
            parts[i] = capacity[i]
        }
        for i in parts.indices where cutOff > 0 {
            let extra = min(capacity[i] - parts[i], cutOff)
            parts[i] += extra
            cutOff -= extra
        }

        var allocations: [RefundAllocation] = []
        for (p, part) in zip(payments, parts) where part > 0 {
            var reference = p.reference
            if p.tender == .storeCredit {
                // The same account the sale debited (see StoreCreditLedger.entries(for:)).
                guard let account = sale.customer?.rawValue ?? p.reference ?? request.customer?.rawValue else {
                    throw .invalid("refund.customerRequired", "the store credit paid on \(sale.id) names no account")
                }
                reference = account
            }
            allocations.append(
                RefundAllocation(tender: p.tender, amount: Money(part, amount.currency), reference: reference))
        }
        return allocations
    }
}
