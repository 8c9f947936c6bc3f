import Foundation
import ReturnsDomain

extension ReplicaState {
    /// A canonical text of the derived state: every sum and every record's body, sorted, so that
    /// two replicas (or a node and the hub) can compare state by hash.
    public var canonicalText: String {
        var lines: [String] = []
        for (k, q) in stock.sorted(by: { $0.key < $1.key }) {
            lines.append("stock \(k.store) \(k.location.rawValue) \(k.sku) \(q)")
        }
        for (k, q) in sold.sorted(by: { $0.key < $1.key }) { lines.append("sold \(k) \(q)") }
        for (k, q) in returned.sorted(by: { $0.key < $1.key }) { lines.append("returned \(k) \(q)") }
        for (k, q) in storeCredit.sorted(by: { $0.key < $1.key }) {
            lines.append("credit \(k.customer) \(Money(q, k.currency))")
        }
        for (k, q) in ledger.sorted(by: { $0.key < $1.key }) {
            lines.append("ledger \(k.account.rawValue) \(Money(q, k.currency))")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for key in records.keys.sorted() {
            let r = records[key]!
            let body = (try? encoder.encode(r.body)).map { String(decoding: $0, as: UTF8.self) } ?? "?"
            lines.append("record \(key) \(r.vector) \(body)")
        }
        for e in exceptions { lines.append("exception \(e.id)") }
        return lines.joined(separator: "\n")
    }

    /// FNV-1a 64-bit hash of `canonicalText`, as 16 hex digits. Not cryptographic: it detects
    /// divergence, it does not authenticate.
    public var digest: String { Self.fnv1a64(canonicalText) }

    public static func fnv1a64(_ text: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in text.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01b3
        }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
