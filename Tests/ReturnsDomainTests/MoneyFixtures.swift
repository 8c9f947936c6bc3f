import ReturnsDomain

/// Builders shared by the money, refund, exchange, store-credit and journal tests.
enum MoneyFixtures {
    static let eur = Currency("EUR")
    static let cny = Currency("CNY")
    static let store: StoreID = "S-01"
    static let vat20 = VATRate(basisPoints: 2000)
    static let vat13 = VATRate(basisPoints: 1300)
    static let soldAt = Instant.date(2025, 3, 1)
    static let later = Instant.date(2025, 3, 5)

    static func eur(_ minor: Int64) -> Money { Money(minor, eur) }

    /// Journal lines from (account, signed minor) pairs: positive debits, negative credits.
    static func lines(_ pairs: [(Account, Int64)], _ currency: Currency = eur) -> [JournalLine] {
        pairs.map { JournalLine($0.0, Money($0.1, currency)) }
    }

    static func saleLine(
        _ line: Int, sku: SKU = "SKU-1", quantity: Int = 1, price: Int64, cost: Int64, vat: VATRate = vat20,
        currency: Currency = eur
    ) -> SaleLine {
        SaleLine(
            line: line, sku: sku, quantity: quantity, unitPrice: Money(price, currency),
            unitCost: Money(cost, currency),
            vatRate: vat)
    }

    static func sale(
        id: SaleID = "S-01-0001", customer: CustomerID? = "C-1", lines: [SaleLine],
        tenders: [(Tender, Int64, String?)], currency: Currency = eur
    ) -> Sale {
        Sale(
            id: id, store: store, customer: customer, soldAt: soldAt, currency: currency, lines: lines,
            tenders: tenders.map { TenderPayment(tender: $0.0, amount: Money($0.1, currency), reference: $0.2) })
    }

    /// A return line taking back `quantity` units of a sale line at the price paid.
    static func returnLine(
        _ line: Int, of saleLine: SaleLine?, sku: SKU = "SKU-1", quantity: Int, price: Int64 = 0, cost: Int64 = 0,
        vat: VATRate = vat20, currency: Currency = eur, reason: ReasonCode = .changedMind
    ) -> ReturnLine {
        ReturnLine(
            line: line, saleLine: saleLine?.line, sku: saleLine?.sku ?? sku, quantity: quantity,
            unitRefund: saleLine?.unitPrice ?? Money(price, currency),
            unitCost: saleLine?.unitCost ?? Money(cost, currency),
            vatRate: saleLine?.vatRate ?? vat, reason: reason, condition: .openedComplete)
    }

    static func request(
        id: ReturnID = "R-01-0001", sale: Sale?, customer: CustomerID? = "C-1", type: ReturnType = .refund,
        lines: [ReturnLine], fee: Int64 = 0, currency: Currency = eur
    ) -> ReturnRequest {
        ReturnRequest(
            id: id, store: store, sale: sale?.id, saleStore: sale?.store, customer: customer, type: type,
            method: .counter, currency: currency, lines: lines, requestedAt: later, restockingFee: Money(fee, currency))
    }

    /// A sale of `total` one-cent units paid by `tenders`, and a return of `returned` of them.
    static func simpleCase(
        total: Int64, returned: Int64, fee: Int64 = 0, tenders: [(Tender, Int64, String?)],
        customer: CustomerID? = "C-1"
    ) -> (Sale, ReturnRequest) {
        let sold = saleLine(1, quantity: Int(total), price: 1, cost: 0)
        let sale = sale(customer: customer, lines: [sold], tenders: tenders)
        let back = returnLine(1, of: sold, quantity: Int(returned))
        return (sale, request(sale: sale, customer: customer, lines: [back], fee: fee))
    }

    static func exchangeLine(sku: SKU = "SKU-2", quantity: Int = 1, price: Int64, cost: Int64, vat: VATRate = vat20)
        -> ExchangeLine
    {
        ExchangeLine(sku: sku, quantity: quantity, unitPrice: eur(price), unitCost: eur(cost), vatRate: vat)
    }

    /// The code of the `DomainError` that `body` throws, or nil when it does not throw.
    static func errorCode<T>(_ body: () throws(DomainError) -> T) -> String? {
        do {
            _ = try body()
            return nil
        } catch {
            return error.code
        }
    }
}
