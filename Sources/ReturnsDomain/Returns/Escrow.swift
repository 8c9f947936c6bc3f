/// Escrow of returnable quantities (DESIGN §4).
///
/// Σ returned ≤ sold must hold per sale line company-wide, yet stores work offline. Each sale
/// line's returnable quantity is held by the store (or channel) that sold it: that store's node
/// accepts returns against its own lines offline, checked against what it knows. A node taking
/// back another store's line first *claims* the quantity from the hub while online; offline it may
/// accept within its **risk budget**, a cap on the value of such returns the hub has not yet
/// acknowledged. Whatever slips through (a holder accepting offline what the hub already granted
/// to another store, budget returns racing each other) the hub finds at merge and raises as an
/// over-return exception: it never drops a return, because the cash has left the till.
public enum Escrow {
    /// Who holds a sale's returnable quantities: the store or channel that made the sale.
    public static func holder(of sale: Sale) -> StoreID { sale.store }

    /// The quantities a return asks for per sale line (receipt-less lines carry none), summed
    /// over repeated lines, sorted by line.
    public static func claimedLines(_ lines: [RequestedLine]) -> [EscrowLine] {
        var sums: [Int: Int] = [:]
        for l in lines { if let line = l.saleLine { sums[line, default: 0] += l.quantity } }
        return sums.sorted { $0.key < $1.key }.map { EscrowLine(line: $0.key, quantity: $0.value) }
    }

    /// The value a return puts at risk: the price paid for each requested unit, VAT included.
    public static func value(of lines: [RequestedLine], in sale: Sale) -> Money {
        var minor: Int64 = 0
        for l in lines {
            guard let n = l.saleLine, let line = sale.lines.first(where: { $0.line == n }) else { continue }
            minor += line.unitPrice.minor * Int64(l.quantity)
        }
        return Money(minor, sale.currency)
    }

    /// What the hub can still grant on one line: sold, less returned as merged, less what
    /// outstanding claims already hold.
    public static func available(sold: Int, returned: Int, outstandingClaims: Int) -> Int {
        max(0, sold - returned - outstandingClaims)
    }

    /// How long a granted claim holds its quantity waiting for the return to reach the hub.
    /// A node pushes within seconds of a return when it is online (it just reached the hub to
    /// claim); after this long the claim lapses and the quantity is free again.
    public static let claimLifetimeMillis: Int64 = 15 * 60 * 1000

    /// The risk budget a new node starts with, in minor units of its currency (200.00).
    public static let defaultRiskBudgetMinor: Int64 = 20_000
}

/// A quantity of one sale line.
public struct EscrowLine: Hashable, Sendable, Codable {
    public var line: Int
    public var quantity: Int
    public init(line: Int, quantity: Int) {
        self.line = line
        self.quantity = quantity
    }
}

/// A node's request to the hub for returnable quantities of a sale another store holds, for the
/// return it is about to record. The return id makes the claim idempotent (a retry gets the same
/// grant) and tells the hub when the claim is used: once that return has merged.
public struct EscrowClaim: Hashable, Sendable, Codable {
    public var sale: SaleID
    public var returnID: ReturnID
    public var lines: [EscrowLine]
    public init(sale: SaleID, returnID: ReturnID, lines: [EscrowLine]) {
        self.sale = sale
        self.returnID = returnID
        self.lines = lines
    }

    enum CodingKeys: String, CodingKey {
        case sale
        case returnID = "returnId"
        case lines
    }
}

/// The hub's grant: the quantities are held for `returnID` until it merges or `expiresAt`.
public struct EscrowGrant: Hashable, Sendable, Codable {
    public var claim: String
    public var sale: SaleID
    public var returnID: ReturnID
    public var lines: [EscrowLine]
    /// The store holding the sale's lines.
    public var holder: StoreID
    public var grantedAt: Int64
    public var expiresAt: Int64
    public init(
        claim: String, sale: SaleID, returnID: ReturnID, lines: [EscrowLine], holder: StoreID, grantedAt: Int64,
        expiresAt: Int64
    ) {
        self.claim = claim
        self.sale = sale
        self.returnID = returnID
        self.lines = lines
        self.holder = holder
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
    }

    enum CodingKeys: String, CodingKey {
        case claim, sale
        case returnID = "returnId"
        case lines, holder, grantedAt, expiresAt
    }
}

/// On what authority a node accepted a return against a sale line.
public enum EscrowBasis: String, Hashable, Sendable, Codable {
    /// The node's own store holds the line (or the return has no receipt).
    case held
    /// The hub granted a claim.
    case claim
    /// Offline (or the hub unreachable): accepted within the store's risk budget.
    case riskBudget
}
