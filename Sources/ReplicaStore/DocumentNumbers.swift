import GRDB
import Replication
import ReturnsDomain

/// The numbers a node gives its documents (`EventLog.mint`): `PREFIX-STORE-000042`, counted per
/// prefix in `meta` (`counter.PREFIX`): returns `RT`, goods receipts `GR`, repair orders `RO`, credit notes `CN`
/// (a number inside a refund's event, not a record's id).
///
/// A store's numbers are the store's, not one node's: a store set up again as a new incarnation
/// (a new node id, docs/operations.md) pulls the old node's documents, and its counters must
/// move past them, or its first return would be numbered like the old node's first and the two
/// would fold into one record. So whenever pulled events are applied, each counter moves past the
/// highest number of this store's documents among the records they touched.
enum DocumentNumbers {
    /// The prefix and number of `id` when it is one of `store`'s documents (`RT-S01-000042` with
    /// store `S01` → ("RT", 42)); nil for another store's, or for an id of another shape.
    static func parse(_ id: String, store: StoreID) -> (prefix: String, number: Int)? {
        guard let marker = id.range(of: "-\(store.rawValue)-") else { return nil }
        let prefix = id[..<marker.lowerBound]
        let digits = id[marker.upperBound...]
        guard !prefix.isEmpty, !prefix.contains("-"), !digits.isEmpty, digits.count <= 18,
            digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
            let number = Int(digits)
        else { return nil }
        return (String(prefix), number)
    }

    /// Moves each of `store`'s counters up to the highest number among `keys`' ids and the
    /// documents numbered inside `events` (a refund's credit note), never down.
    static func advance(
        _ db: Database, store: StoreID, past keys: some Sequence<RecordKey>, events: some Sequence<Event> = [Event]()
    ) throws {
        var highest: [String: Int] = [:]
        func see(_ id: String) {
            if let (prefix, number) = parse(id, store: store), number > highest[prefix] ?? 0 {
                highest[prefix] = number
            }
        }
        for key in keys { see(key.id) }
        for event in events {
            if case .refundIssued(let refund) = event.payload, let number = refund.creditNote { see(number) }
        }
        for (prefix, number) in highest.sorted(by: { $0.key < $1.key }) {
            try db.execute(
                sql: """
                    INSERT INTO meta (key, value) VALUES (?, ?)
                    ON CONFLICT (key) DO UPDATE SET value = excluded.value
                    WHERE CAST(meta.value AS INTEGER) < CAST(excluded.value AS INTEGER)
                    """,
                arguments: ["counter.\(prefix)", String(number)])
        }
    }
}
