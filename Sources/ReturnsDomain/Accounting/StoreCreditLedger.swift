/// One movement on a customer's store-credit account: positive adds credit, negative spends it.
public struct StoreCreditEntry: Hashable, Sendable, Codable {
    public var customer: CustomerID
    /// Signed: positive credits the account (a refund), negative debits it (a purchase, a redemption).
    public var amount: Money
    /// The document that caused it, e.g. `sale:S-1` or `return:R-1/refund`.
    public var reference: String
    public var at: Instant

    public init(customer: CustomerID, amount: Money, reference: String, at: Instant) {
        self.customer = customer
        self.amount = amount
        self.reference = reference
        self.at = at
    }
}

/// Store credit as an append-only ledger in one currency. Balances are sums of entries; nothing is
/// edited in place, a correction is a new entry.
public struct StoreCreditLedger: Hashable, Sendable, Codable {
    public private(set) var currency: Currency
    /// Every entry, in the order appended.
    public private(set) var entries: [StoreCreditEntry]
    /// Derived from `entries`; not encoded.
    private var balances: [CustomerID: Int64]

    /// A ledger holding `entries`, which must all be in `currency`.
    public init(currency: Currency, entries: [StoreCreditEntry] = []) throws(DomainError) {
        self.currency = currency
        self.entries = []
        self.balances = [:]
        for e in entries { self = try appending(e) }
    }

    private enum CodingKeys: String, CodingKey { case currency, entries }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            currency: c.decode(Currency.self, forKey: .currency),
            entries: c.decode([StoreCreditEntry].self, forKey: .entries))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(currency, forKey: .currency)
        try c.encode(entries, forKey: .entries)
    }

    /// The customer's balance (zero for an unknown customer).
    public func balance(of customer: CustomerID) -> Money { Money(balances[customer, default: 0], currency) }

    /// The customer's entries, oldest first.
    public func entries(of customer: CustomerID) -> [StoreCreditEntry] { entries.filter { $0.customer == customer } }

    /// Customers whose balance is below zero, sorted. Offline stores can spend the same credit
    /// concurrently; the ledger keeps both facts and head office sees the overdraft here.
    public var overdrawnCustomers: [CustomerID] { balances.filter { $0.value < 0 }.map(\.key).sorted() }

    /// The ledger with `entry` added. Records a fact, so an overdraft is accepted; only the currency is checked.
    public func appending(_ entry: StoreCreditEntry) throws(DomainError) -> StoreCreditLedger {
        guard entry.amount.currency == currency else { throw .currencyMismatch(currency, entry.amount.currency) }
        var copy = self
        copy.entries.append(entry)
        copy.balances[entry.customer, default: 0] += entry.amount.minor
        return copy
    }

    /// The entry that spends `amount` of the customer's credit, refused beyond the balance
    /// (`storeCredit.insufficient`) or for a non-positive amount (`storeCredit.invalidAmount`).
    /// Does not change the ledger: record the entry, then append it.
    public func redeem(
        customer: CustomerID, amount: Money, reference: String, at: Instant
    ) throws(DomainError) -> StoreCreditEntry {
        guard amount.currency == currency else { throw .currencyMismatch(currency, amount.currency) }
        guard amount.isPositive else {
            throw .invalid("storeCredit.invalidAmount", "a redemption must be a positive amount, got \(amount)")
        }
        let balance = balance(of: customer)
        guard balance.minor >= amount.minor else {
            throw .invalid(
                "storeCredit.insufficient", "\(customer) has \(balance) of store credit, \(amount) asked",
                ["customer": "\(customer)", "balance": "\(balance)", "amount": "\(amount)"])
        }
        return StoreCreditEntry(customer: customer, amount: -amount, reference: reference, at: at)
    }
}

extension StoreCreditLedger {
    /// The debits a sale's store-credit tenders make: the account is the sale's customer, or the
    /// tender's reference when the sale has no customer. A tender naming neither has no account.
    public static func entries(for sale: Sale) -> [StoreCreditEntry] {
        sale.tenders.compactMap { t in
            guard t.tender == .storeCredit, let account = sale.customer ?? t.reference.map(CustomerID.init) else {
                return nil
            }
            return StoreCreditEntry(customer: account, amount: -t.amount, reference: "sale:\(sale.id)", at: sale.soldAt)
        }
    }

    /// The credits a refund's store-credit allocations make: the account is the allocation's
    /// reference, else the return's customer.
    public static func entries(for refund: Refund, request: ReturnRequest) -> [StoreCreditEntry] {
        refund.allocations.compactMap { a in
            guard a.tender == .storeCredit, let account = a.reference.map(CustomerID.init) ?? request.customer else {
                return nil
            }
            return StoreCreditEntry(
                customer: account, amount: a.amount, reference: "return:\(request.id)/refund", at: refund.refundedAt)
        }
    }

    /// An exchange settled in store credit: a negative difference credits the return's customer,
    /// a positive one is paid from their credit.
    public static func entries(for exchange: Exchange, request: ReturnRequest) -> [StoreCreditEntry] {
        guard exchange.settlementTender == .storeCredit, !exchange.difference.isZero, let customer = request.customer
        else { return [] }
        return [
            StoreCreditEntry(
                customer: customer, amount: -exchange.difference, reference: "return:\(request.id)/exchange",
                at: exchange.exchangedAt)
        ]
    }
}

extension StoreCreditLedger {
    /// A customer's balance after a manual adjustment (goodwill, a correction): refused when the
    /// adjustment is zero or beyond `Limits.maxMoney` either way, or would take the balance below zero.
    public static func adjusted(_ balance: Money, by amount: Money) throws(DomainError) -> Money {
        guard !amount.isZero else { throw .invalid("input.invalidAmount", "the adjustment must not be zero") }
        guard amount.minor.magnitude <= UInt64(Limits.maxMoney) else {
            throw .invalid(
                "admission.moneyOutOfRange", "an adjustment may be at most \(Money(Limits.maxMoney, amount.currency))")
        }
        let (after, overflow) = balance.minor.addingReportingOverflow(amount.minor)
        guard !overflow, after >= 0 else {
            throw .invalid("storeCredit.insufficient", "store credit is \(balance)")
        }
        return Money(after, amount.currency)
    }
}
