/// Whether a replica is an older copy of itself (restored from a backup, or cloned): the hub holds
/// more of the replica's own events than the replica does (Protocol/sync.md §3.1). Such a replica
/// would reuse seqs and document numbers already given out, so it must stop authoring.
public enum RestoredReplica {
    /// Why the replica is older than the hub's copy of its history, or nil when it is not.
    public static func reason(hubAcked: UInt64, ownLastSeq: UInt64) -> String? {
        guard hubAcked > ownLastSeq else { return nil }
        return "the hub holds its events up to seq \(hubAcked), this database only up to \(ownLastSeq)"
    }

    /// Why, when the hub refused a push because it holds other events under the replica's seqs.
    public static let dotConflictReason = "the hub holds a different event under one of this node's seqs"
}
