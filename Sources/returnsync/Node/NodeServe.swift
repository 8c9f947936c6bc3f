import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NodeServer
import NodeStore
import Replication
import ServiceLifecycle
import SyncClient

extension ReturnSync.NodeCommand {
    /// `returnsync node serve`: the node's local HTTP API for the till and the return desk.
    struct Serve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: CLIWords.text(
                "cli.help.node.serve", english: "Run the node's local HTTP API (for the till and the return desk)."),
            discussion: """
                Serves the API under /api/v1 (sales, returns and their steps, products, stock, \
                alerts, exceptions), the return desk at /desk, and /healthz and /metrics. Every API \
                call needs one of the node's keys (Authorization: Bearer <key>): make one per till \
                and one for the desk with `node token add`. It listens on loopback only unless you \
                give --host; on the store's network put a TLS proxy in front (docs/node.md). Stop it \
                with Ctrl-C or SIGTERM: requests in flight finish first. Every acknowledged request \
                is already on disk (synchronous=FULL).

                Example:
                  returnsync node token add --data /var/lib/returnsync --name desk
                  returnsync node serve --data /var/lib/returnsync --port 8080
                """)

        @OptionGroup var folder: NodeFolder

        @Option(help: ArgumentHelp("Address to listen on (default: 127.0.0.1).", valueName: "address"))
        var host: String?

        @Option(help: ArgumentHelp("TCP port to listen on (default: 8080).", valueName: "port"))
        var port: Int?

        @Option(
            name: .customLong("allow-host"),
            help: ArgumentHelp(
                "Another name browsers reach this node by (a tablet on the store's network: `desk.store-12.lan` or `desk.store-12.lan:443`); repeatable. The node refuses requests whose Host it does not know, so that no other web page can use its API (DNS rebinding).",
                valueName: "name"))
        var allowHost: [String] = []

        @Option(
            name: .customLong("clock-tolerance"),
            help: ArgumentHelp(
                "Seconds this machine's clock may be off the hub's (measured at every sync) before the node dates documents by the hub's clock instead and flags it in /metrics (default: 300).",
                valueName: "seconds"))
        var clockTolerance: Int?

        @Option(
            name: .customLong("sync-seconds"),
            help: ArgumentHelp("Seconds between sync rounds with the hub (default: 5).", valueName: "seconds"))
        var syncSeconds: Int?

        @Option(
            name: .customLong("log-level"),
            help: ArgumentHelp(
                "trace, debug, info, notice, warning, error or critical (default: info).", valueName: "level"))
        var logLevel: String?

        @Option(
            help: ArgumentHelp(
                "A JSON file of settings: host, port, allowHosts, clockTolerance, syncSeconds, logLevel. The command line wins over the environment (RETURNSYNC_NODE_PORT, RETURNSYNC_NODE_ALLOW_HOSTS=a,b, …), which wins over the file.",
                valueName: "file"))
        var config: String?

        /// The settings, from the command line, the environment and the file.
        struct Settings {
            var host: String
            var port: Int
            var allowHosts: [String]
            var clockToleranceSeconds: Int
            var syncSeconds: Int
            var logLevel: Logger.Level
        }

        func settings() async throws -> Settings {
            let s = try await ServeSettings(
                server: "node",
                flags: [
                    "host": host.map { .string($0) }, "port": port.map { .int($0) },
                    "allowHosts": allowHost.isEmpty ? nil : .stringArray(allowHost),
                    "clockTolerance": clockTolerance.map { .int($0) }, "syncSeconds": syncSeconds.map { .int($0) },
                    "logLevel": logLevel.map { .string($0) },
                ], file: config)
            let level = s.string("logLevel", default: "info")
            guard let logLevel = Logger.Level(rawValue: level) else {
                throw ValidationError("input.invalidLogLevel: '\(level)' is not a log level")
            }
            return Settings(
                host: s.string("host", default: "127.0.0.1"),
                port: try s.int("port", default: 8080, in: 1...65_535, code: "input.invalidPort"),
                allowHosts: s.strings("allowHosts"),
                clockToleranceSeconds: try s.int(
                    "clockTolerance", default: Int(ClockSkew.tolerance / 1000), in: 1...86_400,
                    code: "input.invalidClockTolerance"),
                syncSeconds: try s.int("syncSeconds", default: 5, in: 1...3_600, code: "input.invalidSyncSeconds"),
                logLevel: logLevel)
        }

        func run() async throws {
            let settings = try await settings()
            let (host, port, level) = (settings.host, settings.port, settings.logLevel)
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var logger = Logger(label: "returnsync.node")
            logger.logLevel = level
            let database = try folder.open()
            let service = NodeService(database: database, clockTolerance: Int64(settings.clockToleranceSeconds) * 1000)
            let identity = database.identity
            logger[metadataKey: "node.id"] = "\(identity.node)"
            logger[metadataKey: "store.id"] = "\(identity.store)"
            let connection = try await service.hubConnection()
            let app = buildNodeApplication(
                service: service,
                configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "returnsync"),
                logger: logger,
                escrowClaimer: connection.map { HubEscrowClaimer(baseURL: $0.url, token: $0.token) },
                allowedHosts: BrowserGuard<BasicRequestContext>.hosts(
                    listeningOn: host, port: port, extra: settings.allowHosts))
            if !Self.isLoopback(host) {
                logger.warning("listening beyond loopback without TLS: put a TLS proxy in front (docs/node.md)")
            }
            if try await service.apiTokens().allSatisfy({ $0.revokedAt != nil }) {
                logger.warning(
                    "this node has no key yet: make one with `returnsync node token add` before using the API")
            }
            logger.info(
                "ReturnSync node serving at http://\(Self.urlHost(host)):\(port)\(NodeAPI.prefix)",
                metadata: ["database": "\(database.path)"])
            var services: [any Service] = [app]
            if let connection {
                // Background sync with the hub; the desk works the same whether it succeeds or not.
                let agent = SyncAgent(
                    service: service, transport: HubClient(baseURL: connection.url, token: connection.token))
                services.append(SyncService(agent: agent, interval: .seconds(settings.syncSeconds), logger: logger))
                logger.info("syncing with hub", metadata: ["hub.url": "\(connection.url)"])
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.info("ReturnSync node stopped")
        }

        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
    }
}
