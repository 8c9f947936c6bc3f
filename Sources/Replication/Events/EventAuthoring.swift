public import ReturnsDomain

/// One replica's authoring state: its last seq, its clock and its document counters. The next
/// event, the next document number and the clock's stored text form are made here; a replica's
/// store (a node's `meta`, the PostgreSQL hub's `hub_meta`) only reads and writes these values.
public struct EventAuthoring: Hashable, Sendable {
    /// The authoring node; its events' dots are `node`:`seq`.
    public var node: NodeID
    /// The store whose documents this replica numbers (`RT-S01-000042`: store `S01`).
    public var store: StoreID
    /// The seq of the last event authored.
    public var seq: UInt64
    public var clock: HybridLogicalClock
    /// The last number minted per document prefix (`RT` → 41).
    public var counters: [String: Int]

    public init(
        node: NodeID, store: StoreID, seq: UInt64, clock: HybridLogicalClock, counters: [String: Int] = [:]
    ) {
        self.node = node
        self.store = store
        self.seq = seq
        self.clock = clock
        self.counters = counters
    }

    /// The next event: the next seq, a clock tick at wall time `now` (ms), and `context`, the
    /// record's version vector as the author holds it.
    public mutating func author(
        _ payload: DomainEvent, on record: RecordKey, context: VersionVector, staff: StaffID, now: Int64
    ) -> Event {
        seq += 1
        return Event(
            dot: Dot(node: node, seq: seq), record: record, context: context, hlc: clock.tick(now: now), staff: staff,
            payload: payload)
    }

    /// The next document number of `prefix` (`RT-S01-000042`), counted per prefix.
    public mutating func mint(_ prefix: String) -> String {
        let next = (counters[prefix] ?? 0) + 1
        counters[prefix] = next
        return Self.documentNumber(prefix, store: store, number: next)
    }

    /// `PREFIX-STORE-NNNNNN`: the number zero-padded to six digits (more when it needs them).
    public static func documentNumber(_ prefix: String, store: StoreID, number: Int) -> String {
        let digits = String(number)
        return "\(prefix)-\(store)-\(String(repeating: "0", count: max(0, 6 - digits.count)))\(digits)"
    }

    /// `wall.logical`, as a replica stores its clock.
    public static func clockText(_ hlc: HLCTimestamp) -> String { "\(hlc.wall).\(hlc.logical)" }

    /// Reads `clockText`'s form (anything else reads as far as it is digits).
    public static func parseClock(_ text: String) -> HLCTimestamp {
        var wall: Int64 = 0
        var logical: UInt32 = 0
        var inLogical = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                if inLogical { break }
                inLogical = true
                continue
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            let digit = byte &- UInt8(ascii: "0")
            if inLogical {
                logical = logical &* 10 &+ UInt32(digit)
            } else {
                wall = wall &* 10 &+ Int64(digit)
            }
        }
        return HLCTimestamp(wall: wall, logical: logical)
    }
}
