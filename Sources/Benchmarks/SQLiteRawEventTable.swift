import NodeStore

/// The bare table the raw figures insert event rows into: the node's `events` table as its
/// schema defines it (same key, same indexes), with nothing else around it. The raw figures of
/// `pull` and `bootstrap`, which compare with a node database, use the node's page size
/// (`pageSize`); `hub-ingest` keeps the hub's (SQLite's default).
enum SQLiteRawEventTable {
    static let create = """
        CREATE TABLE events (
            node TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, kind TEXT NOT NULL,
            hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, body BLOB NOT NULL,
            UNIQUE (node, seq)) STRICT;
        CREATE INDEX events_by_record ON events (record, node, seq);
        """

    /// A node database's page size, to set on a new raw file before its first page is written.
    static let pageSize = "PRAGMA page_size = \(NodeDatabase.nodePageSize)"
}
