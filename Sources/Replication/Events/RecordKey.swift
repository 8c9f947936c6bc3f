public import ReturnsDomain

/// The kinds of record events belong to.
public enum RecordKind: String, Hashable, Sendable, Codable, CaseIterable, Comparable {
    case product, store, policy, reorderPoint, customer, inventoryReceipt, stockCount, sale, staff
    case stockAdjustment
    case policyRule
    case resolution
    /// The chain's settings outside policy, one record each (`setting:abuseThresholds`).
    case setting
    case returnOrder = "return"
    case repairOrder = "repair"
    case storeCredit
    public static func < (a: RecordKind, b: RecordKind) -> Bool { a.rawValue < b.rawValue }
}

/// Names the record an event belongs to: `return:R-A-000042`, `product:SKU-1`.
public struct RecordKey: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var kind: RecordKind
    public var id: String
    public init(_ kind: RecordKind, _ id: String) {
        self.kind = kind
        self.id = id
    }
    public static func < (a: RecordKey, b: RecordKey) -> Bool { (a.kind, a.id) < (b.kind, b.id) }
    public var description: String { "\(kind.rawValue):\(id)" }

    /// Parses `kind:id`.
    public init?(_ text: String) {
        guard let colon = text.firstIndex(of: ":"), let kind = RecordKind(rawValue: String(text[..<colon])) else {
            return nil
        }
        self.init(kind, String(text[text.index(after: colon)...]))
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let key = RecordKey(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "bad record key \(text)"))
        }
        self = key
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }

    public static func returnOrder(_ id: ReturnID) -> RecordKey { RecordKey(.returnOrder, id.rawValue) }
    public static func sale(_ id: SaleID) -> RecordKey { RecordKey(.sale, id.rawValue) }
    public static func product(_ sku: SKU) -> RecordKey { RecordKey(.product, sku.rawValue) }
    public static func customer(_ id: CustomerID) -> RecordKey { RecordKey(.customer, id.rawValue) }
    public static func repairOrder(_ id: RepairOrderID) -> RecordKey { RecordKey(.repairOrder, id.rawValue) }
    public static func storeCredit(_ id: CustomerID) -> RecordKey { RecordKey(.storeCredit, id.rawValue) }
    /// Head office's note on exception `id` (`ExceptionNote`): exception ids run past the 64
    /// characters of an id, so the record is named by their digest, `X-` and 16 hex digits.
    /// The chain's abuse thresholds (`abuseThresholds.set`).
    public static let abuseThresholds = RecordKey(.setting, "abuseThresholds")

    public static func resolution(ofException id: String) -> RecordKey {
        RecordKey(.resolution, "X-" + ReplicaState.fnv1a64(id))
    }
}

extension DomainEvent {
    /// The kind of record an event of this type must belong to; the fold refuses a mismatch.
    public var recordKind: RecordKind {
        switch self {
        case .productDefined: .product
        case .storeDefined: .store
        case .policySet: .policy
        case .reorderPointSet: .reorderPoint
        case .staffDefined: .staff
        case .policyPublished: .policyRule
        case .exceptionResolved: .resolution
        case .abuseThresholdsSet: .setting
        case .customerRegistered, .customerFieldChanged: .customer
        case .inventoryReceived: .inventoryReceipt
        case .stockCounted: .stockCount
        case .stockAdjusted: .stockAdjustment
        case .saleRecorded: .sale
        case .returnRequested, .returnApproved, .returnRejected, .returnReceived, .returnInspected, .returnDisposed,
            .refundIssued, .exchangeCompleted, .returnClosed:
            .returnOrder
        case .repairOpened, .repairProgressed, .repairCompleted: .repairOrder
        case .storeCreditAdjusted: .storeCredit
        }
    }
}
