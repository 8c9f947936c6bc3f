public import Foundation
public import Replication

/// The event byte format: what replicas store and send, and what the hub reads from a push.
/// One encoder (`EventJSON`, which hands the rare shapes it does not write itself to
/// `StreamingJSONEncoder`) and one decoder (`FastJSONDecoder`, with Foundation's `JSONDecoder`
/// behind it for its errors), so that every node and every hub backend write and read the same bytes.
public enum EventCodec {
    /// The event's bytes as stored and sent: plain JSON, keys in declaration order, a context's
    /// entries sorted by node.
    public static func encode(_ event: Event) throws -> Data { try EventJSON.encode(event) }

    /// The event `data` holds (as `encode` writes it, or any standard JSON of an `Event`).
    public static func decodeEvent(_ data: Data) throws -> Event { try decode(Event.self, from: data) }

    /// The change set `data` holds: a push's body. Throws `DecodingError` for bad input.
    public static func decodeChangeSet(_ data: Data) throws -> ChangeSet { try decode(ChangeSet.self, from: data) }

    /// A value of the sync protocol (a pulled page, a push's answer) that carries events: the fast
    /// decoder first; Foundation's, with its `DecodingError`, if the fast one refuses the bytes.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let value = try? FastJSONDecoder.decode(type, from: data) { return value }
        return try JSONDecoder().decode(type, from: data)
    }

    /// The bytes of `member` of every element of the array `array` of the top-level object, as
    /// they stand in `data` (`{"events": [{"event": {…}}, …]}` → each `{…}`); nil when the shape
    /// differs. Lets a node store the events of a pulled page in the bytes they arrived in.
    public static func rawMembers(of data: Data, array: String, member: String) -> [Data]? {
        FastJSONDecoder.rawMembers(of: data, array: array, member: member)
    }

    /// A push's body, `{"node":…,"events":[…]}`, with each event's bytes as stored (`encode`'s), so
    /// that a node sends exactly what it wrote and the hub reads exactly that.
    public static func encodeChangeSet(node: NodeID, events bodies: [Data]) -> Data {
        var out = JSONBytes()
        out.raw("{")
        out.key("node", first: true)
        out.string(node.rawValue)
        out.key("events")
        out.raw("[")
        for (i, body) in bodies.enumerated() {
            if i > 0 { out.raw(",") }
            out.bytes.append(contentsOf: body)
        }
        out.raw("]}")
        return Data(out.bytes)
    }

    /// A pulled page, `{"epoch":…,"events":[{"hubSeq":n,"event":{…}},…],"checkpoint":n,"more":b}`,
    /// with each event's stored bytes: the hub serves what it holds without encoding it again.
    public static func encodeFeedPage(
        epoch: String, events: [(hubSeq: UInt64, body: Data)], checkpoint: UInt64, more: Bool, acked: UInt64? = nil
    ) -> Data {
        var out = JSONBytes()
        out.raw("{")
        out.key("epoch", first: true)
        out.string(epoch)
        out.key("events")
        out.raw("[")
        for (i, entry) in events.enumerated() {
            out.raw(i > 0 ? ",{" : "{")
            out.key("hubSeq", first: true)
            out.bytes.append(contentsOf: String(entry.hubSeq).utf8)
            out.key("event")
            out.bytes.append(contentsOf: entry.body)
            out.raw("}")
        }
        out.raw("]")
        out.key("checkpoint")
        out.bytes.append(contentsOf: String(checkpoint).utf8)
        out.key("more")
        if more { out.raw("true") } else { out.raw("false") }
        if let acked {
            out.key("acked")
            out.bytes.append(contentsOf: String(acked).utf8)
        }
        out.raw("}")
        return Data(out.bytes)
    }

    /// A version vector as `node:seq,node:seq` sorted by node: compact and canonical.
    public static func vectorText(_ v: VersionVector) -> String {
        v.dots.map { "\($0.node.rawValue):\($0.seq)" }.joined(separator: ",")
    }
}
