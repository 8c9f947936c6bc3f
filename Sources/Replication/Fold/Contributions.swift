public import ReturnsDomain

/// A sale line, company-wide: the unit of the returnable-quantity invariant.
public struct SaleLineKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var sale: SaleID
    public var line: Int
    public init(sale: SaleID, line: Int) {
        self.sale = sale
        self.line = line
    }
    public static func < (a: SaleLineKey, b: SaleLineKey) -> Bool { (a.sale, a.line) < (b.sale, b.line) }
    public var description: String { "\(sale)/\(line)" }
}

/// A serial number sold on a given sale.
public struct SaleSerialKey: Hashable, Sendable, Codable, Comparable {
    public var sale: SaleID
    public var serial: String
    public init(sale: SaleID, serial: String) {
        self.sale = sale
        self.serial = serial
    }
    public static func < (a: SaleSerialKey, b: SaleSerialKey) -> Bool { (a.sale, a.serial) < (b.sale, b.serial) }
}

/// A customer's store-credit balance in one currency.
public struct StoreCreditKey: Hashable, Sendable, Codable, Comparable {
    public var customer: CustomerID
    public var currency: Currency
    public init(customer: CustomerID, currency: Currency) {
        self.customer = customer
        self.currency = currency
    }
    public static func < (a: StoreCreditKey, b: StoreCreditKey) -> Bool {
        (a.customer, a.currency) < (b.customer, b.currency)
    }
}

/// A general-ledger account balance in one currency (debit positive).
public struct LedgerKey: Hashable, Sendable, Codable, Comparable {
    public var account: Account
    public var currency: Currency
    public init(account: Account, currency: Currency) {
        self.account = account
        self.currency = currency
    }
    public static func < (a: LedgerKey, b: LedgerKey) -> Bool { (a.account, a.currency) < (b.account, b.currency) }
}

/// What one record adds to the company-wide sums. A record's contributions are a function of its
/// events alone, so when a late event changes a record, the old contributions are taken out of the
/// sums and the new ones put in: applying events one by one always equals folding them all at once.
public struct Contributions: Hashable, Sendable {
    public var movements: [StockMovement] = []
    public var sold: [SaleLineKey: Int] = [:]
    public var returned: [SaleLineKey: Int] = [:]
    public var soldSerials: [SaleSerialKey: Int] = [:]
    public var returnedSerials: [SaleSerialKey: Int] = [:]
    public var storeCredit: [StoreCreditKey: Int64] = [:]
    public var journal: [JournalEntry] = []

    public init() {}

    /// The stock deltas of all movements, summed per key.
    public var stock: [StockKey: Int] {
        var out: [StockKey: Int] = [:]
        for m in movements { for (k, d) in m.deltas { out[k, default: 0] += d } }
        return out.filter { $0.value != 0 }
    }

    /// Ledger deltas of all journal entries.
    public var ledger: [LedgerKey: Int64] {
        var out: [LedgerKey: Int64] = [:]
        for e in journal {
            for l in e.lines {
                out[LedgerKey(account: l.account, currency: l.amount.currency), default: 0] += l.amount.minor
            }
        }
        return out.filter { $0.value != 0 }
    }

    mutating func credit(_ customer: CustomerID?, _ amount: Money) {
        guard let customer, !amount.isZero else { return }
        storeCredit[StoreCreditKey(customer: customer, currency: amount.currency), default: 0] += amount.minor
    }
}

/// Something head office must look at. Raised by the fold, never by dropping data.
public struct ReplicationException: Hashable, Sendable, Codable, Comparable {
    public enum Severity: String, Hashable, Sendable, Codable {
        /// Needs a person: money or goods may be wrong.
        case review
        /// Recorded for the audit trail (e.g. a concurrent edit resolved by last writer wins).
        case info
    }
    /// Stable code, e.g. `conflict.concurrentTransition`, `return.overReturn`.
    public var code: String
    public var severity: Severity
    /// The record it is about.
    public var record: RecordKey
    /// The events involved, winner first where a rule picked one.
    public var dots: [Dot]
    public var message: String

    public init(code: String, severity: Severity = .review, record: RecordKey, dots: [Dot], message: String) {
        self.code = code
        self.severity = severity
        self.record = record
        self.dots = dots
        self.message = message
    }

    /// A stable identifier, the same on every replica, for the resolve action.
    public var id: String { "\(code)|\(record)|" + dots.map(\.description).joined(separator: ",") }

    enum CodingKeys: String, CodingKey { case code, severity, record, dots, message }
    enum IdentifierKey: String, CodingKey { case id }

    /// The stored properties, and `id` with them so that a client can resolve the exception
    /// without rebuilding the id; decoding ignores `id` (it follows from the rest).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(code, forKey: .code)
        try c.encode(severity, forKey: .severity)
        try c.encode(record, forKey: .record)
        try c.encode(dots, forKey: .dots)
        try c.encode(message, forKey: .message)
        var i = encoder.container(keyedBy: IdentifierKey.self)
        try i.encode(id, forKey: .id)
    }

    public static func < (a: ReplicationException, b: ReplicationException) -> Bool { a.id < b.id }
}
