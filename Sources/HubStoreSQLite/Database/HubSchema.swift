import GRDB
import HubStore

/// The hub's own tables, next to the replica schema it shares with store nodes. Migrations are
/// never edited once shipped: add a new one instead.
enum HubSchema {
    static func register(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("hub.v1") { db in
            // Only a new database or a hub may get the hub's tables: a store node's file given by
            // mistake is refused before anything in it changes.
            if let node = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'node'"),
                node != SQLiteHubStore.hubNode.rawValue
            {
                throw HubError(
                    code: HubError.Code.notAHub, message: "this database is the replica of node \(node), not a hub")
            }
            try db.execute(
                sql: """
                    -- The epoch is minted here, once, when the hub database is created.
                    CREATE TABLE hub_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL) STRICT;
                    INSERT INTO hub_meta (key, value) VALUES ('epoch', lower(hex(randomblob(16))));

                    -- Enrolled nodes: the credential (only the secret's hash) and sync progress.
                    CREATE TABLE hub_nodes (
                        node TEXT PRIMARY KEY NOT NULL, store TEXT, role TEXT NOT NULL,
                        secret_hash TEXT NOT NULL UNIQUE, revoked INTEGER NOT NULL DEFAULT 0,
                        enrolled_at INTEGER NOT NULL, acked INTEGER NOT NULL DEFAULT 0,
                        last_push_at INTEGER, last_pull_at INTEGER, pulled_checkpoint INTEGER NOT NULL DEFAULT 0
                    ) WITHOUT ROWID, STRICT;

                    -- The feed: one row per event, in commit order. `scope` is the store of a
                    -- store-private record (FeedRelevance), NULL for what every node receives.
                    CREATE TABLE hub_feed (
                        hub_seq INTEGER PRIMARY KEY, node TEXT NOT NULL, seq INTEGER NOT NULL, scope TEXT,
                        UNIQUE (node, seq)) STRICT;

                    -- Refused pushes for head office: one row per distinct offer, counted.
                    CREATE TABLE hub_incidents (
                        id INTEGER PRIMARY KEY, code TEXT NOT NULL, node TEXT NOT NULL, seq INTEGER NOT NULL,
                        offered_digest TEXT NOT NULL, message TEXT NOT NULL, first_at INTEGER NOT NULL,
                        last_at INTEGER NOT NULL, occurrences INTEGER NOT NULL,
                        UNIQUE (node, seq, offered_digest)) STRICT;
                    """)
        }
        migrator.registerMigration("hub.v2") { db in
            try db.execute(
                sql: """
                    -- Channel requests by idempotency key: the request's digest and the answer given.
                    CREATE TABLE hub_idempotency (
                        channel TEXT NOT NULL, key TEXT NOT NULL, request_digest TEXT NOT NULL,
                        receipt BLOB NOT NULL, created_at INTEGER NOT NULL,
                        PRIMARY KEY (channel, key)) WITHOUT ROWID, STRICT;

                    -- Head office's resolutions of exceptions, keyed by the exception's stable id.
                    CREATE TABLE hub_resolutions (
                        id TEXT PRIMARY KEY NOT NULL, note TEXT NOT NULL, resolved_by TEXT NOT NULL,
                        resolved_at INTEGER NOT NULL) WITHOUT ROWID, STRICT;
                    """)
        }
        migrator.registerMigration("hub.v3") { db in
            try db.execute(
                sql: """
                    -- Head office asks for one SKU across every store (1,000 stores: a thousand rows).
                    -- The replica's index on `sku` alone made each row a look-up in the table; this one
                    -- answers from the index, in store and location order. It replaces that index.
                    CREATE INDEX hub_stock_by_sku ON stock (sku, store, location, quantity);
                    DROP INDEX IF EXISTS stock_by_sku;
                    """)
        }
        migrator.registerMigration("hub.v4") { db in
            try db.execute(
                sql: """
                    -- Escrow claims (DESIGN §4): one row per claimed sale line of a node's return.
                    CREATE TABLE hub_escrow_claims (
                        node TEXT NOT NULL, return_id TEXT NOT NULL, line INTEGER NOT NULL, sale TEXT NOT NULL,
                        quantity INTEGER NOT NULL, holder TEXT NOT NULL, granted_at INTEGER NOT NULL,
                        expires_at INTEGER NOT NULL, PRIMARY KEY (node, return_id, line)) WITHOUT ROWID, STRICT;
                    CREATE INDEX hub_escrow_claims_by_sale ON hub_escrow_claims (sale, expires_at);
                    """)
        }
        migrator.registerMigration("hub.v5") { db in
            try db.execute(
                sql: """
                    -- The hub feed's subscribers (HubFeedTail): how far each has been handed the feed.
                    CREATE TABLE hub_subscribers (
                        name TEXT PRIMARY KEY NOT NULL, checkpoint INTEGER NOT NULL) WITHOUT ROWID, STRICT;
                    """)
        }
        migrator.registerMigration("hub.v6") { db in
            try db.execute(
                sql: """
                    -- Head-office users and their sign-ins: the hub's own, never in the feed.
                    -- Roles are comma-separated; passwords and tokens are kept only as hashes.
                    CREATE TABLE hub_users (
                        id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, roles TEXT NOT NULL,
                        password_hash TEXT NOT NULL, language TEXT, active INTEGER NOT NULL,
                        failures INTEGER, failures_since INTEGER) WITHOUT ROWID, STRICT;
                    CREATE TABLE hub_sessions (
                        token_hash TEXT PRIMARY KEY NOT NULL, csrf_hash TEXT NOT NULL, user TEXT NOT NULL,
                        expires_at INTEGER NOT NULL) WITHOUT ROWID, STRICT;
                    CREATE INDEX hub_sessions_by_user ON hub_sessions (user);
                    """)
        }
    }
}
