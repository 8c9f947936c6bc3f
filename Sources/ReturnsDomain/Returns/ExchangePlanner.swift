/// Works out an exchange (换货): the returned goods' value set against the new goods, and the
/// difference to settle. Pure: plans, records nothing.
public enum ExchangePlanner {
    /// Plans the exchange of `request` for `outLines`.
    ///
    /// `returnedValue` is `request.gross − request.restockingFee`, never negative (a fee larger than the
    /// goods' value is kept only up to that value). `difference` is the new goods' value minus
    /// `returnedValue`: positive when the customer pays, negative when the customer is refunded,
    /// both on `settlementTender`.
    public static func plan(
        request: ReturnRequest, outLines: [ExchangeLine], settlementTender: Tender, at: Instant
    ) throws(DomainError) -> Exchange {
        guard !request.lines.isEmpty else {
            throw .invalid("exchange.noLines", "return \(request.id) has no goods coming back")
        }
        guard !outLines.isEmpty else {
            throw .invalid("exchange.noGoods", "an exchange needs at least one item going out; refund instead")
        }
        let currency = request.currency
        for line in request.lines {
            guard line.quantity > 0 else { throw .invalidQuantity(line.quantity) }
            guard line.unitRefund.currency == currency else {
                throw .currencyMismatch(currency, line.unitRefund.currency)
            }
            guard !line.unitRefund.isNegative else {
                throw .invalid("exchange.negativePrice", "return line \(line.line): the price cannot be negative")
            }
        }
        for line in outLines {
            guard line.quantity > 0 else { throw .invalidQuantity(line.quantity) }
            guard line.unitPrice.currency == currency else {
                throw .currencyMismatch(currency, line.unitPrice.currency)
            }
            guard line.unitCost.currency == currency else { throw .currencyMismatch(currency, line.unitCost.currency) }
            guard !line.unitPrice.isNegative, !line.unitCost.isNegative else {
                throw .invalid("exchange.negativePrice", "\(line.sku): prices cannot be negative")
            }
        }
        guard request.restockingFee.currency == currency else {
            throw .currencyMismatch(currency, request.restockingFee.currency)
        }
        guard !request.restockingFee.isNegative else {
            throw .invalid("exchange.negativeFee", "a restocking fee cannot be negative")
        }

        let gross = request.gross
        let fee = Money(min(request.restockingFee.minor, gross.minor), currency)
        let returnedValue = Money(gross.minor - fee.minor, currency)
        let newGoods = Money(outLines.reduce(0) { $0 + $1.gross.minor }, currency)
        let difference = Money(newGoods.minor - returnedValue.minor, currency)
        if settlementTender == .storeCredit, !difference.isZero, request.customer == nil {
            throw .invalid("exchange.customerRequired", "settling in store credit needs the return's customer")
        }
        return Exchange(
            returnedValue: returnedValue, restockingFee: fee, outLines: outLines, difference: difference,
            settlementTender: settlementTender, exchangedAt: at)
    }
}
