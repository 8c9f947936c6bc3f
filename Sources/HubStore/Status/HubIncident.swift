public import Foundation
public import Replication

/// Something refused in sync that head office must look at:
/// - `sync.dotConflict`: a node offered an event under a dot the hub already holds with different
///   content — a node restored from an old backup, or a cloned database, is writing a second
///   history under the same node id;
/// - `feed.refused`: a node refused to take in an event of the hub's feed (it failed the node's
///   admission check); the node stops pulling at that event until it is resolved.
///
/// `node` and `dot` name the event concerned (its author and seq).
public struct HubIncident: Hashable, Sendable, Codable {
    /// The backend's id for the incident.
    public var id: Int64
    /// `sync.dotConflict`.
    public var code: String
    public var node: NodeID
    /// The first dot of the change set whose content differed from the hub's.
    public var dot: Dot
    /// A digest of the offered (refused) event's content: the same offer retried is one incident.
    public var offeredDigest: String
    /// Wall-clock milliseconds of the first and latest time the same offer was refused.
    public var firstSeenAt: Int64
    public var lastSeenAt: Int64
    /// How many times the same offer was refused.
    public var occurrences: Int
    public var message: String

    public init(
        id: Int64, code: String, node: NodeID, dot: Dot, offeredDigest: String, firstSeenAt: Int64, lastSeenAt: Int64,
        occurrences: Int, message: String
    ) {
        self.id = id
        self.code = code
        self.node = node
        self.dot = dot
        self.offeredDigest = offeredDigest
        self.firstSeenAt = firstSeenAt
        self.lastSeenAt = lastSeenAt
        self.occurrences = occurrences
        self.message = message
    }

    /// The code of a node's refusal of a feed event.
    public static let feedRefusedCode = "feed.refused"

    /// How every backend records `refuser`'s refusal of `dot` from the feed: the digest tells
    /// refusals by different nodes or for different reasons apart; the same one again is counted.
    public static func feedRefusal(of dot: Dot, by refuser: NodeID, code: String, message: String) -> (
        digest: String, message: String
    ) {
        (
            ReplicaState.fnv1a64("\(refuser) \(code)"),
            "node \(refuser) refused \(dot) from the feed (\(code)): \(message)"
        )
    }

    /// A digest of an event's content (FNV-1a over its JSON with sorted keys), the same in every
    /// backend. Not cryptographic: it tells offers apart, it does not authenticate.
    public static func digest(of event: Event) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let text = (try? encoder.encode(event)).map { String(decoding: $0, as: UTF8.self) } ?? "\(event)"
        return ReplicaState.fnv1a64(text)
    }
}
