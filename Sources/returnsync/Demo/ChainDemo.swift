import Foundation
import HubServer
import HubStore
import HubStorePostgres
import HubStoreSQLite
import Hummingbird
import Logging
import NodeServer
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import ServiceLifecycle
import SyncClient

/// The chain demo: a hub, three stores and the online channel as real servers on loopback, with
/// store B cut off from the hub while it takes returns, then reconnected.
struct ChainDemo {
    let folder: URL
    /// A PostgreSQL server to put the hub on (in a new database), instead of SQLite in `folder`.
    var postgresServer: String?
    static let eur = Currency("EUR")

    struct Site {
        var store: StoreID
        var node: NodeID
        var service: NodeService
        var agent: SyncAgent
        /// How the desk claims other stores' sale lines from the hub while online (escrow).
        var claimer: HubEscrowClaimer
        var url: String
    }

    func run() async throws -> Bool {
        var logger = Logger(label: "returnsync.demo")
        logger.logLevel = .warning
        let hub: any HubStore
        let storage: String
        if let server = postgresServer {
            let url = try await PostgresDatabases.create(serverURL: server, prefix: "returnsync_demo_")
            hub = try await PostgresHubStore.connect(url: url, currency: Self.eur)
            storage =
                "PostgreSQL: \(URLComponents(string: url).map { var u = $0; u.password = nil; return u.string ?? url } ?? url)"
        } else {
            hub = try SQLiteHubStore.create(
                atPath: folder.appendingPathComponent("hub/hub.sqlite").path, currency: Self.eur)
            storage = "embedded SQLite: \(folder.appendingPathComponent("hub").path)"
        }
        let hubPort = try FreePort.find()
        let hubURL = "http://127.0.0.1:\(hubPort)"
        var services: [any Service] = [
            buildHubApplication(
                store: hub,
                configuration: .init(address: .hostname("127.0.0.1", port: hubPort), serverName: "returnsync-hub"),
                logger: logger)
        ]

        var sites: [Site] = []
        let clock = DemoClock()
        for (store, role) in [
            ("S-A", HubRole.storeNode), ("S-B", .storeNode), ("S-C", .storeNode), ("WEB", .onlineChannel),
        ] {
            let node = NodeID("\(store)-demo")
            let db = try NodeDatabase.create(
                in: folder.appendingPathComponent(store),
                identity: NodeIdentity(node: node, store: StoreID(store), currency: Self.eur))
            let service = NodeService(database: db, clock: { clock.now() })
            let token = TokenHash.newToken()
            try await hub.enroll(
                node: node, store: StoreID(store), role: role, secretHash: TokenHash.of(token), now: clock.now())
            let port = try FreePort.find()
            services.append(
                buildNodeApplication(
                    service: service,
                    configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "returnsync"),
                    logger: logger, escrowClaimer: HubEscrowClaimer(baseURL: hubURL, token: token),
                    allowedHosts: BrowserGuard<BasicRequestContext>.hosts(listeningOn: "127.0.0.1", port: port)))
            sites.append(
                Site(
                    store: StoreID(store), node: node, service: service,
                    agent: SyncAgent(service: service, transport: HubClient(baseURL: hubURL, token: token)),
                    claimer: HubEscrowClaimer(baseURL: hubURL, token: token), url: "http://127.0.0.1:\(port)"))
        }
        let group = ServiceGroup(configuration: .init(services: services, logger: logger))
        let running = Task { try await group.run() }
        defer { running.cancel() }
        for port in [hubPort] + sites.map({ Int($0.url.split(separator: ":").last!)! }) {
            try await FreePort.waitUntilListening(port)
        }
        print("hub    \(hubURL)   (\(storage))")
        for s in sites { print("node   \(s.url)   \(s.store) (\(s.node))") }

        let (a, b, c, web) = (sites[0], sites[1], sites[2], sites[3])
        let staff = StaffID("demo")
        func sync(_ s: Site) async throws -> SyncReport { try await s.agent.syncOnce() }
        func syncAll(_ list: [Site]) async throws { for s in list { _ = try await sync(s) } }

        // 1. Each store describes itself, head office's catalog is entered at store A, stock in at
        // every store, a morning of sales.
        print("\n1. catalog, stock and sales; everyone syncs")
        for (site, kind) in zip(sites, [StoreKind.branch, .branch, .branch, .online]) {
            try site.service.transactionSync { _, log in
                let store = Store(id: site.store, name: site.store.rawValue, kind: kind, currency: Self.eur)
                try log.author(
                    .storeDefined(store), on: RecordKey(.store, site.store.rawValue), staff: staff, now: clock.now())
            }
        }
        let catalog = [
            Product(
                sku: "KETTLE", name: "Kettle", category: "kitchen", unitPrice: Money(4_990, Self.eur),
                unitCost: Money(2_500, Self.eur), vatRate: VATRate(basisPoints: 2000)),
            Product(
                sku: "PHONES", name: "Headphones", category: "audio", unitPrice: Money(12_900, Self.eur),
                unitCost: Money(7_000, Self.eur), vatRate: VATRate(basisPoints: 2000)),
            Product(
                sku: "TOASTER", name: "Toaster", category: "kitchen", unitPrice: Money(3_490, Self.eur),
                unitCost: Money(1_800, Self.eur), vatRate: VATRate(basisPoints: 2000)),
        ]
        for p in catalog { try await a.service.defineProduct(p, staff: staff) }
        try await syncAll(sites)
        for s in sites {
            for p in catalog {
                try await s.service.receiveInventory(sku: p.sku, quantity: 20, unitCost: nil, vendor: nil, staff: staff)
            }
        }
        func sale(_ s: Site, _ id: String, _ lines: [(SKU, Int)], customer: CustomerID) async throws {
            let saleLines = lines.enumerated().map { i, l in
                let p = catalog.first { $0.sku == l.0 }!
                return SaleLine(
                    line: i + 1, sku: p.sku, quantity: l.1, unitPrice: p.unitPrice, unitCost: p.unitCost,
                    vatRate: p.vatRate)
            }
            let total = saleLines.reduce(Int64(0)) { $0 + $1.gross.minor }
            _ = try await s.service.recordSale(
                Sale(
                    id: SaleID(id), store: s.store, customer: customer, soldAt: Instant(millis: clock.now()),
                    currency: Self.eur, lines: saleLines,
                    tenders: [TenderPayment(tender: .card, amount: Money(total, Self.eur))]), staff: staff)
        }
        try await sale(a, "R-A-1", [("KETTLE", 2)], customer: "C-100")
        try await sale(a, "R-A-2", [("PHONES", 1)], customer: "C-200")
        try await sale(c, "R-C-1", [("TOASTER", 3), ("KETTLE", 1)], customer: "C-300")
        try await sale(web, "W-1", [("PHONES", 2)], customer: "C-400")
        try await syncAll(sites)

        // 2. Store B loses its link to the hub and keeps working.
        print("2. store B is cut off from the hub and keeps taking returns")
        // Online sites claim other stores' sale lines from the hub (escrow); B, cut off, cannot and
        // takes such returns within its risk budget.
        func open(_ s: Site, _ sale: SaleID, line: Int = 1, quantity: Int = 1, reason: ReasonCode, online: Bool = true)
            async throws -> ReturnView
        {
            try await s.service.createReturn(
                CreateReturnCommand(
                    sale: sale,
                    lines: [RequestedLine(saleLine: line, quantity: quantity, reason: reason, condition: .unopened)]),
                staff: staff, claimer: online ? s.claimer : nil)
        }
        let crossStore = try await open(b, "R-A-1", reason: .defective, online: false)
        print(
            "   B (offline) takes back a kettle on store A's receipt R-A-1: \(crossStore.id), \(crossStore.status.rawValue), on its risk budget"
        )
        let raceA = try await open(a, "R-A-2", reason: .changedMind)
        _ = try await sync(a)
        print("   A (online) takes back the headphones of R-A-2, its last returnable unit: \(raceA.id)")
        let raceB = try await open(b, "R-A-2", reason: .changedMind, online: false)
        let budget = try await b.service.escrowStatus()
        print(
            "   B (offline) does not know yet and takes back the same unit: \(raceB.id); risk budget in use \(budget.used) of \(budget.riskBudget)"
        )
        let claimed = try await open(c, "R-A-1", reason: .changedMind)
        print("   C (online) claims the other kettle of R-A-1 from the hub and takes it back: \(claimed.id)")
        do {
            _ = try await open(c, "R-A-2", reason: .changedMind)
            print("   C's claim on R-A-2 was granted: UNEXPECTED")
        } catch let error as DomainError {
            print("   C (online) asks for R-A-2's unit too; the hub refuses, nothing recorded: \(error.code)")
        }
        for (s, r) in [(b, crossStore), (a, raceA)] {
            for step: NodeService.Step in [
                .receive(trackingNumber: nil), .inspect(grades: [LineGrade(line: 1, grade: .a, quantity: 1)]),
                .dispose(dispositions: [LineDisposition(line: 1, quantity: 1, disposition: .restock)]),
                .refund(method: .originalTender), .close,
            ] {
                _ = try await s.service.advance(r.id, step, staff: staff)
            }
        }
        _ = try await open(c, "R-C-1", line: 1, quantity: 1, reason: .defective)
        _ = try await open(web, "W-1", quantity: 1, reason: .notAsDescribed)
        try await syncAll([a, c, web])

        // 3. B's link comes back.
        print("3. store B reconnects; everyone syncs until nothing moves")
        let started = DispatchTime.now().uptimeNanoseconds
        var rounds = 0
        while rounds < 10 {
            rounds += 1
            var moved = 0
            for s in sites {
                let r = try await sync(s)
                moved += r.pushed + r.pulled
            }
            if moved == 0 { break }
        }
        let convergeMillis = Double(DispatchTime.now().uptimeNanoseconds - started) / 1e6
        print("   converged in \(rounds) round(s), \(String(format: "%.0f", convergeMillis)) ms")

        // 4. What head office sees.
        let view = try await hub.state()
        var stock: [StockKey: Int] = [:]
        for row in try await view.stock(sku: nil, store: nil) { stock[row.key] = row.quantity }
        print("\n4. consolidated stock at the hub (store × location)")
        print("   store  location            KETTLE  PHONES TOASTER")
        let stores = Set(stock.keys.map(\.store)).sorted()
        for store in stores {
            for location in StockLocation.allCases {
                let q = catalog.map { stock[StockKey(store: store, location: location, sku: $0.sku)] ?? 0 }
                guard q.contains(where: { $0 != 0 }) else { continue }
                print(
                    "   \(store.rawValue.padding(toLength: 6, withPad: " ", startingAt: 0)) \(location.rawValue.padding(toLength: 18, withPad: " ", startingAt: 0)) "
                        + q.map { String($0).leftPad(7) }.joined(separator: " "))
            }
        }
        print("\n   exceptions for head office:")
        let exceptions = try await hub.state().exceptions()
        for e in exceptions { print("   - \(e.code) on \(e.record): \(e.message)") }
        if exceptions.isEmpty { print("   (none)") }

        // Every node agrees with the hub on what they share: sales, returns, returnable quantities.
        var agree = true
        for s in sites {
            let mine = ReplicaState.fold(try await s.service.read { try $0.allEvents() })
            for (key, record) in mine.records where key.kind == .returnOrder || key.kind == .sale {
                if try await view.record(key)?.body != record.body { agree = false }
                if case .sale(let sale) = record.body {
                    let returnable = try await view.returnableQuantities(of: sale.id)
                    for line in sale.lines
                    where returnable[line.line] != mine.returnableQuantity(sale: sale.id, line: line.line) {
                        agree = false
                    }
                }
            }
        }
        print("\n   every node's sales and returns equal the hub's: \(agree ? "yes" : "NO")")

        // 5. The return-rate report, from what the hub holds.
        let report = AnalyticsReport(
            input: try await view.analyticsInput(), asOf: Instant(millis: clock.now()),
            options: AnalyticsOptions(currency: Self.eur))
        print("\n5. return-rate report\n")
        print(report.render())

        let hubReport = try await hub.verify()
        print("hub verify: \(hubReport.isOK ? "OK" : "NOT OK \(hubReport.mismatches.prefix(3))")")
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        return agree && hubReport.isOK && exceptions.contains { $0.code == "return.overReturn" }
    }

}

/// Demo business time: 2026-11-22 09:00 UTC, a minute per step.
final class DemoClock: @unchecked Sendable {
    private let lock = NSLock()
    private var t = Instant.date(2026, 11, 22).millis + 9 * 3_600_000
    func now() -> Int64 {
        lock.withLock {
            t += 60_000; return t
        }
    }
}

/// A free TCP port on loopback: bind port 0, read what the kernel chose, release it.
enum FreePort {
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw CLIError("demo.noPort", "socket() failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
        }
        guard bound == 0 else { throw CLIError("demo.noPort", "bind() failed") }
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// Waits (up to 10 s) until something accepts TCP connections on the loopback port.
    static func waitUntilListening(_ port: Int) async throws {
        for _ in 0..<200 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_port = in_port_t(UInt16(port).bigEndian)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok =
                withUnsafePointer(to: &addr) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                    }
                } == 0
            close(fd)
            if ok { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CLIError("demo.serverDidNotStart", "nothing listens on 127.0.0.1:\(port)")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { count >= n ? self : String(repeating: " ", count: n - count) + self }
}
