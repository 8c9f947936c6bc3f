public import Foundation

/// `GET /sync/v1/snapshot` (Protocol/sync.md §4): newline-delimited JSON, one object per line.
///
/// 1. The first line is the header, `SnapshotHeader`: `{"epoch":"…","events":1000000}`.
/// 2. Then one line per event: the JSON of `Event`, exactly as in a pull page's `event`.
/// 3. The last line is the end object, `SnapshotEnd`: `{"end":{"checkpoint":1180,"events":1000000}}`,
///    the only line whose object has the single key `end`.
///
/// A body that stops before the end line is truncated (the hub failed mid-stream or the
/// connection broke): the node discards everything it read and tries again later.
public enum SnapshotWire {
    public static let route = "/sync/v1/snapshot"
    /// Newline-delimited JSON.
    public static let mediaType = "application/x-ndjson"

    /// Whether `line` is the end object: its first key is `end`. (An event's keys are `dot`,
    /// `record`, `context`, `hlc`, `staff`, `schemaVersion` and `payload`, never `end`.)
    public static func isEnd(_ line: some Collection<UInt8>) -> Bool {
        var i = line.startIndex
        func skipSpace() {
            while i != line.endIndex, [0x20, 0x09, 0x0D].contains(line[i]) { i = line.index(after: i) }
        }
        skipSpace()
        guard i != line.endIndex, line[i] == UInt8(ascii: "{") else { return false }
        i = line.index(after: i)
        skipSpace()
        for b in Array("\"end\"".utf8) {
            guard i != line.endIndex, line[i] == b else { return false }
            i = line.index(after: i)
        }
        return true
    }

    /// Splits NDJSON bytes into lines as they arrive over the network.
    public struct LineSplitter {
        private var pending: [UInt8] = []
        public init() {}

        /// The complete lines in `pending` + `bytes` (without their `\n`); keeps the rest.
        public mutating func lines(appending bytes: some Collection<UInt8>) -> [Data] {
            var out: [Data] = []
            var start = 0
            pending.append(contentsOf: bytes)
            pending.withUnsafeBufferPointer { buffer in
                var i = 0
                let n = buffer.count
                while i < n {
                    if buffer[i] == 0x0A {
                        if i > start { out.append(Data(buffer[start..<i])) }
                        start = i + 1
                    }
                    i += 1
                }
            }
            pending.removeFirst(start)
            return out
        }

        /// Bytes after the last line break (a well-formed body leaves none).
        public var remainder: Int { pending.count }
    }
}

/// The first line of a snapshot.
public struct SnapshotHeader: Hashable, Sendable, Codable {
    /// The hub database's epoch, stored by the node with the checkpoint.
    public var epoch: String
    /// How many event lines follow, when the hub knows it up front (for progress).
    public var events: Int?
    public init(epoch: String, events: Int?) {
        self.epoch = epoch
        self.events = events
    }
}

/// The last line of a snapshot: `{"end": {...}}`.
public struct SnapshotEnd: Hashable, Sendable, Codable {
    public struct Body: Hashable, Sendable, Codable {
        /// Pull after this next: every relevant event up to it was in the snapshot, exactly once.
        public var checkpoint: UInt64
        /// How many event lines the snapshot carried; the node checks it read as many.
        public var events: Int
        public init(checkpoint: UInt64, events: Int) {
            self.checkpoint = checkpoint
            self.events = events
        }
    }
    public var end: Body
    public init(checkpoint: UInt64, events: Int) { end = Body(checkpoint: checkpoint, events: events) }
}
