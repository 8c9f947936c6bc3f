public import ReturnsDomain

/// What the projection tables must change when some records move from their old state to their
/// new one: the company-wide sums by difference (summed over all the records, so a change set of
/// 500 sales touches each ledger account once, not 2,500 times) and, per record, only the rows that
/// differ. Pure: a storage backend (the node's and the hub's SQLite, the hub's PostgreSQL) turns it
/// into writes, in the sorted order the accessors give, which keeps B-tree writes local.
///
/// The rules are those of applying each record's difference on its own — sums by difference,
/// the record's own rows by replacement — only cheaper: a sum whose deltas cancel is not written
/// (every reader ignores zero rows), a record's exceptions are rewritten only when they changed,
/// and its journal lines only from the first one that changed (usually none: new steps append).
public struct ProjectionDelta: Sendable {
    /// Sold and returned units of one sale line or serial, as a delta.
    public struct Counts: Hashable, Sendable {
        public var sold: Int
        public var returned: Int
        public init(sold: Int = 0, returned: Int = 0) {
            self.sold = sold
            self.returned = returned
        }
        public var isZero: Bool { sold == 0 && returned == 0 }
    }

    /// One line of a record's journal as its table row holds it.
    public struct JournalRow: Hashable, Sendable {
        public var position: Int
        public var reference: String
        public var store: StoreID
        public var date: Instant
        public var memo: String
        public var line: JournalLine
    }

    /// How a record's own rows change.
    public struct RecordChange: Sendable {
        public var key: RecordKey
        public var new: RecordState
        /// The record existed before (it had events): its row is updated, not inserted.
        public var existed: Bool
        /// Exceptions changed: delete the record's rows and insert `new.exceptions`.
        public var exceptionsChanged: Bool
        /// Journal rows from this position on are deleted (nil: none) …
        public var journalDeleteFrom: Int?
        /// … and these are inserted.
        public var journalInsert: [JournalRow]
        /// The record's row in its index table (returns, sales, customers) changed.
        public var indexChanged: Bool

        public init(
            key: RecordKey, new: RecordState, existed: Bool, exceptionsChanged: Bool, journalDeleteFrom: Int?,
            journalInsert: [JournalRow], indexChanged: Bool
        ) {
            self.key = key
            self.new = new
            self.existed = existed
            self.exceptionsChanged = exceptionsChanged
            self.journalDeleteFrom = journalDeleteFrom
            self.journalInsert = journalInsert
            self.indexChanged = indexChanged
        }
    }

    public private(set) var stock: [StockKey: Int] = [:]
    public private(set) var saleLines: [SaleLineKey: Counts] = [:]
    public private(set) var serials: [SaleSerialKey: Counts] = [:]
    public private(set) var storeCredit: [StoreCreditKey: Int64] = [:]
    public private(set) var ledger: [LedgerKey: Int64] = [:]
    public private(set) var records: [RecordChange] = []

    public init() {}

    /// A sum that left the 64-bit range: the change is refused whole (`projection.overflow`)
    /// rather than trapping. Admission bounds every amount, so only an absurd volume gets here.
    public static func overflow(_ what: String) -> DomainError {
        DomainError(code: "projection.overflow", message: "the running sum of \(what) would leave the 64-bit range")
    }

    /// `total + d` (or `- d` when `subtract`), checked.
    static func sum<T: FixedWidthInteger>(_ total: inout T, _ d: T, subtract: Bool = false, _ what: String)
        throws(DomainError)
    {
        let (r, o) = subtract ? total.subtractingReportingOverflow(d) : total.addingReportingOverflow(d)
        guard !o else { throw overflow(what) }
        total = r
    }

    /// Adds the change of one record from `old` (what the tables hold) to `new`; a sum past the
    /// 64-bit range throws `projection.overflow` and leaves the delta unusable.
    public mutating func add(old: RecordState, new: RecordState) throws(DomainError) {
        let o = old.contributions
        let n = new.contributions
        // Sums are linear: take every old contribution out and put every new one in, term by
        // term (no intermediate per-record sums); parts that did not change are skipped.
        if o.movements != n.movements {
            for m in o.movements {
                for (k, d) in m.deltas { try Self.sum(&stock[k, default: 0], d, subtract: true, "stock") }
            }
            for m in n.movements { for (k, d) in m.deltas { try Self.sum(&stock[k, default: 0], d, "stock") } }
        }
        if o.sold != n.sold {
            for (k, d) in o.sold { try Self.sum(&saleLines[k, default: Counts()].sold, d, subtract: true, "units") }
            for (k, d) in n.sold { try Self.sum(&saleLines[k, default: Counts()].sold, d, "units") }
        }
        if o.returned != n.returned {
            for (k, d) in o.returned {
                try Self.sum(&saleLines[k, default: Counts()].returned, d, subtract: true, "units")
            }
            for (k, d) in n.returned { try Self.sum(&saleLines[k, default: Counts()].returned, d, "units") }
        }
        if o.soldSerials != n.soldSerials {
            for (k, d) in o.soldSerials {
                try Self.sum(&serials[k, default: Counts()].sold, d, subtract: true, "units")
            }
            for (k, d) in n.soldSerials { try Self.sum(&serials[k, default: Counts()].sold, d, "units") }
        }
        if o.returnedSerials != n.returnedSerials {
            for (k, d) in o.returnedSerials {
                try Self.sum(&serials[k, default: Counts()].returned, d, subtract: true, "units")
            }
            for (k, d) in n.returnedSerials { try Self.sum(&serials[k, default: Counts()].returned, d, "units") }
        }
        if o.storeCredit != n.storeCredit {
            for (k, d) in o.storeCredit { try Self.sum(&storeCredit[k, default: 0], d, subtract: true, "store credit") }
            for (k, d) in n.storeCredit { try Self.sum(&storeCredit[k, default: 0], d, "store credit") }
        }
        // The journal: usually the old entries are the first of the new ones (a step appends its
        // postings); then only the new entries' lines go into the sums and the table.
        var deleteFrom: Int?
        var insert: [JournalRow] = []
        if o.journal != n.journal {
            if n.journal.starts(with: o.journal) {
                let kept = o.journal.reduce(0) { $0 + $1.lines.count }
                let added = n.journal[o.journal.count...]
                for e in added {
                    for l in e.lines {
                        try Self.sum(
                            &ledger[LedgerKey(account: l.account, currency: l.amount.currency), default: 0],
                            l.amount.minor, "an account")
                    }
                }
                insert = Self.journalRows(added, from: kept)
            } else {
                for e in o.journal {
                    for l in e.lines {
                        try Self.sum(
                            &ledger[LedgerKey(account: l.account, currency: l.amount.currency), default: 0],
                            l.amount.minor,
                            subtract: true, "an account")
                    }
                }
                for e in n.journal {
                    for l in e.lines {
                        try Self.sum(
                            &ledger[LedgerKey(account: l.account, currency: l.amount.currency), default: 0],
                            l.amount.minor, "an account")
                    }
                }
                let oldRows = Self.journalRows(o.journal)
                let newRows = Self.journalRows(n.journal)
                var common = 0
                while common < oldRows.count && common < newRows.count && oldRows[common] == newRows[common] {
                    common += 1
                }
                deleteFrom = common < oldRows.count ? common : nil
                insert = Array(newRows[common...])
            }
        }
        records.append(
            RecordChange(
                key: new.key, new: new, existed: !old.vector.isEmpty,
                exceptionsChanged: old.exceptions != new.exceptions,
                journalDeleteFrom: deleteFrom, journalInsert: insert,
                indexChanged: Self.indexRow(old) != Self.indexRow(new)))
    }

    /// A record's journal as numbered rows, in the order the fold made them.
    public static func journalRows(_ journal: some Collection<JournalEntry>, from start: Int = 0) -> [JournalRow] {
        var rows: [JournalRow] = []
        var position = start
        for entry in journal {
            for line in entry.lines {
                rows.append(
                    JournalRow(
                        position: position, reference: entry.reference, store: entry.store, date: entry.date,
                        memo: entry.memo,
                        line: line))
                position += 1
            }
        }
        return rows
    }

    /// What the record's index table row (returns, sales, customers) holds, to tell whether it changed.
    static func indexRow(_ r: RecordState) -> IndexRow? {
        switch r.body {
        case .returnOrder(let o):
            guard let q = o.request else { return nil }
            return .returnOrder(q, o.status)
        case .sale(let s): return .sale(s.id, s.store, s.customer, s.soldAt, s.total)
        case .customer(let c): return .customer(c)
        default: return nil
        }
    }

    enum IndexRow: Equatable {
        case returnOrder(ReturnRequest, ReturnStatus)
        case sale(SaleID, StoreID, CustomerID?, Instant, Money)
        case customer(Customer)
    }

    /// Non-zero stock deltas in key order.
    public var sortedStock: [(key: StockKey, delta: Int)] {
        stock.filter { $0.value != 0 }.map { ($0.key, $0.value) }.sorted { $0.key < $1.key }
    }
    /// Non-zero sale-line deltas in key order.
    public var sortedSaleLines: [(key: SaleLineKey, delta: Counts)] {
        saleLines.filter { !$0.value.isZero }.map { ($0.key, $0.value) }.sorted { $0.key < $1.key }
    }
    /// Non-zero serial deltas in key order.
    public var sortedSerials: [(key: SaleSerialKey, delta: Counts)] {
        serials.filter { !$0.value.isZero }.map { ($0.key, $0.value) }.sorted { $0.key < $1.key }
    }
    /// Non-zero store-credit deltas in key order.
    public var sortedStoreCredit: [(key: StoreCreditKey, delta: Int64)] {
        storeCredit.filter { $0.value != 0 }.map { ($0.key, $0.value) }.sorted { $0.key < $1.key }
    }
    /// Non-zero ledger deltas in key order.
    public var sortedLedger: [(key: LedgerKey, delta: Int64)] {
        ledger.filter { $0.value != 0 }.map { ($0.key, $0.value) }.sorted { $0.key < $1.key }
    }
}
