import HubStore
import Logging
import PostgresNIO
import ReturnsDomain

/// The hub's PostgreSQL schema. Migrations are append-only: a shipped one is never edited, a
/// change is a new one. Each is applied in its own transaction under an advisory lock, so several
/// hub processes starting together apply each migration once.
///
/// The tables mirror the embedded hub's (the store node's replica schema plus the hub's own), with
/// the feed folded into `hub_events`: each event row carries its hub sequence number and scope.
enum PostgresSchema {
    /// `(name, statements)`, in order.
    static let migrations: [(String, [String])] = [
        (
            "hub.pg.v1",
            [
                "CREATE TABLE hub_meta (key text PRIMARY KEY, value text NOT NULL)",
                // The feed head: the highest hub sequence number handed out. One row, locked by each
                // push from the moment it numbers its events until it commits.
                "CREATE TABLE hub_feed_head (id int PRIMARY KEY CHECK (id = 1), head bigint NOT NULL)",
                "INSERT INTO hub_feed_head (id, head) VALUES (1, 0)",
                """
                CREATE TABLE hub_nodes (
                    node text PRIMARY KEY, store text, role text NOT NULL, secret_hash text NOT NULL UNIQUE,
                    revoked boolean NOT NULL DEFAULT false, enrolled_at bigint NOT NULL, acked bigint NOT NULL DEFAULT 0,
                    last_push_at bigint, last_pull_at bigint, pulled_checkpoint bigint NOT NULL DEFAULT 0)
                """,
                // Every event the hub holds, keyed by dot, with its place in the feed. `scope` is the
                // store of a store-private record (FeedRelevance), NULL for what every node receives.
                """
                CREATE TABLE hub_events (
                    node text NOT NULL, seq bigint NOT NULL, record text NOT NULL, record_kind text NOT NULL,
                    kind text NOT NULL, hlc_wall bigint NOT NULL, hlc_logical bigint NOT NULL, body bytea NOT NULL,
                    hub_seq bigint NOT NULL UNIQUE, scope text, PRIMARY KEY (node, seq))
                """,
                "CREATE INDEX hub_events_by_record ON hub_events (record)",
                "CREATE INDEX hub_events_by_record_kind ON hub_events (record_kind, record)",
                """
                CREATE TABLE hub_incidents (
                    id bigserial PRIMARY KEY, code text NOT NULL, node text NOT NULL, seq bigint NOT NULL,
                    offered_digest text NOT NULL, message text NOT NULL, first_at bigint NOT NULL,
                    last_at bigint NOT NULL, occurrences bigint NOT NULL, UNIQUE (node, seq, offered_digest))
                """,
                """
                CREATE TABLE hub_idempotency (
                    channel text NOT NULL, key text NOT NULL, request_digest text NOT NULL, receipt bytea NOT NULL,
                    created_at bigint NOT NULL, PRIMARY KEY (channel, key))
                """,
                """
                CREATE TABLE hub_resolutions (
                    id text PRIMARY KEY, note text NOT NULL, resolved_by text NOT NULL, resolved_at bigint NOT NULL)
                """,
                // Projections, maintained in the push's transaction (as on the embedded hub).
                "CREATE TABLE records (key text PRIMARY KEY, kind text NOT NULL, vector text NOT NULL, pending int NOT NULL)",
                "CREATE INDEX records_by_kind ON records (kind)",
                """
                CREATE TABLE record_exceptions (
                    id text PRIMARY KEY, record text NOT NULL, code text NOT NULL, severity text NOT NULL, message text NOT NULL)
                """,
                "CREATE INDEX record_exceptions_by_record ON record_exceptions (record)",
                """
                CREATE TABLE stock (
                    store text NOT NULL, location text NOT NULL, sku text NOT NULL, quantity bigint NOT NULL,
                    PRIMARY KEY (store, location, sku))
                """,
                "CREATE INDEX stock_by_sku ON stock (sku)",
                """
                CREATE TABLE sale_lines (
                    sale text NOT NULL, line bigint NOT NULL, sold bigint NOT NULL, returned bigint NOT NULL,
                    PRIMARY KEY (sale, line))
                """,
                """
                CREATE TABLE serials (
                    sale text NOT NULL, serial text NOT NULL, sold bigint NOT NULL, returned bigint NOT NULL,
                    PRIMARY KEY (sale, serial))
                """,
                """
                CREATE TABLE store_credit (
                    customer text NOT NULL, currency text NOT NULL, balance bigint NOT NULL, PRIMARY KEY (customer, currency))
                """,
                """
                CREATE TABLE ledger (
                    account text NOT NULL, currency text NOT NULL, balance bigint NOT NULL, PRIMARY KEY (account, currency))
                """,
                """
                CREATE TABLE journal (
                    record text NOT NULL, position bigint NOT NULL, reference text NOT NULL, store text NOT NULL,
                    date bigint NOT NULL, memo text NOT NULL, account text NOT NULL, amount bigint NOT NULL,
                    currency text NOT NULL, PRIMARY KEY (record, position))
                """,
                "CREATE INDEX journal_by_store ON journal (store)",
                """
                CREATE TABLE returns (
                    id text PRIMARY KEY, store text NOT NULL, sale text, customer text, status text NOT NULL,
                    type text NOT NULL, gross bigint NOT NULL, currency text NOT NULL, requested_at bigint NOT NULL)
                """,
                "CREATE INDEX returns_by_customer ON returns (customer)",
                "CREATE INDEX returns_by_sale ON returns (sale)",
                "CREATE INDEX returns_by_requested ON returns (requested_at DESC, id DESC)",
                """
                CREATE TABLE sales (
                    id text PRIMARY KEY, store text NOT NULL, customer text, sold_at bigint NOT NULL, total bigint NOT NULL,
                    currency text NOT NULL)
                """,
                "CREATE TABLE customers (id text PRIMARY KEY, name text, phone text, email text)",
            ]
        ),
        (
            "hub.pg.v2",
            [
                // Escrow claims (DESIGN §4): one row per claimed sale line of a node's return.
                """
                CREATE TABLE hub_escrow_claims (
                    node text NOT NULL, return_id text NOT NULL, line bigint NOT NULL, sale text NOT NULL,
                    quantity bigint NOT NULL, holder text NOT NULL, granted_at bigint NOT NULL,
                    expires_at bigint NOT NULL, PRIMARY KEY (node, return_id, line))
                """,
                "CREATE INDEX hub_escrow_claims_by_sale ON hub_escrow_claims (sale, expires_at)",
            ]
        ),
        (
            "hub.pg.v3",
            [
                // The hub feed's subscribers (HubFeedTail): how far each has been handed the feed.
                // A delivery holds its subscriber's row locked, so hub processes take turns.
                "CREATE TABLE hub_subscribers (name text PRIMARY KEY, checkpoint bigint NOT NULL)"
            ]
        ),
        (
            "hub.pg.v4",
            [
                // Head-office users and their sign-ins: the hub's own, never in the feed. Roles are
                // comma-separated; passwords and tokens are kept only as hashes.
                """
                CREATE TABLE hub_users (
                    id text PRIMARY KEY, name text NOT NULL, roles text NOT NULL, password_hash text NOT NULL,
                    language text, active boolean NOT NULL, failures int, failures_since bigint)
                """,
                """
                CREATE TABLE hub_sessions (
                    token_hash text PRIMARY KEY, csrf_hash text NOT NULL, "user" text NOT NULL,
                    expires_at bigint NOT NULL)
                """,
                #"CREATE INDEX hub_sessions_by_user ON hub_sessions ("user")"#,
            ]
        ),
    ]

    /// Applies the migrations the database lacks; returns the names applied.
    @discardableResult
    static func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            try await connection.query(
                "CREATE TABLE IF NOT EXISTS hub_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                logger: logger)
            var applied: [String] = []
            for (name, statements) in migrations {
                try await connection.query("BEGIN", logger: logger)
                do {
                    // One migrator at a time across every hub process.
                    try await connection.query("SELECT pg_advisory_xact_lock(7261537)", logger: logger)
                    let done = try await connection.query(
                        "SELECT 1 FROM hub_migrations WHERE name = \(name)", logger: logger
                    ).collect()
                    if done.isEmpty {
                        for statement in statements {
                            try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                        }
                        try await connection.query("INSERT INTO hub_migrations (name) VALUES (\(name))", logger: logger)
                        applied.append(name)
                    }
                    try await connection.query("COMMIT", logger: logger)
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
            return applied
        }
    }

    /// The hub's epoch and currency; minted and recorded on first use of a new database.
    static func identity(_ client: PostgresClient, currency: Currency, logger: Logger) async throws -> (
        String, Currency
    ) {
        try await client.withConnection { connection in
            try await connection.query(
                """
                INSERT INTO hub_meta (key, value) VALUES ('epoch', replace(gen_random_uuid()::text, '-', '')),
                ('currency', \(currency.rawValue)) ON CONFLICT (key) DO NOTHING
                """, logger: logger)
            var epoch: String?
            var stored: String?
            for try await (key, value) in try await connection.query(
                "SELECT key, value FROM hub_meta WHERE key IN ('epoch', 'currency')", logger: logger
            ).decode((String, String).self) {
                if key == "epoch" { epoch = value } else { stored = value }
            }
            guard let epoch, let stored else {
                throw HubError(code: HubError.Code.corrupt, message: "the hub database has no epoch")
            }
            return (epoch, Currency(stored))
        }
    }
}
