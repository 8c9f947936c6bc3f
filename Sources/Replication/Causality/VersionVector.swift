public import ReturnsDomain

/// A replica: a store node, a channel, or a node's new incarnation after a restore.
public struct NodeID: StringIdentifier {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
}

/// The globally unique name of an event: the node that authored it and that node's event counter
/// (1, 2, 3 … with no gaps).
public struct Dot: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var node: NodeID
    public var seq: UInt64
    public init(node: NodeID, seq: UInt64) {
        self.node = node
        self.seq = seq
    }
    public static func < (a: Dot, b: Dot) -> Bool { (a.node, a.seq) < (b.node, b.seq) }
    public var description: String { "\(node)#\(seq)" }
}

/// How two version vectors relate.
public enum CausalOrder: String, Hashable, Sendable, Codable {
    case equal, before, after, concurrent
}

/// A sparse version vector: node → highest seq of that node's events seen. Absent means 0.
/// Kept sparse because most records are touched by one or two of thousands of nodes.
public struct VersionVector: Hashable, Sendable, Codable, CustomStringConvertible {
    public private(set) var entries: [NodeID: UInt64]

    public init(_ entries: [NodeID: UInt64] = [:]) {
        self.entries = entries.filter { $0.value > 0 }
    }

    public subscript(node: NodeID) -> UInt64 { entries[node] ?? 0 }

    public var isEmpty: Bool { entries.isEmpty }

    /// Whether the event `dot` is covered (seen) by this vector.
    public func contains(_ dot: Dot) -> Bool { self[dot.node] >= dot.seq }

    /// Raises the entry of `dot.node` to at least `dot.seq`.
    public mutating func record(_ dot: Dot) {
        if dot.seq > self[dot.node] { entries[dot.node] = dot.seq }
    }

    /// Entry-wise maximum.
    public func merged(with other: VersionVector) -> VersionVector {
        var out = self
        out.merge(other)
        return out
    }

    public mutating func merge(_ other: VersionVector) {
        for (node, seq) in other.entries where seq > self[node] { entries[node] = seq }
    }

    /// Compares two vectors: `before` means every entry of self ≤ other and at least one is smaller.
    public func compare(_ other: VersionVector) -> CausalOrder {
        var less = false
        var greater = false
        for (node, seq) in entries {
            let o = other[node]
            if seq < o { less = true } else if seq > o { greater = true }
        }
        for (node, seq) in other.entries where entries[node] == nil && seq > 0 { less = true }
        switch (less, greater) {
        case (false, false): return .equal
        case (true, false): return .before
        case (false, true): return .after
        case (true, true): return .concurrent
        }
    }

    /// `self ≤ other` entry-wise.
    public func isCovered(by other: VersionVector) -> Bool {
        let o = compare(other)
        return o == .equal || o == .before
    }

    /// The entries as dots, sorted (for canonical output).
    public var dots: [Dot] { entries.map { Dot(node: $0.key, seq: $0.value) }.sorted() }

    public var description: String { "{" + dots.map { "\($0.node):\($0.seq)" }.joined(separator: ",") + "}" }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode([String: UInt64].self)
        self.init(Dictionary(uniqueKeysWithValues: raw.map { (NodeID($0.key), $0.value) }))
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(Dictionary(uniqueKeysWithValues: entries.map { ($0.key.rawValue, $0.value) }))
    }
}
