/// Why stock is adjusted outside sales, receipts, returns and counts.
public enum AdjustmentReason: String, Hashable, Sendable, Codable, CaseIterable {
    /// Found damaged where it sat: out of stock, written off.
    case damaged
    /// Lost, stolen or otherwise gone: out of stock, written off.
    case writeOff
    /// Turned up (a miscount, a mis-shipment): into stock, a gain.
    case found
    /// Handed out at no charge (a sample, a replacement for a customer): out of stock, an expense.
    case zeroValueIssue
}

/// A stock adjustment at one store and location: `quantity` units of `sku` at `unitCost`, in
/// (found) or out (the other reasons), with the reason and a note. A one-shot record.
public struct StockAdjustment: Hashable, Sendable, Codable {
    public var store: StoreID
    public var location: StockLocation
    public var sku: SKU
    /// Units moved, always positive; the reason says in or out.
    public var quantity: Int
    public var reason: AdjustmentReason
    public var unitCost: Money
    public var note: String?
    public var adjustedAt: Instant

    public init(
        store: StoreID, location: StockLocation, sku: SKU, quantity: Int, reason: AdjustmentReason, unitCost: Money,
        note: String?, adjustedAt: Instant
    ) {
        self.store = store
        self.location = location
        self.sku = sku
        self.quantity = quantity
        self.reason = reason
        self.unitCost = unitCost
        self.note = note
        self.adjustedAt = adjustedAt
    }

    /// Whether the units come into stock (found) or leave it.
    public var isIncoming: Bool { reason == .found }
}

/// The rules of a stock adjustment. Pure: the node reads what is on hand and the unit cost.
public enum StockAdjustments {
    /// The adjustment to record. Refused: a quantity that is not positive (`input.invalidQuantity`),
    /// goods in transit (`stock.notCountable`), taking out more than the location holds
    /// (`stock.insufficient`), a write-off or zero-value issue without a note saying why
    /// (`input.missingNote`).
    public static func make(
        store: StoreID, location: StockLocation, sku: SKU, quantity: Int, reason: AdjustmentReason,
        onHand: Int, unitCost: Money, note: String?, at: Instant
    ) throws(DomainError) -> StockAdjustment {
        guard quantity > 0, quantity <= 1_000_000 else { throw DomainError.invalidQuantity(quantity) }
        guard location != .inTransit else {
            throw DomainError(
                code: "stock.notCountable", message: "goods in transit are adjusted where they arrive, not on the way")
        }
        let adjustment = StockAdjustment(
            store: store, location: location, sku: sku, quantity: quantity, reason: reason, unitCost: unitCost,
            note: note?.isEmpty == true ? nil : note, adjustedAt: at)
        if !adjustment.isIncoming && quantity > onHand {
            throw DomainError(
                code: "stock.insufficient",
                message: "\(location.rawValue) holds \(onHand) of \(sku), fewer than the \(quantity) taken out",
                values: [
                    "location": location.rawValue, "onHand": String(onHand), "sku": "\(sku)",
                    "quantity": String(quantity),
                ])
        }
        if adjustment.note == nil && reason != .found {
            throw DomainError(code: "input.missingNote", message: "say why the goods leave stock")
        }
        return adjustment
    }

    /// What an adjustment needs: anything that takes goods out is a write-off.
    public static func permission(for adjustment: StockAdjustment) -> StaffPermission? {
        adjustment.isIncoming ? nil : .writeOff
    }
}
