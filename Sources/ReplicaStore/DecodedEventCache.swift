import EventCoding
import Foundation
import Replication

/// Decoded events per record, keyed by a hash of the stored bytes: the same bytes always decode
/// to the same events, so an entry can never be stale, even across rolled-back transactions.
/// Saves decoding a sale's and a product's JSON on every return against them. The record's fold
/// is kept with its events once computed: it is a pure function of them, so it is as fresh.
final class DecodedEventCache: @unchecked Sendable {
    static let shared = DecodedEventCache()
    private struct Entry {
        var hash: UInt64
        var events: [Event]
        var state: RecordState?
    }
    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private let limit = 20_000

    func events(of key: String, bodies: [Data]) throws -> [Event] {
        let h = Self.hash(bodies)
        if let hit = entry(key, hash: h, count: bodies.count) { return hit.events }
        let events = try bodies.map { try EventCodec.decodeEvent($0) }
        remember(key, Entry(hash: h, events: events, state: nil))
        return events
    }

    /// The fold of the record whose stored events are `bodies` (in node, seq order, not empty).
    func state(of key: RecordKey, bodies: [Data]) throws -> RecordState {
        let text = key.description
        let h = Self.hash(bodies)
        let hit = entry(text, hash: h, count: bodies.count)
        if let state = hit?.state, state.key == key { return state }
        let events = try hit?.events ?? bodies.map { try EventCodec.decodeEvent($0) }
        let state = RecordFold.fold(key: key, events: events)
        remember(text, Entry(hash: h, events: events, state: state))
        return state
    }

    /// Records events whose stored bytes are `bodies` (in node, seq order), e.g. just written,
    /// with their fold when the caller has it.
    func remember(_ key: String, bodies: [Data], events: [Event], state: RecordState? = nil) {
        remember(key, Entry(hash: Self.hash(bodies), events: events, state: state))
    }

    private func entry(_ key: String, hash: UInt64, count: Int) -> Entry? {
        lock.lock()
        let hit = entries[key]
        lock.unlock()
        guard let hit, hit.hash == hash, hit.events.count == count else { return nil }
        return hit
    }

    private func remember(_ key: String, _ entry: Entry) {
        lock.lock()
        if entries.count >= limit { entries.removeAll(keepingCapacity: true) }
        entries[key] = entry
        lock.unlock()
    }

    /// FNV-1a over the bytes, eight at a time (a body is hashed on every read of its record).
    static func hash(_ bodies: [Data]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let prime: UInt64 = 0x0000_0100_0000_01b3
        for body in bodies {
            body.withUnsafeBytes { raw in
                let words = raw.count / 8
                for i in 0..<words {
                    h ^= raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)
                    h = h &* prime
                }
                for i in (words * 8)..<raw.count {
                    h ^= UInt64(raw[i])
                    h = h &* prime
                }
            }
            h ^= UInt64(truncatingIfNeeded: body.count) &+ 0xFF
            h = h &* prime
        }
        return h
    }
}
