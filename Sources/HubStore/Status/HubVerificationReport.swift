/// What `HubStore.verify()` found.
public struct HubVerificationReport: Hashable, Sendable, Codable {
    /// The database's own consistency check ("ok" when sound).
    public var integrity: String
    public var events: Int
    public var records: Int
    /// Entries in the feed; equals `events` on a sound hub.
    public var feed: Int
    /// Every difference between the projections and a rebuild from the events, and between the
    /// hub's bookkeeping (feed, acknowledged seqs) and the events it holds.
    public var mismatches: [String]

    public var isOK: Bool { integrity == "ok" && mismatches.isEmpty }

    public init(integrity: String, events: Int, records: Int, feed: Int, mismatches: [String]) {
        self.integrity = integrity
        self.events = events
        self.records = records
        self.feed = feed
        self.mismatches = mismatches
    }
}
