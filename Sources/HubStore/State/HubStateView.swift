import Foundation
public import Replication
public import ReturnsDomain

/// Read access to the hub's company-wide projections: what head office's API shows.
///
/// Each call reads one consistent snapshot; two calls may see different snapshots when pushes
/// commit in between.
public protocol HubStateView: Sendable {
    /// Stock per store, location and SKU (zero rows left out), optionally for one SKU and/or
    /// store, sorted by store, location and SKU.
    func stock(sku: SKU?, store: StoreID?) async throws -> [StockLevel]

    /// The exceptions queue: every record's own exceptions plus the company-wide invariant checks
    /// (over-returns per sale line and serial, overdrawn store credit) — exactly
    /// `ReplicaState.exceptions` of the hub's events, sorted.
    func exceptions() async throws -> [ReplicationException]

    /// A record's folded state, nil when the hub holds no event of it.
    func record(_ key: RecordKey) async throws -> RecordState?

    /// The catalog, sorted by SKU.
    func products() async throws -> [Product]

    /// Every store and channel head office (or the store itself) described, by id.
    func stores() async throws -> [Store]

    /// Head office's notes on exceptions (`exception.resolved`), by exception id.
    func exceptionNotes() async throws -> [ExceptionNote]

    /// Every published version of every policy scope, by scope then version.
    func policyRules() async throws -> [PolicyRule]

    /// The policy in force for a return of `store` against `sale` with goods of `categories` at
    /// `at` (`ReturnIntake.policy`), as a node of that store would apply it.
    func policy(of store: StoreID, for sale: Sale?, categories: Set<String>, at: Instant) async throws
        -> EffectivePolicy

    func sale(_ id: SaleID) async throws -> Sale?

    /// Units still returnable per line of a sale, company-wide (never negative).
    func returnableQuantities(of sale: SaleID) async throws -> [Int: Int]

    /// A return's state (nil when unknown or only partly received).
    func returnOrder(_ id: ReturnID) async throws -> ReturnOrderState?

    /// Returns across stores and channels, newest request first, optionally of one store and/or
    /// status, after `cursor` (the last of the previous page) when given.
    func returns(store: StoreID?, status: ReturnStatus?, limit: Int, after cursor: ReturnCursor?) async throws
        -> [ReturnOrderState]

    /// How many returns `returns(store:status:…)` pages through.
    func returnCount(store: StoreID?, status: ReturnStatus?) async throws -> Int

    /// A customer's details, returns everywhere (newest first) and store-credit balances.
    func customerHistory(_ customer: CustomerID) async throws -> HubCustomerHistory

    /// Trial balance: debit-positive balance per account and currency.
    func ledger() async throws -> [LedgerKey: Int64]

    /// Journal entries, optionally of one store, ordered by record then step (as
    /// `ReplicaState.journal`).
    func journal(store: StoreID?) async throws -> [JournalEntry]

    /// How many events the hub holds.
    func eventCount() async throws -> Int

    /// What the returns analytics need, company-wide (products, stores, sales, returns, stock).
    func analyticsInput() async throws -> AnalyticsInput
}

/// One stock figure.
public struct StockLevel: Hashable, Sendable, Codable {
    public var store: StoreID
    public var location: StockLocation
    public var sku: SKU
    public var quantity: Int

    public init(store: StoreID, location: StockLocation, sku: SKU, quantity: Int) {
        self.store = store
        self.location = location
        self.sku = sku
        self.quantity = quantity
    }

    public var key: StockKey { StockKey(store: store, location: location, sku: sku) }
}

/// A customer's returns across every store and channel, and their store credit.
public struct HubCustomerHistory: Hashable, Sendable, Codable {
    public var customer: CustomerID
    public var details: Customer?
    /// Newest request first (as `ReplicaState.returnHistory`).
    public var returns: [ReturnOrderState]
    /// Non-zero balances, one per currency, sorted by currency.
    public var storeCredit: [Money]

    public init(customer: CustomerID, details: Customer?, returns: [ReturnOrderState], storeCredit: [Money]) {
        self.customer = customer
        self.details = details
        self.returns = returns
        self.storeCredit = storeCredit
    }
}

extension HubStateView {
    /// The first page.
    public func returns(store: StoreID?, status: ReturnStatus?, limit: Int) async throws -> [ReturnOrderState] {
        try await returns(store: store, status: status, limit: limit, after: nil)
    }
}

/// Where a page of returns ends: the last return's request time and id (the list's order). As
/// the API gives it, an opaque `cursor`: `<millis>.<id>` in base64url.
public struct ReturnCursor: Hashable, Sendable {
    public var requestedAt: Int64
    public var id: String

    public init(requestedAt: Int64, id: String) {
        self.requestedAt = requestedAt
        self.id = id
    }

    public init?(_ state: ReturnOrderState) {
        guard let request = state.request else { return nil }
        self.init(requestedAt: request.requestedAt.millis, id: request.id.rawValue)
    }

    /// The cursor as the API writes it.
    public var text: String {
        Self.base64url(Array("\(requestedAt).\(id)".utf8))
    }

    /// A cursor the API wrote; nil for anything else.
    public init?(text: String) {
        guard text.count <= 400, let bytes = Self.bytes(base64url: text),
            let decoded = String(validating: bytes, as: UTF8.self),
            let dot = decoded.firstIndex(of: "."), let millis = Int64(decoded[..<dot])
        else { return nil }
        let id = String(decoded[decoded.index(after: dot)...])
        guard !id.isEmpty else { return nil }
        self.init(requestedAt: millis, id: id)
    }

    static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func bytes(base64url text: String) -> [UInt8]? {
        var b64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        b64 += String(repeating: "=", count: (4 - b64.count % 4) % 4)
        return Data(base64Encoded: b64).map(Array.init)
    }
}
