/// The inspector's verdict on returned units.
public enum Grade: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    /// As new: back to sellable stock.
    case a
    /// Cosmetic flaws: resell as refurbished / B-grade at a written-down value, with disclosure.
    case b
    /// Faulty but repairable: to the repair location with a repair order.
    case c
    /// Beyond repair: scrap, written off with a reason.
    case d
    /// A manufacturing defect the vendor pays for: return to vendor.
    case vendorDefect
    public static func < (a: Grade, b: Grade) -> Bool { a.rawValue < b.rawValue }
}

/// The grade given to some units of one return line.
public struct LineGrade: Hashable, Sendable, Codable {
    public var line: Int
    public var grade: Grade
    public var quantity: Int
    public var notes: String?
    public init(line: Int, grade: Grade, quantity: Int, notes: String? = nil) {
        self.line = line
        self.grade = grade
        self.quantity = quantity
        self.notes = notes
    }
}

/// What happens to graded units. Each is a stock movement out of `pendingInspection`.
public enum Disposition: Hashable, Sendable, Codable {
    /// Grade A: back to sellable stock at original cost.
    case restock
    /// Grade B: resale as refurbished at `unitValue` (≤ cost), with a disclosure shown to the buyer.
    case refurbish(unitValue: Money, disclosure: String)
    /// Grade C: to the repair location; the repair order carries technician, parts and cost.
    case repair(order: RepairOrderID, technician: String)
    /// Grade D: written off.
    case scrap(reason: String)
    /// Vendor defect: shipped back to the supplier against an RMA.
    case returnToVendor(vendor: VendorID, rma: String?)

    /// The grade this disposition belongs to.
    public var grade: Grade {
        switch self {
        case .restock: .a
        case .refurbish: .b
        case .repair: .c
        case .scrap: .d
        case .returnToVendor: .vendorDefect
        }
    }

    /// Where the units go.
    public var destination: StockLocation {
        switch self {
        case .restock: .sellable
        case .refurbish: .refurbished
        case .repair: .repair
        case .scrap: .scrap
        case .returnToVendor: .returnToVendor
        }
    }
}

/// The disposition of some units of one return line.
public struct LineDisposition: Hashable, Sendable, Codable {
    public var line: Int
    public var quantity: Int
    public var disposition: Disposition
    public init(line: Int, quantity: Int, disposition: Disposition) {
        self.line = line
        self.quantity = quantity
        self.disposition = disposition
    }
}

/// Progress of a repair order (可维修).
public enum RepairStatus: String, Hashable, Sendable, Codable, CaseIterable {
    case open, inProgress, repaired, unrepairable
}

/// A part fitted during a repair, at cost.
public struct RepairPart: Hashable, Sendable, Codable {
    public var name: String
    public var cost: Money
    public init(name: String, cost: Money) {
        self.name = name
        self.cost = cost
    }
}

/// A repair order opened by a grade-C disposition.
public struct RepairOrder: Hashable, Sendable, Codable {
    public var id: RepairOrderID
    public var returnID: ReturnID
    public var store: StoreID
    public var sku: SKU
    public var quantity: Int
    /// Carrying cost per unit (the original cost), for a write-off when the repair fails.
    public var unitCost: Money
    public var technician: String
    public var openedAt: Instant
    public init(
        id: RepairOrderID, returnID: ReturnID, store: StoreID, sku: SKU, quantity: Int, unitCost: Money,
        technician: String, openedAt: Instant
    ) {
        self.id = id
        self.returnID = returnID
        self.store = store
        self.sku = sku
        self.quantity = quantity
        self.unitCost = unitCost
        self.technician = technician
        self.openedAt = openedAt
    }
}

/// How a repair ended.
public enum RepairOutcome: Hashable, Sendable, Codable {
    /// Fixed: to refurbished stock for resale at `resalePrice` per unit.
    case repaired(resalePrice: Money)
    /// Not worth it: scrapped.
    case unrepairable(reason: String)
}
