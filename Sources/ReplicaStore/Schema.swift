import GRDB

/// The node's schema. Migrations are never edited once shipped: add a new one instead.
enum Schema {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;

                    -- Every event this replica holds, its own and others', keyed by dot.
                    CREATE TABLE events (
                        node TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, kind TEXT NOT NULL,
                        hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, body BLOB NOT NULL,
                        PRIMARY KEY (node, seq)) WITHOUT ROWID, STRICT;
                    CREATE INDEX events_by_record ON events (record);

                    -- This node's events the hub has not acknowledged yet.
                    CREATE TABLE outbox (seq INTEGER PRIMARY KEY NOT NULL) STRICT;

                    -- Projections: derived from events, maintained in the same transaction.
                    -- One row per record: its version vector (`node:seq,…`) and how many of its events wait
                    -- for causal predecessors. A record's state is the fold of its few events.
                    CREATE TABLE records (
                        key TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL, vector TEXT NOT NULL,
                        pending INTEGER NOT NULL) WITHOUT ROWID, STRICT;
                    CREATE INDEX records_by_kind ON records (kind);
                    CREATE TABLE record_exceptions (
                        id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL, code TEXT NOT NULL, severity TEXT NOT NULL,
                        message TEXT NOT NULL) WITHOUT ROWID, STRICT;
                    CREATE INDEX record_exceptions_by_record ON record_exceptions (record);
                    CREATE TABLE stock (
                        store TEXT NOT NULL, location TEXT NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL,
                        PRIMARY KEY (store, location, sku)) WITHOUT ROWID, STRICT;
                    CREATE INDEX stock_by_sku ON stock (sku);
                    CREATE TABLE sale_lines (
                        sale TEXT NOT NULL, line INTEGER NOT NULL, sold INTEGER NOT NULL, returned INTEGER NOT NULL,
                        PRIMARY KEY (sale, line)) WITHOUT ROWID, STRICT;
                    CREATE TABLE serials (
                        sale TEXT NOT NULL, serial TEXT NOT NULL, sold INTEGER NOT NULL, returned INTEGER NOT NULL,
                        PRIMARY KEY (sale, serial)) WITHOUT ROWID, STRICT;
                    CREATE INDEX serials_by_serial ON serials (serial);
                    CREATE TABLE store_credit (
                        customer TEXT NOT NULL, currency TEXT NOT NULL, balance INTEGER NOT NULL,
                        PRIMARY KEY (customer, currency)) WITHOUT ROWID, STRICT;
                    CREATE TABLE ledger (
                        account TEXT NOT NULL, currency TEXT NOT NULL, balance INTEGER NOT NULL,
                        PRIMARY KEY (account, currency)) WITHOUT ROWID, STRICT;
                    CREATE TABLE journal (
                        record TEXT NOT NULL, position INTEGER NOT NULL, reference TEXT NOT NULL, store TEXT NOT NULL,
                        date INTEGER NOT NULL, memo TEXT NOT NULL, account TEXT NOT NULL, amount INTEGER NOT NULL,
                        currency TEXT NOT NULL, PRIMARY KEY (record, position)) WITHOUT ROWID, STRICT;
                    CREATE TABLE returns (
                        id TEXT PRIMARY KEY NOT NULL, store TEXT NOT NULL, sale TEXT, customer TEXT, status TEXT NOT NULL,
                        type TEXT NOT NULL, gross INTEGER NOT NULL, currency TEXT NOT NULL, requested_at INTEGER NOT NULL
                    ) WITHOUT ROWID, STRICT;
                    CREATE INDEX returns_by_customer ON returns (customer);
                    CREATE INDEX returns_by_sale ON returns (sale);
                    CREATE TABLE sales (
                        id TEXT PRIMARY KEY NOT NULL, store TEXT NOT NULL, customer TEXT, sold_at INTEGER NOT NULL,
                        total INTEGER NOT NULL, currency TEXT NOT NULL) WITHOUT ROWID, STRICT;
                    CREATE INDEX sales_by_customer ON sales (customer);
                    CREATE TABLE customers (
                        id TEXT PRIMARY KEY NOT NULL, name TEXT, phone TEXT, email TEXT) WITHOUT ROWID, STRICT;
                    CREATE INDEX customers_by_phone ON customers (phone);
                    """)
        }
        m.registerMigration("v2.escrow") { db in
            // The node's record of returns taken against other stores' sale lines (escrow,
            // DESIGN §4, NodeEscrow.swift): on what authority, and for what value. Local
            // bookkeeping, never synced.
            try db.execute(
                sql: """
                    CREATE TABLE escrow_uses (
                        return_id TEXT PRIMARY KEY NOT NULL, record TEXT NOT NULL, sale TEXT NOT NULL, basis TEXT NOT NULL,
                        claim TEXT, value INTEGER NOT NULL, currency TEXT NOT NULL, recorded_at INTEGER NOT NULL
                    ) WITHOUT ROWID, STRICT;
                    CREATE INDEX escrow_uses_by_time ON escrow_uses (recorded_at);
                    """)
        }
        m.registerMigration("v3.records-by-key") { db in
            // Records of one kind are a range of the primary key (`kind:id`), so this index only
            // cost a page write per new record.
            try db.execute(sql: "DROP INDEX records_by_kind")
        }
        m.registerMigration("v4.events-rowid-outbox-watermark") { db in
            // A return's commit appends every page it changed to the WAL, and fsync's time grows
            // with those bytes. Two changes cut them:
            //
            // - `events` becomes a rowid table with (node, seq) unique. As a `WITHOUT ROWID` table
            //   it kept at most about a quarter of a page of a row on its leaf, so at the small
            //   pages new node databases use (`NodeDatabase.nodePageSize`) every event body spilled
            //   onto an overflow page of its own; a rowid table keeps a row of up to a page.
            // - The outbox is no longer a table. Its rows were always this node's events above the
            //   last seq the hub acknowledged (`author` appends, acknowledging removes a prefix,
            //   a requeue puts back a suffix), so `meta.outbox.acked` says the same with no row per
            //   event.
            //
            // `events_by_record` carries (node, seq): a record's events are read in dot order,
            // which the rowid table no longer gives for free (without them every read sorts).
            try db.execute(
                sql: """
                    CREATE TABLE events_v4 (
                        node TEXT NOT NULL, seq INTEGER NOT NULL, record TEXT NOT NULL, kind TEXT NOT NULL,
                        hlc_wall INTEGER NOT NULL, hlc_logical INTEGER NOT NULL, body BLOB NOT NULL,
                        UNIQUE (node, seq)) STRICT;
                    INSERT INTO events_v4 (node, seq, record, kind, hlc_wall, hlc_logical, body)
                        SELECT node, seq, record, kind, hlc_wall, hlc_logical, body FROM events ORDER BY node, seq;
                    DROP TABLE events;
                    ALTER TABLE events_v4 RENAME TO events;
                    CREATE INDEX events_by_record ON events (record, node, seq);
                    INSERT INTO meta (key, value) VALUES ('outbox.acked', COALESCE(
                        (SELECT CAST(MIN(seq) - 1 AS TEXT) FROM outbox),
                        (SELECT value FROM meta WHERE key = 'seq'),
                        '0'));
                    DROP TABLE outbox;
                    """)
        }
        m.registerMigration("v5.meta-without-rowid") { db in
            // Every command reads `meta` (seq, clock, a document counter) and writes it back at
            // flush. As a rowid table with a text key, each of those rows was two B-tree searches,
            // the key's index and then the row; keyed by its text directly it is one.
            try db.execute(
                sql: """
                    CREATE TABLE meta_v5 (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) WITHOUT ROWID, STRICT;
                    INSERT INTO meta_v5 (key, value) SELECT key, value FROM meta;
                    DROP TABLE meta;
                    ALTER TABLE meta_v5 RENAME TO meta;
                    """)
        }
        m.registerMigration("v6.api-tokens") { db in
            // The keys the node's own API accepts (tills, the desk): this node's alone, never
            // replicated. Only each key's SHA-256 is kept; a revoked key keeps its row so that
            // `node token list` shows when it stopped working.
            try db.execute(
                sql: """
                    CREATE TABLE api_tokens (
                        name TEXT PRIMARY KEY NOT NULL,
                        secret_hash TEXT NOT NULL UNIQUE,
                        created_at INTEGER NOT NULL,
                        revoked_at INTEGER
                    ) STRICT;
                    """)
        }
        m.registerMigration("v7.idempotency") { db in
            // Requests to the node's API by their `Idempotency-Key`: the request's digest, claimed
            // in the transaction that carries the request out, and the answer given, kept to answer
            // a retry the same way. This node's alone, never replicated.
            try db.execute(
                sql: """
                    CREATE TABLE idempotency (
                        key TEXT PRIMARY KEY NOT NULL,
                        digest TEXT NOT NULL,
                        status INTEGER,
                        body BLOB,
                        created_at INTEGER NOT NULL
                    ) STRICT;
                    """)
        }
        m.registerMigration("v8.staff-sessions") { db in
            // Staff signed in at this node's desk: a token's SHA-256, whose it is and until when.
            // This node's alone, never replicated.
            try db.execute(
                sql: """
                    CREATE TABLE staff_sessions (
                        token_hash TEXT PRIMARY KEY NOT NULL,
                        staff TEXT NOT NULL,
                        expires_at INTEGER NOT NULL
                    ) STRICT;
                    """)
        }
        return m
    }
}
