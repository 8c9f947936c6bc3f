/// The bare table the raw figures insert event rows into: the node's `events` table as its
/// schema defines it (same key, same index), with nothing else around it.
enum SQLiteRawEventTable {
    static let create = """
        CREATE TABLE events (
            node TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, kind TEXT NOT NULL,
            hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, body BLOB NOT NULL,
            PRIMARY KEY (node, seq)) WITHOUT ROWID, STRICT;
        CREATE INDEX events_by_record ON events (record);
        """
}
