package import GRDB

/// The outbox: this node's events the hub has not acknowledged yet. It is not a table: the node
/// authors its events with consecutive seqs, the hub acknowledges a prefix of them, and a requeue
/// (for a hub that lost some) puts back a suffix, so the outbox is always every own event above
/// one seq, `meta.outbox.acked` (schema migration v4).
package enum Outbox {
    /// SQL for the acknowledged seq, to compare an own event's `seq` with.
    package static let acknowledged = "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'outbox.acked')"

    /// The hub holds every own event up to `seq`. Never beyond the last seq authored: an
    /// acknowledgement of more than there is must not take events authored later out of the outbox.
    package static func acknowledge(_ db: Database, through seq: UInt64) throws {
        try db.execute(
            sql: """
                UPDATE meta SET value = CAST(MAX(CAST(value AS INTEGER),
                    MIN(?, (SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'seq'))) AS TEXT)
                WHERE key = 'outbox.acked'
                """,
            arguments: [Int64(clamping: seq)])
    }
}
