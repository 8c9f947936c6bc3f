import Foundation
import Replication

/// Decoded events per record, keyed by a hash of the stored bytes: the same bytes always decode
/// to the same events, so an entry can never be stale, even across rolled-back transactions.
/// Saves decoding a sale's and a product's JSON on every return against them.
final class DecodedEventCache: @unchecked Sendable {
    static let shared = DecodedEventCache()
    private let lock = NSLock()
    private var entries: [String: (hash: UInt64, events: [Event])] = [:]
    private let limit = 20_000

    func events(of key: String, bodies: [Data]) throws -> [Event] {
        let h = Self.hash(bodies)
        lock.lock()
        let hit = entries[key]
        lock.unlock()
        if let hit, hit.hash == h, hit.events.count == bodies.count { return hit.events }
        let events = try bodies.map { try EventCodec.decodeEvent($0) }
        remember(key, hash: h, events: events)
        return events
    }

    /// Records events whose stored bytes are `bodies` (in node, seq order), e.g. just written.
    func remember(_ key: String, bodies: [Data], events: [Event]) {
        remember(key, hash: Self.hash(bodies), events: events)
    }

    private func remember(_ key: String, hash: UInt64, events: [Event]) {
        lock.lock()
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = (hash, events)
        lock.unlock()
    }

    static func hash(_ bodies: [Data]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for body in bodies {
            body.withUnsafeBytes { raw in
                for b in raw {
                    h ^= UInt64(b)
                    h = h &* 0x0000_0100_0000_01b3
                }
            }
            h ^= 0xFF
            h = h &* 0x0000_0100_0000_01b3
        }
        return h
    }
}
