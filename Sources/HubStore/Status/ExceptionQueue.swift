public import Replication
public import ReturnsDomain

/// Head office's exceptions queue, in one definition for every backend and door: the records'
/// own exceptions and the company-wide invariants (`HubStateView.exceptions`), each customer's
/// abuse signals above the thresholds (`AnalyticsInput.customerSignals`), and stock below zero,
/// all in the shape of a `ReplicationException`, so that each has a stable id to resolve it by.
public enum ExceptionQueue {
    /// The code of a SKU's stock below zero somewhere.
    public static let negativeStockCode = "stock.negative"

    /// The queue, sorted by code, record and id.
    public static func items(
        records: [ReplicationException], abuse: [CustomerAbuseSignals], stock: [StockLevel]
    ) -> [ReplicationException] {
        var out = records
        for customer in abuse {
            for signal in customer.signals {
                out.append(
                    ReplicationException(
                        code: signal.rawValue, record: .customer(customer.customer), dots: [],
                        message: "customer \(customer.customer): \(customer.returnsLast30Days) return(s) in 30 days, "
                            + "\(customer.returnsLast90Days) in 90, \(customer.returnedUnits) of "
                            + "\(customer.boughtUnits) unit(s) bought returned, \(customer.receiptlessReturns) "
                            + "without a receipt, \(customer.highValueReturns) of high value, "
                            + "\(customer.serialMismatches) serial mismatch(es)"))
            }
        }
        // One item per SKU, naming every store and location below zero: stock is a ledger, so a
        // count below zero means goods moved that the ledger never saw come in.
        let negative = Dictionary(grouping: stock.filter { $0.quantity < 0 }, by: \.sku)
        for (sku, levels) in negative {
            let places = levels.sorted { ($0.store, $0.location.rawValue) < ($1.store, $1.location.rawValue) }
                .map { "\($0.store) \($0.location.rawValue) \($0.quantity)" }
            out.append(
                ReplicationException(
                    code: negativeStockCode, record: .product(sku), dots: [],
                    message: "\(sku) is below zero: \(places.joined(separator: ", "))"))
        }
        return out.sorted()
    }
}
