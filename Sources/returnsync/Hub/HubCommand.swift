import ArgumentParser
import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubStorePostgres
import HubStoreSQLite
import Hummingbird
import Logging
import Replication
import ReturnsDomain
import ServiceLifecycle

/// `returnsync hub …`: head office's hub, on embedded SQLite or on PostgreSQL.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: CLIWords.text(
            "cli.help.hub.about",
            english: "Run head office's hub: it merges every store's events and serves the company-wide view."),
        discussion: """
            Set up once with `hub init`, enrol each store's node with `hub enroll` (it prints the \
            node's token once; the hub keeps only its hash), and run `hub serve`. Nodes then push \
            their outboxes and pull what they need; see Protocol/sync.md.

            Storage: `--data DIR` keeps the hub in one SQLite file (one hub process). `--database \
            postgres://USER@HOST:PORT/DB` (or $RETURNSYNC_HUB_DATABASE) keeps it in PostgreSQL, \
            where several `hub serve` processes can share one database behind a load balancer; \
            run `hub migrate` once per upgrade (serve also applies missing migrations). See \
            docs/operations.md.
            """,
        subcommands: [
            Init.self, Migrate.self, Enroll.self, Revoke.self, Serve.self, Status.self, Verify.self, RotateEpoch.self,
            StaffCommand.self,
            UserCommand.self,
            StoreCommand.self,
            CatalogCommand.self,
            StockCommand.self,
            PolicyCommand.self,
        ])
}

/// Where the hub keeps its data: `--data DIR` (the folder with `hub.sqlite`) or `--database URL`
/// (PostgreSQL). The environment gives defaults: $RETURNSYNC_HUB_DATABASE, then $RETURNSYNC_HUB_DATA.
struct HubFolder: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The hub's data folder for embedded SQLite (default: $RETURNSYNC_HUB_DATA).", valueName: "dir"))
    var data: String?

    @Option(
        help: ArgumentHelp(
            "A PostgreSQL database, postgres://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=disable|prefer|require] (default: $RETURNSYNC_HUB_DATABASE).",
            valueName: "url"))
    var database: String?

    /// The PostgreSQL URL to use, if the hub is on PostgreSQL.
    var databaseURL: String? {
        if data != nil && database == nil { return nil }
        return database
            ?? ProcessInfo.processInfo.environment["RETURNSYNC_HUB_DATABASE"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var path: String {
        get throws {
            guard let dir = data ?? ProcessInfo.processInfo.environment["RETURNSYNC_HUB_DATA"] else {
                throw ValidationError(
                    "input.missingData: give --data DIR or --database postgres://… (or set RETURNSYNC_HUB_DATA or RETURNSYNC_HUB_DATABASE)"
                )
            }
            return URL(fileURLWithPath: dir).appendingPathComponent("hub.sqlite").path
        }
    }

    func validate() throws {
        if data != nil && database != nil {
            throw ValidationError(
                "input.conflictingStorage: give either --data (SQLite) or --database (PostgreSQL), not both")
        }
    }

    /// The hub's store; PostgreSQL gets its missing migrations applied.
    func open(currency: Currency = Currency("EUR")) async throws -> any HubStore {
        if let url = databaseURL { return try await PostgresHubStore.connect(url: url, currency: currency) }
        return try SQLiteHubStore.open(atPath: try path)
    }

    /// The hub's store for `hub serve`'s service group: its PostgreSQL pool runs in the group.
    func openForService() async throws -> any HubStore {
        if let url = databaseURL { return try await PostgresHubStore.prepared(url: url) }
        return try SQLiteHubStore.open(atPath: try path)
    }

    /// Where the data is, for messages (a PostgreSQL URL without its password).
    var location: String {
        if let url = databaseURL, var parts = URLComponents(string: url) {
            parts.password = nil
            return parts.string ?? "PostgreSQL"
        }
        return (try? path) ?? "-"
    }
}

extension HubCommand {
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.init",
                english: "Create a hub database: SQLite in a data folder, or the tables in a PostgreSQL database."))
        @OptionGroup var folder: HubFolder
        @Option(help: "The company's currency (ISO 4217).") var currency = "EUR"

        func run() async throws {
            if folder.databaseURL != nil {
                let hub = try await folder.open(currency: Currency(currency))
                print("hub ready: \(folder.location)")
                print("epoch: \(try await hub.epoch())")
                return
            }
            let path = try folder.path
            guard !FileManager.default.fileExists(atPath: path) else {
                throw CLIError("hub.alreadyInitialised", "a hub database already exists at \(path)")
            }
            let hub = try SQLiteHubStore.create(atPath: path, currency: Currency(currency))
            print("hub created: \(path)")
            print("epoch: \(try await hub.epoch())")
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.migrate", english: "Apply the PostgreSQL hub schema's missing migrations, then exit."),
            discussion: """
                Safe to run while hubs serve and from several places at once: each migration runs in \
                its own transaction under an advisory lock, and a migration already applied is skipped. \
                Migrations only add; they never edit what a shipped one created. The embedded SQLite \
                hub migrates itself when opened.

                Example:
                  returnsync hub migrate --database postgres://returnsync@db.internal/returnsync
                """)
        @OptionGroup var folder: HubFolder

        func run() async throws {
            guard let url = folder.databaseURL else {
                throw ValidationError(
                    "input.missingDatabase: give --database postgres://… (or set RETURNSYNC_HUB_DATABASE)")
            }
            let applied = try await PostgresHubStore.migrate(url: url)
            print(
                applied.isEmpty
                    ? "schema up to date: \(folder.location)"
                    : "applied \(applied.joined(separator: ", ")) to \(folder.location)")
        }
    }

    struct Enroll: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.enroll",
                english: "Enrol a node (store, channel or head-office viewer) and print its token once."),
            discussion: """
                The node id is the one `returnsync node init` printed (see `node status`). Keep the \
                token secret: give it to the node with `returnsync node connect`. A node id is \
                never enrolled twice; a store set up again gets a new node id.

                Example:
                  returnsync hub enroll --data /var/lib/returnsync-hub --node PARIS-01-3fa9c2d1 --store PARIS-01
                """)
        @OptionGroup var folder: HubFolder
        @Option(help: "The node id to enrol.") var node: String
        @Option(help: "The store or channel it records for (not needed for head office or admin).") var store: String?
        @Option(
            help:
                "storeNode, onlineChannel, headOffice (authors the catalog and policies, reads everything), viewer (head office, read only) or admin."
        ) var role = "storeNode"
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            guard let role = HubRole(rawValue: role) else {
                throw ValidationError(
                    "input.invalidRole: use one of \(HubRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let hub = try await folder.open()
            let token = TokenHash.newToken()
            try await hub.enroll(
                node: NodeID(node), store: store.map(StoreID.init(rawValue:)), role: role,
                secretHash: TokenHash.of(token), now: Int64(Date().timeIntervalSince1970 * 1000))
            if json {
                let out = ["node": node, "store": store ?? "", "role": role.rawValue, "token": token]
                print(String(decoding: try JSONEncoder().encode(out), as: UTF8.self))
            } else {
                print("enrolled \(node) as \(role.rawValue)\(store.map { " for \($0)" } ?? "")")
                print("token (shown once): \(token)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.revoke",
                english: "Revoke a node's credential: its pushes and pulls are refused from now on."))
        @OptionGroup var folder: HubFolder
        @Option(help: "The node id to revoke.") var node: String
        func run() async throws {
            try await folder.open().revoke(node: NodeID(node))
            print("revoked \(node)")
        }
    }

    struct RotateEpoch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-epoch",
            abstract: CLIWords.text(
                "cli.help.hub.rotateEpoch",
                english: "Give the hub database a new epoch: after restoring it from a backup."),
            discussion: """
                A hub restored from an older backup numbers its feed again from where the backup \
                ended, so a node's stored checkpoint no longer means what it meant. With a new epoch \
                every node notices at its next pull, pulls again from the start (what it holds is a \
                no-op duplicate) and sends all its own events again, so the hub gets back everything \
                the nodes hold. Stop every `hub serve` process of this database first: they read the \
                epoch when they start.

                Example:
                  returnsync hub rotate-epoch --data /var/lib/returnsync-hub
                """)
        @OptionGroup var folder: HubFolder
        func run() async throws {
            let store = try await folder.open()
            let old = try await store.epoch()
            let epoch = try await store.rotateEpoch()
            print(
                "epoch of \(folder.location): \(old) → \(epoch); start the hub again, nodes resync at their next pull")
        }
    }

    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.serve",
                english: "Run the hub's HTTP API: /sync/v1 for nodes, /api/v1 for head office, /healthz, /metrics."),
            discussion:
                "Stops gracefully on Ctrl-C or SIGTERM. A push is acknowledged only after its commit is on disk.")
        @OptionGroup var folder: HubFolder
        @Option(help: "Address to listen on (default: 127.0.0.1).") var host: String?
        @Option(help: "TCP port to listen on (default: 8090).") var port: Int?
        @Option(
            help: """
                Requests a second one credential may make, on average (bursts of five times as many are \
                taken); beyond it the hub answers 429 with Retry-After. 0 turns the limit off (default: \
                \(Int(RateLimit.standard.perSecond))).
                """)
        var rateLimit: Double?
        @Option(
            help: """
                Pulls held at once waiting for the feed to grow (`wait` on /sync/v1/pull), all nodes \
                together; beyond it a pull is answered at once and its node waits its interval. 0 holds \
                none (default: \(LongPollLimits.standard.maxHeld)).
                """)
        var maxHeldPulls: Int?
        @Option(
            help: ArgumentHelp(
                "A JSON file of settings: host, port, rateLimit, maxHeldPulls. The command line wins over the environment (RETURNSYNC_HUB_PORT, RETURNSYNC_HUB_RATE_LIMIT, …), which wins over the file.",
                valueName: "file"))
        var config: String?

        func run() async throws {
            let settings = try await ServeSettings(
                server: "hub",
                flags: [
                    "host": host.map { .string($0) }, "port": port.map { .int($0) },
                    "rateLimit": rateLimit.map { .double($0) }, "maxHeldPulls": maxHeldPulls.map { .int($0) },
                ], file: config)
            let host = settings.string("host", default: "127.0.0.1")
            let port = try settings.int("port", default: 8090, in: 1...65_535, code: "input.invalidPort")
            let rateLimit = settings.double("rateLimit", default: RateLimit.standard.perSecond)
            guard rateLimit >= 0, rateLimit.isFinite else {
                throw ValidationError("input.invalidRateLimit: rateLimit must be 0 or more, not \(rateLimit)")
            }
            let maxHeldPulls = try settings.int(
                "maxHeldPulls", default: LongPollLimits.standard.maxHeld, in: 0...1_000_000,
                code: "input.invalidMaxHeldPulls")
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            let logger = Logger(label: "returnsync.hub")
            let hub = try await folder.openForService()
            let limit = rateLimit > 0 ? RateLimit(perSecond: rateLimit, burst: max(1, Int(rateLimit * 5))) : nil
            let app = buildHubApplication(
                store: hub,
                configuration: ApplicationConfiguration(
                    address: .hostname(host, port: port), serverName: "returnsync-hub"),
                logger: logger, rateLimit: limit, longPoll: LongPollLimits(maxHeld: maxHeldPulls))
            let epoch = try await hub.epoch()
            logger.info(
                "ReturnSync hub serving at http://\(host):\(port)",
                metadata: ["hub.epoch": "\(epoch)", "hub.storage": "\(folder.location)"])
            // The store first, the server after it: on SIGTERM the server stops first and the store
            // (PostgreSQL's connection pool) closes once the last request is answered.
            let group = ServiceGroup(
                configuration: .init(
                    services: [.init(service: hub), .init(service: app)],
                    gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.status", english: "Show every node's sync status, the exceptions and incidents."))
        @OptionGroup var folder: HubFolder
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let hub = try await folder.open()
            let status = try await hub.syncStatus()
            let exceptions = try await hub.state().exceptions()
            let incidents = try await hub.incidents()
            if json {
                struct Out: Encodable {
                    var nodes: [NodeSyncStatus]; var exceptions: [ReplicationException]; var incidents: [HubIncident]
                }
                let e = JSONEncoder()
                e.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(
                    String(
                        decoding: try e.encode(Out(nodes: status, exceptions: exceptions, incidents: incidents)),
                        as: UTF8.self))
                return
            }
            print("node                      store        role           acked   pulled   lag")
            for s in status {
                print(
                    "\(s.node.rawValue.padding(toLength: 25, withPad: " ", startingAt: 0)) \((s.store?.rawValue ?? "-").padding(toLength: 12, withPad: " ", startingAt: 0)) \(s.role.rawValue.padding(toLength: 14, withPad: " ", startingAt: 0)) \(String(s.acked).padding(toLength: 7, withPad: " ", startingAt: 0)) \(String(s.pulledCheckpoint).padding(toLength: 8, withPad: " ", startingAt: 0)) \(s.lag)\(s.revoked ? "  (revoked)" : "")"
                )
            }
            print("exceptions: \(exceptions.count)")
            for e in exceptions.prefix(20) { print("  \(e.code)  \(e.record)  \(e.message)") }
            print("incidents: \(incidents.count)")
            for i in incidents { print("  \(i.code)  \(i.node)  \(i.dot)  ×\(i.occurrences)") }
        }
    }
}

extension HubCommand {
    /// `returnsync hub verify`: the hub's database against a rebuild from its events.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.hub.verify",
                english: "Check the hub's database and rebuild every projection from its events to compare."),
            discussion: """
                Runs the database's own consistency check, replays every event into fresh state and \
                compares it with the stock, returns, sales, store credit and ledger tables, and checks \
                the feed and every node's acknowledged seq against the events held. Exits 0 when all \
                is well and 1 when anything differs. Safe while `hub serve` runs (on a large hub it \
                reads for a while: run it off-peak).
                """)
        @OptionGroup var folder: HubFolder
        @Flag(help: "Print the report as JSON.") var json = false

        func run() async throws {
            let report = try await folder.open().verify()
            if json {
                try Output.printJSON(report)
            } else {
                var fields = Fields()
                fields.add("hub", folder.location)
                fields.add("integrity", report.integrity)
                fields.add("events", String(report.events))
                fields.add("records", String(report.records))
                fields.add("feed", String(report.feed))
                fields.add("mismatches", String(report.mismatches.count))
                Output.print(fields.render())
                for m in report.mismatches { Output.print("  " + m) }
                Output.print(report.isOK ? "OK" : "NOT OK: restore from a backup, and report this")
            }
            if !report.isOK { throw ExitCode.failure }
        }
    }
}

/// An error with a stable code for the CLI to print.
struct CLIError: Error, CustomStringConvertible {
    var code: String
    var message: String
    init(_ code: String, _ message: String) {
        self.code = code
        self.message = message
    }
    var description: String { "\(code): \(message)" }
}
