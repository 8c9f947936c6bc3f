public import Foundation
public import Replication

/// JSON for events and record bodies. Keys sorted so that equal values give equal bytes.
/// Public so that every hub backend stores events in the same bytes as the node does.
public enum EventCodec {
    static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
    /// Event bodies as stored: plain JSON (no key sorting, which costs and buys nothing here:
    /// stored events are compared decoded).
    public static func encodeEvent(_ e: Event) throws -> Data { try StreamingJSONEncoder.encode(e) }
    /// The fast decoder first (`FastJSONDecoder`); Foundation's, with its error, if it refuses the bytes.
    public static func decodeEvent(_ data: Data) throws -> Event {
        if let event = try? FastJSONDecoder.decode(Event.self, from: data) { return event }
        return try JSONDecoder().decode(Event.self, from: data)
    }
    /// A version vector as `node:seq,node:seq` sorted by node: compact and canonical.
    public static func vectorText(_ v: VersionVector) -> String { v.dots.map { "\($0.node.rawValue):\($0.seq)" }.joined(separator: ",") }

    static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T { try JSONDecoder().decode(type, from: data) }
    static func text<T: Encodable>(_ value: T) throws -> String { String(decoding: try encode(value), as: UTF8.self) }
}
