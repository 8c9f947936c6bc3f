/// A hybrid logical clock stamp (Kulkarni et al., 2014): wall milliseconds plus a logical counter.
/// Stamps order events for tie-breaks and business display; causality itself comes from version vectors.
public struct HLCTimestamp: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var wall: Int64
    public var logical: UInt32
    public init(wall: Int64, logical: UInt32 = 0) {
        self.wall = wall
        self.logical = logical
    }
    public static func < (a: HLCTimestamp, b: HLCTimestamp) -> Bool { (a.wall, a.logical) < (b.wall, b.logical) }
    public var description: String { "\(wall).\(logical)" }
}

/// The clock state of one replica. A value type: time is passed in, nothing is read.
public struct HybridLogicalClock: Hashable, Sendable, Codable {
    public private(set) var last: HLCTimestamp
    /// How far ahead of local wall time a remote stamp may be before it is clamped.
    public var maxDriftMillis: Int64

    public init(last: HLCTimestamp = HLCTimestamp(wall: 0), maxDriftMillis: Int64 = 60_000) {
        self.last = last
        self.maxDriftMillis = maxDriftMillis
    }

    /// A stamp for a local event at wall time `now`.
    public mutating func tick(now: Int64) -> HLCTimestamp {
        if now > last.wall {
            last = HLCTimestamp(wall: now)
        } else {
            last = HLCTimestamp(wall: last.wall, logical: last.logical &+ 1)
        }
        return last
    }

    /// Takes in a stamp seen from elsewhere (another node, the hub). A stamp further in the future
    /// than `maxDriftMillis` is clamped to `now + maxDriftMillis` so one bad clock cannot drag
    /// every replica's clock ahead; `clamped` says it happened.
    @discardableResult
    public mutating func observe(_ remote: HLCTimestamp, now: Int64) -> (stamp: HLCTimestamp, clamped: Bool) {
        var r = remote
        var clamped = false
        if r.wall > now + maxDriftMillis {
            r = HLCTimestamp(wall: now + maxDriftMillis)
            clamped = true
        }
        let wall = max(last.wall, r.wall, now)
        let logical: UInt32
        if wall == last.wall && wall == r.wall {
            logical = max(last.logical, r.logical) &+ 1
        } else if wall == last.wall {
            logical = last.logical &+ 1
        } else if wall == r.wall {
            logical = r.logical &+ 1
        } else {
            logical = 0
        }
        last = HLCTimestamp(wall: wall, logical: logical)
        return (last, clamped)
    }
}
