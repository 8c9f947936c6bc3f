import Foundation
import GRDB
public import ReplicaStore
public import Replication
public import ReturnsDomain

/// The node's read access to its replica (`ReplicaReader`), inside a read or write transaction.
public typealias NodeReader = ReplicaReader

/// The node's own reads: the desk's views, its outbox and what this replica alone can check.
extension ReplicaReader {
    public func saleView(_ id: SaleID) throws -> SaleView? {
        guard let sale = try sale(id) else { return nil }
        let returned = try returnedQuantities(of: id)
        return SaleView(
            sale: sale,
            lines: sale.lines.map { l in
                let r = returned[l.line] ?? 0
                return SaleView.Line(line: l, returned: r, returnable: max(0, l.quantity - r))
            })
    }

    /// Sales found by customer phone number, serial number or customer id.
    public func findSales(phone: String? = nil, serial: String? = nil, customer: CustomerID? = nil) throws -> [SaleView]
    {
        var ids: [String] = []
        if let serial {
            ids += try String.fetchAll(
                db, sql: "SELECT DISTINCT sale FROM serials WHERE serial = ? AND sold > 0", arguments: [serial])
        }
        if let phone {
            ids += try String.fetchAll(
                db,
                sql:
                    "SELECT s.id FROM sales s JOIN customers c ON c.id = s.customer WHERE c.phone = ? ORDER BY s.sold_at DESC",
                arguments: [phone])
        }
        if let customer {
            ids += try String.fetchAll(
                db, sql: "SELECT id FROM sales WHERE customer = ? ORDER BY sold_at DESC", arguments: [customer.rawValue]
            )
        }
        var seen = Set<String>()
        return try ids.filter { seen.insert($0).inserted }.compactMap { try saleView(SaleID($0)) }
    }

    public func returnView(_ id: ReturnID) throws -> ReturnView? { try returnState(id).map { ReturnView($0) } }

    /// The latest returns, newest first: those opened at `store` (every one the replica holds
    /// when nil), in `status` if given.
    public func returns(store: StoreID? = nil, status: ReturnStatus? = nil, limit: Int = 100) throws -> [ReturnView] {
        let ids = try String.fetchAll(
            db,
            sql: """
                SELECT id FROM returns WHERE (?1 IS NULL OR store = ?1) AND (?2 IS NULL OR status = ?2)
                ORDER BY requested_at DESC, id LIMIT ?3
                """,
            arguments: [store?.rawValue, status?.rawValue, limit])
        return try ids.compactMap { try returnView(ReturnID($0)) }
    }

    /// This store's repair orders, oldest first; with `open`, only those not finished.
    public func repairs(store: StoreID, open: Bool) throws -> [RepairState] {
        try records(of: .repairOrder).compactMap { record -> RepairState? in
            guard case .repairOrder(let r) = record.body, let order = r.order, order.store == store else { return nil }
            return !open || r.status == .open || r.status == .inProgress ? r : nil
        }.sorted {
            ($0.order!.openedAt.millis, $0.order!.id.rawValue) < ($1.order!.openedAt.millis, $1.order!.id.rawValue)
        }
    }

    /// The write-downs of `sku` to B-grade at `store` (``BGradeValue``): by repairs, and by the
    /// dispositions of its latest 500 returns.
    public func bGradeValues(sku: SKU, store: StoreID) throws -> [BGradeValue] {
        var values: [BGradeValue] = try repairs(store: store, open: false).compactMap { r in
            guard let order = r.order, order.sku == sku, case .repaired(let price)? = r.outcome else { return nil }
            return BGradeValue(unitValue: price, at: order.openedAt)
        }
        let ids = try String.fetchAll(
            db,
            sql:
                "SELECT id FROM returns WHERE store = ? AND status IN (?, ?, ?, ?) ORDER BY requested_at DESC LIMIT 500",
            arguments: StatementArguments(
                [store.rawValue] + [ReturnStatus.disposed, .refunded, .exchanged, .closed].map(\.rawValue)))
        for id in ids {
            guard let r = try returnState(ReturnID(id)), let request = r.request else { continue }
            for d in r.dispositions {
                guard case .refurbish(let value, _) = d.disposition, request.line(d.line)?.sku == sku else { continue }
                values.append(BGradeValue(unitValue: value, at: request.requestedAt))
            }
        }
        return values
    }

    public func repair(_ id: RepairOrderID) throws -> RepairState? {
        if case .repairOrder(let r) = try body(.repairOrder(id)) { return r }
        return nil
    }

    public func customerHistory(_ id: CustomerID) throws -> CustomerHistory {
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM returns WHERE customer = ? ORDER BY requested_at DESC, id",
            arguments: [id.rawValue])
        let credit = try Row.fetchAll(
            db, sql: "SELECT currency, balance FROM store_credit WHERE customer = ? ORDER BY currency",
            arguments: [id.rawValue]
        )
        .map { Money($0["balance"], Currency($0["currency"] as String)) }
        return CustomerHistory(
            customer: id, details: try customer(id), returns: try ids.compactMap { try returnView(ReturnID($0)) },
            storeCredit: credit)
    }

    /// Sellable stock under its reorder point.
    public func lowStockAlerts() throws -> [LowStockAlert] {
        var stock: [StockKey: Int] = [:]
        for row in try self.stock(store: identity.store) {
            stock[StockKey(store: row.store, location: row.location, sku: row.sku)] = row.quantity
        }
        return ReturnAnalytics(AnalyticsInput(stock: stock, reorderPoints: try reorderPoints())).lowStockAlerts()
    }

    /// The records' own exceptions plus the invariant checks this replica can see.
    public func exceptions() throws -> [ReplicationException] {
        var out: [ReplicationException] = try Row.fetchAll(
            db, sql: "SELECT id, record, code, severity, message FROM record_exceptions ORDER BY id"
        ).compactMap { row in
            guard let record = RecordKey(row["record"] as String) else { return nil }
            // The dots are part of the id; this replica re-derives them from it.
            let id: String = row["id"]
            let dots = id.split(separator: "|").last.map { $0.split(separator: ",").compactMap(Self.parseDot) } ?? []
            return ReplicationException(
                code: row["code"], severity: ReplicationException.Severity(rawValue: row["severity"]) ?? .review,
                record: record, dots: dots, message: row["message"])
        }
        for row in try Row.fetchAll(
            db,
            sql:
                "SELECT sl.sale, sl.line, sl.sold, sl.returned FROM sale_lines sl JOIN sales s ON s.id = sl.sale WHERE sl.returned > sl.sold ORDER BY sl.sale, sl.line"
        ) {
            out.append(
                ReplicationException(
                    code: "return.overReturn", record: .sale(SaleID(row["sale"] as String)), dots: [],
                    message:
                        "line \(row["line"] as Int): \(row["returned"] as Int) returned but \(row["sold"] as Int) sold")
            )
        }
        for row in try Row.fetchAll(
            db, sql: "SELECT customer, currency, balance FROM store_credit WHERE balance < 0 ORDER BY customer")
        {
            out.append(
                ReplicationException(
                    code: "storeCredit.overdrawn", record: .storeCredit(CustomerID(row["customer"] as String)),
                    dots: [], message: "store credit is \(Money(row["balance"], Currency(row["currency"] as String)))"))
        }
        return out
    }

    static func parseDot(_ text: Substring) -> Dot? {
        guard let hash = text.lastIndex(of: "#"), let seq = UInt64(text[text.index(after: hash)...]) else { return nil }
        return Dot(node: NodeID(String(text[..<hash])), seq: seq)
    }
}

/// Whose stock a node answers for: its own store's. Its replica also holds rows of other stores
/// (from the sales and returns the feed brought) but not all their movements, so it would show
/// them wrongly; head office's hub has every store's.
public enum StockScope {
    public static func store(asked: StoreID?, at own: StoreID) throws(DomainError) -> StoreID {
        guard let asked, asked != own else { return own }
        throw DomainError(
            code: "stock.otherStore",
            message: "this node knows the stock of its own store, \(own), not of \(asked): ask head office's hub")
    }
}
