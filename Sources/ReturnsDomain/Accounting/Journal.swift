/// The general-ledger accounts ReturnSync posts to. Codes follow a common retail chart
/// (1xxx assets, 2xxx liabilities, 4xxx income, 5xxx expenses); map them to your own chart on export.
public enum Account: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case cash = "1000"
    case cardClearing = "1010"
    case bank = "1020"
    case vendorReceivable = "1200"
    case inventory = "1300"
    /// What stores owe one another when a return is taken in or paid out at another store than
    /// the one that sold: each store's own entries balance through it, and across the chain it
    /// nets to zero.
    case interStoreClearing = "1400"
    case accountsPayable = "2000"
    case vatPayable = "2200"
    case storeCreditLiability = "2300"
    case salesRevenue = "4000"
    /// Contra-revenue: sales returns and allowances.
    case salesReturns = "4010"
    case restockingFeeIncome = "4100"
    case costOfGoodsSold = "5000"
    case scrapWriteOff = "5100"
    case repairExpense = "5200"
    case bGradeWriteDown = "5300"
    case inventoryVariance = "5400"
    /// Goods handed out at no charge: samples, replacements.
    case samplesAndReplacements = "5500"

    public static func < (a: Account, b: Account) -> Bool { a.rawValue < b.rawValue }

    /// The account money of a tender sits in.
    public static func forTender(_ tender: Tender) -> Account {
        switch tender {
        case .cash: .cash
        case .card: .cardClearing
        case .bankTransfer: .bank
        case .storeCredit: .storeCreditLiability
        }
    }

    public var title: String {
        switch self {
        case .cash: "Cash"
        case .cardClearing: "Card clearing"
        case .bank: "Bank"
        case .vendorReceivable: "Vendor receivable"
        case .inventory: "Inventory"
        case .interStoreClearing: "Inter-store clearing"
        case .accountsPayable: "Accounts payable"
        case .vatPayable: "VAT payable"
        case .storeCreditLiability: "Store credit liability"
        case .salesRevenue: "Sales revenue"
        case .salesReturns: "Sales returns"
        case .restockingFeeIncome: "Restocking fee income"
        case .costOfGoodsSold: "Cost of goods sold"
        case .scrapWriteOff: "Scrap write-off"
        case .repairExpense: "Repair expense"
        case .bGradeWriteDown: "B-grade write-down"
        case .inventoryVariance: "Inventory variance"
        case .samplesAndReplacements: "Samples and replacements"
        }
    }
}

/// One side of a posting: `amount` is positive for a debit, negative for a credit.
public struct JournalLine: Hashable, Sendable, Codable {
    public var account: Account
    public var amount: Money
    public init(_ account: Account, _ amount: Money) {
        self.account = account
        self.amount = amount
    }
    public static func debit(_ account: Account, _ amount: Money) -> JournalLine { JournalLine(account, amount) }
    public static func credit(_ account: Account, _ amount: Money) -> JournalLine { JournalLine(account, -amount) }
}

/// A balanced double-entry posting for one business step.
public struct JournalEntry: Hashable, Sendable, Codable {
    /// Which document and step this posts (`return:R-A-7/refund`), for audit and export.
    public var reference: String
    public var store: StoreID
    public var date: Instant
    public var memo: String
    public var lines: [JournalLine]

    public init(reference: String, store: StoreID, date: Instant, memo: String, lines: [JournalLine]) {
        self.reference = reference
        self.store = store
        self.date = date
        self.memo = memo
        // Zero lines carry no information; dropping them keeps exports tidy.
        self.lines = lines.filter { !$0.amount.isZero }
    }

    /// Debits equal credits, per currency.
    public var isBalanced: Bool {
        var sums: [Currency: Int64] = [:]
        for l in lines { sums[l.amount.currency, default: 0] += l.amount.minor }
        return sums.values.allSatisfy { $0 == 0 }
    }

    public var totalDebits: Int64 { lines.reduce(0) { $0 + max($1.amount.minor, 0) } }
}
