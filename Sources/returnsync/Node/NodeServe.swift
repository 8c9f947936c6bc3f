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
            abstract: "Run the node's local HTTP API (for the till and the return desk).",
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

        @Option(help: ArgumentHelp("Address to listen on.", valueName: "address"))
        var host = "127.0.0.1"

        @Option(help: ArgumentHelp("TCP port to listen on.", valueName: "port"))
        var port = 8080

        @Option(
            name: .customLong("allow-host"),
            help: ArgumentHelp(
                "Another name browsers reach this node by (a tablet on the store's network: `desk.store-12.lan` or `desk.store-12.lan:443`); repeatable. The node refuses requests whose Host it does not know, so that no other web page can use its API (DNS rebinding).",
                valueName: "name"))
        var allowHost: [String] = []

        @Option(
            name: .customLong("clock-tolerance"),
            help: ArgumentHelp(
                "Seconds this machine's clock may be off the hub's (measured at every sync) before the node dates documents by the hub's clock instead and flags it in /metrics.",
                valueName: "seconds"))
        var clockTolerance = Int(ClockSkew.tolerance / 1000)

        @Option(
            name: .customLong("log-level"),
            help: ArgumentHelp("trace, debug, info, notice, warning, error or critical.", valueName: "level"))
        var logLevel = "info"

        func validate() throws {
            guard (1...65_535).contains(port) else {
                throw ValidationError("input.invalidPort: \(port) is not a TCP port (1-65535)")
            }
            guard (1...86_400).contains(clockTolerance) else {
                throw ValidationError("input.invalidClockTolerance: give 1 to 86400 seconds, not \(clockTolerance)")
            }
            guard Logger.Level(rawValue: logLevel) != nil else {
                throw ValidationError("input.invalidLogLevel: '\(logLevel)' is not a log level")
            }
        }

        func run() async throws {
            let level = Logger.Level(rawValue: logLevel) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
            var logger = Logger(label: "returnsync.node")
            logger.logLevel = level
            let database = try folder.open()
            let service = NodeService(database: database, clockTolerance: Int64(clockTolerance) * 1000)
            let identity = database.identity
            logger[metadataKey: "node.id"] = "\(identity.node)"
            logger[metadataKey: "store.id"] = "\(identity.store)"
            let connection = try await service.hubConnection()
            let app = buildNodeApplication(
                service: service,
                configuration: ApplicationConfiguration(address: .hostname(host, port: port), serverName: "returnsync"),
                logger: logger,
                escrowClaimer: connection.map { HubEscrowClaimer(baseURL: $0.url, token: $0.token) },
                allowedHosts: BrowserGuard<BasicRequestContext>.hosts(listeningOn: host, port: port, extra: allowHost))
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
                services.append(SyncService(agent: agent, interval: .seconds(Self.syncSeconds), logger: logger))
                logger.info("syncing with hub", metadata: ["hub.url": "\(connection.url)"])
            }
            let group = ServiceGroup(
                configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await group.run()
            logger.info("ReturnSync node stopped")
        }

        /// Seconds between sync rounds; `RETURNSYNC_SYNC_SECONDS` overrides (tests use 1).
        static var syncSeconds: Int64 {
            Int64(ProcessInfo.processInfo.environment["RETURNSYNC_SYNC_SECONDS"] ?? "") ?? 5
        }

        static func isLoopback(_ host: String) -> Bool {
            host == "localhost" || host == "::1" || host.hasPrefix("127.")
        }

        static func urlHost(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
    }
}
