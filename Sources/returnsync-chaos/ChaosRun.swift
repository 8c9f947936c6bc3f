import Foundation
import HubStorePostgres
import HubTesting
import NIOConcurrencyHelpers

/// One run: a fresh hub and two store nodes (`A1` at S-A, `B1` at S-B) that sell and take back
/// each other's goods through the proxy, under one fault; then the faults heal, the nodes sync
/// until nothing moves, and `ChaosAudit` counts what went wrong.
final class ChaosRun: @unchecked Sendable {
    let fault: Fault
    let seed: UInt64
    let folder: URL
    let settings: RunSettings
    private var rng: SeededRNG
    private var hub: ChaosHub!
    private var proxy: FaultProxy!
    private var nodes: [ChaosNode] = []
    private var hqToken = ""
    private var sales: [String] = []
    /// The tmpfs mounts of the disk-full fault.
    private var mounted: [String] = []
    /// kill -9 of a hub or node process, and PostgreSQL crash-restarts.
    private var kills = 0
    /// Of the kills, PostgreSQL crash-restarts.
    private var postgresCrashes = 0
    /// Other faults injected: disks filled, backups restored.
    private var injected = 0
    /// The skew fault's shift of the hub's clock (ms); it stays while the nodes converge.
    private var skew: Int64 = 0
    private let ledger = NIOLockedValueBox(Ledger())

    /// Every answer the desks got.
    struct Ledger: Sendable {
        var acknowledged: [(id: String, node: String)] = []
        var refused: [String: Int] = [:]
        var noAnswer = 0
        /// Returns a restored node acknowledged after its first sync: numbers it may reuse.
        var afterRestore: [String] = []
    }

    init(fault: Fault, seed: UInt64, folder: URL, settings: RunSettings) {
        self.fault = fault
        self.seed = seed
        self.folder = folder
        self.settings = settings
        rng = SeededRNG(state: seed)
    }

    func execute() async -> RunOutcome {
        let started = Date()
        var outcome = RunOutcome(fault: fault)
        do {
            if let reason = try await setUp() {
                outcome.skipped = reason
            } else {
                try await inject()
                let settled = try await converge()
                let (found, held) = try await ChaosAudit(hub: hub, token: hqToken, nodes: nodes).audit(fault: fault)
                outcome = ChaosAudit.account(ledger.withLockedValue { $0 }, held: held, into: found)
                let answers = ledger.withLockedValue { $0 }
                let refusals = answers.refused.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }
                let t = proxy.tally
                outcome.info =
                    "\(postgresCrashes > 0 ? "PostgreSQL crashes \(postgresCrashes); " : "")desks: refused \(refusals.isEmpty ? "none" : refusals.joined(separator: ", ")), no answer ×\(answers.noAnswer); proxy: \(t.requests) requests, dropped \(t.droppedRequests)+\(t.droppedResponses) answers, duplicated \(t.duplicated), delayed \(t.delayed), replayed \(t.replayed), refused \(t.refused) connections"
                if !settled {
                    outcome.verifyFailures += 1
                    outcome.notes.append("the nodes did not settle: sync kept moving or failing")
                }
            }
        } catch {
            outcome.verifyFailures += 1
            outcome.notes.append("run failed: \(error)")
        }
        outcome.kills = kills
        outcome.injected = injected
        await tearDown(keep: settings.keep || outcome.violations > 0)
        outcome.seconds = Date().timeIntervalSince(started)
        return outcome
    }

    // MARK: Set-up

    /// Enough sales that the desks rarely run out of returnable units before the load ends.
    private var salesPerNode: Int {
        let seconds = fault.kills ? settings.killLoadSeconds : settings.loadSeconds
        return max(settings.salesPerNode, Int(seconds * 5))
    }

    /// Builds the run's world; a reason when this fault cannot run here.
    private func setUp() async throws -> String? {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        let hubData = folder.appendingPathComponent("hub").path
        try FileManager.default.createDirectory(atPath: hubData, withIntermediateDirectories: true)
        var storage = ["--data", hubData]
        switch fault {
        case .postgres:
            guard let server = settings.postgresURL else {
                return "no PostgreSQL: give --database or --postgres-cluster"
            }
            let url = try await PostgresDatabases.create(serverURL: server, prefix: "chaos_")
            storage = ["--database", url]
            try await returnsyncOK(["hub", "migrate"] + storage)
        case .diskFull:
            // The hub's folder and node B's each on a tmpfs of their own.
            for path in [hubData, folder.appendingPathComponent("node-B1").path] {
                if let reason = try await mountTmpfs(path) { return reason }
            }
            try await returnsyncOK(["hub", "init"] + storage)
        default:
            try await returnsyncOK(["hub", "init"] + storage)
        }
        hub = try ChaosHub(storage: storage, processes: fault == .postgres ? 2 : 1, folder: folder)
        try await hub.startAll()
        proxy = try await FaultProxy.start(upstreams: hub.urls, seed: seed ^ 0x5EED)

        let enroll: (String, String?, String) async throws -> String = { node, store, role in
            var arguments = ["hub", "enroll"] + storage + ["--node", node, "--role", role, "--json"]
            if let store { arguments += ["--store", store] }
            let out = try await returnsyncOK(arguments)
            let fields = try JSONDecoder().decode([String: String].self, from: Data(out.stdout.utf8))
            guard let token = fields["token"] else { throw ChaosError("hub enroll \(node): no token") }
            return token
        }
        hqToken = try await enroll("HQ-CHAOS", nil, "headOffice")
        for (id, store) in [("A1", "S-A"), ("B1", "S-B")] {
            let node = try ChaosNode(id: id, store: store, folder: folder)
            try await node.create(hubURL: proxy.url) { try await enroll($0, $1, "storeNode") }
            nodes.append(node)
        }
        // The catalog comes from A; each store receives its own stock once it knows the product.
        let (a, b) = (nodes[0], nodes[1])
        let stock = String(salesPerNode * settings.unitsPerSale + 10)
        try await returnsyncOK([
            "product", "add", "--data", a.data, "--staff", "setup", "--sku", ChaosNode.sku, "--name", "Mug",
            "--category", "kitchen", "--price", "10.00", "--cost", "4.00", "--vat", "20",
        ])
        try await returnsyncOK(["node", "sync", "--data", a.data, "--once"])
        try await returnsyncOK(["node", "sync", "--data", b.data, "--once"])
        for node in nodes {
            try await returnsyncOK([
                "stock", "receive", "--data", node.data, "--staff", "setup", "--sku", ChaosNode.sku, "--quantity",
                stock,
            ])
        }
        for node in nodes { try await node.start() }
        // A day ago, so that a clock skewed by hours still dates returns after their sale.
        let soldAt = Int64(Date().timeIntervalSince1970 * 1000) - 86_400_000
        for node in nodes {
            for i in 1...salesPerNode {
                let id = "\(node.store)-\(i)"
                try await node.recordSale(id, units: settings.unitsPerSale, soldAt: soldAt)
                sales.append(id)
            }
        }
        // Both nodes know every sale before the load starts.
        let deadline = Date().addingTimeInterval(60)
        for node in nodes {
            for other in nodes where other !== node {
                let last = "\(other.store)-\(salesPerNode)"
                while (try? await node.call("GET", "/api/v1/sales/\(last)"))?.status != 200 {
                    guard Date() < deadline else { throw ChaosError("\(node.id) never received sale \(last)") }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
        }
        return nil
    }

    // MARK: Load and faults

    /// Desks take returns at both nodes for `seconds` while `faults` runs.
    private func load(seconds: Double, at desks: [ChaosNode], faults: @escaping @Sendable (Date) async throws -> Void)
        async throws
    {
        let deadline = Date().addingTimeInterval(seconds)
        let sales = self.sales
        let ledger = self.ledger
        let seeds = (0..<settings.workers).map { _ in rng.next() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for seed in seeds {
                group.addTask {
                    var rng = SeededRNG(state: seed)
                    while Date() < deadline {
                        let node = desks[rng.int(0...desks.count - 1)]
                        let sale = sales[rng.int(0...sales.count - 1)]
                        let attempt = await node.createReturn(sale: sale)
                        ledger.withLockedValue { l in
                            switch attempt {
                            case .acknowledged(let id): l.acknowledged.append((id, node.id))
                            case .refused(let status, let code): l.refused["\(status) \(code)", default: 0] += 1
                            case .noAnswer: l.noAnswer += 1
                            }
                        }
                        // A desk's pace: a return every few tens of milliseconds per desk.
                        try? await Task.sleep(for: .milliseconds(rng.int(20...150)))
                    }
                }
            }
            group.addTask { try await faults(deadline) }
            try await group.waitForAll()
        }
    }

    private func inject() async throws {
        let seconds = fault.kills ? settings.killLoadSeconds : settings.loadSeconds
        switch fault {
        case .proxy:
            proxy.set(ProxyFaults(dropRequest: 8, dropResponse: 8, duplicate: 8, delay: 15, replay: 8))
            try await load(seconds: seconds, at: nodes) { _ in }
        case .skew:
            let minutes = Int64(rng.int(6...120)) * (rng.chance(2) ? 1 : -1)
            skew = minutes * 60_000
            proxy.set(ProxyFaults(skew: skew))
            progress("  skew \(minutes) min")
            try await load(seconds: seconds, at: nodes) { _ in }
        case .partition:
            let plan = (0..<32).map { _ in (rng.int(300...1_500), rng.int(1_000...4_000)) }
            let proxy = self.proxy!
            try await load(seconds: seconds, at: nodes) { deadline in
                for (up, down) in plan where Date() < deadline {
                    try await Task.sleep(for: .milliseconds(up))
                    proxy.set(partitioned: true)
                    try await Task.sleep(for: .milliseconds(down))
                    proxy.set(partitioned: false)
                }
            }
        case .hubKill, .nodeKill, .postgres:
            let every = settings.killEvery
            let plan = (0..<256).map { _ in (rng.int(every), rng.int(settings.downFor), rng.int(0...99), rng.int(0...1))
            }
            try await load(seconds: seconds, at: nodes) { deadline in
                for (wait, down, roll, which) in plan where Date() < deadline {
                    try await Task.sleep(for: .milliseconds(wait))
                    try await self.crash(roll: roll, which: which, downFor: down)
                }
            }
        case .diskFull:
            let plan = (0..<32).map { _ in (rng.int(300...1_500), rng.int(1_000...3_000), rng.int(0...1)) }
            try await load(seconds: seconds, at: nodes) { deadline in
                for (wait, full, which) in plan where Date() < deadline {
                    try await Task.sleep(for: .milliseconds(wait))
                    try await self.fillDisk(self.mounted[which])
                    try await Task.sleep(for: .milliseconds(full))
                    self.freeDisks()
                }
            }
        case .restore:
            try await restoreScenario(seconds: seconds)
        }
    }

    /// One kill of the hub-kill, node-kill or postgres fault.
    private func crash(roll: Int, which: Int, downFor down: Int) async throws {
        switch fault {
        case .hubKill:
            hub.kill9(0)
            kills += 1
            try await Task.sleep(for: .milliseconds(down))
            try await hub.start(0)
        case .nodeKill:
            let node = nodes[which]
            node.kill9()
            kills += 1
            try await Task.sleep(for: .milliseconds(down))
            try await node.start()
        default:
            if roll < 30, let cluster = settings.postgresCluster, let script = settings.clusterScript {
                let status = await runShell([script, "crash-restart", cluster])
                guard status == 0 else { throw ChaosError("postgres-cluster crash-restart failed (\(status))") }
                kills += 1
                postgresCrashes += 1
            } else {
                hub.kill9(which)
                kills += 1
                try await Task.sleep(for: .milliseconds(down))
                try await hub.start(which)
            }
        }
    }

    /// Fills a tmpfs to the last byte.
    private func fillDisk(_ mount: String) async throws {
        _ = try await runCommand(URL(fileURLWithPath: "/bin/dd"), ["if=/dev/zero", "of=\(mount)/filler", "bs=64k"])
        injected += 1
    }

    private func freeDisks() {
        for mount in mounted { try? FileManager.default.removeItem(atPath: mount + "/filler") }
    }

    /// Mounts a small tmpfs on `path` (made if need be); false when that is not allowed here.
    private func mountTmpfs(_ path: String) async throws -> String? {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        let mount = try await runCommand(
            URL(fileURLWithPath: "/bin/mount"), ["-t", "tmpfs", "-o", "size=24m", "tmpfs", path])
        guard mount.ok else { return "cannot mount a tmpfs (needs root): \(mount.stderr.prefix(120))" }
        mounted.append(path)
        return nil
    }

    /// Copy B's folder while it is stopped, keep working, restore the copy: B must notice at its
    /// first sync and refuse to issue numbers from then on.
    private func restoreScenario(seconds: Double) async throws {
        let b = nodes[1]
        let third = max(1, seconds / 3)
        try await load(seconds: third, at: nodes) { _ in }
        try await settle(b)
        await b.stop()
        let backup = folder.appendingPathComponent("backup-B1").path
        try FileManager.default.copyItem(atPath: b.data, toPath: backup)
        try await b.start()
        try await load(seconds: third, at: nodes) { _ in }
        try await settle(b)
        await b.stop()
        try FileManager.default.removeItem(atPath: b.data)
        try FileManager.default.copyItem(atPath: backup, toPath: b.data)
        injected += 1
        // The operator's rule (operations.md): one sync before the desk opens.
        _ = try await returnsync(["node", "sync", "--data", b.data, "--once"])
        try await b.start()
        let before = ledger.withLockedValue { $0.acknowledged.count }
        try await load(seconds: third, at: nodes) { _ in }
        ledger.withLockedValue { l in
            l.afterRestore = l.acknowledged[before...].filter { $0.node == b.id }.map(\.id)
        }
    }

    /// Waits until `node`'s outbox is empty (its background sync pushed everything).
    private func settle(_ node: ChaosNode) async throws {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if let answer = try? await node.call("GET", "/api/v1/healthz"), answer.status == 200,
                let health = try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any],
                (health["outbox"] as? Int) == 0
            {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw ChaosError("\(node.id) did not push its outbox in 60 s")
    }

    // MARK: Heal and converge

    /// Heals every fault, stops the nodes and syncs them with `node sync --once` until a whole
    /// pass moves nothing. False if that never happened.
    private func converge() async throws -> Bool {
        proxy.set(partitioned: false)
        proxy.set(ProxyFaults(skew: skew))
        freeDisks()
        try await hub.ensureRunning()
        for node in nodes { await node.stop() }
        for pass in 0..<20 {
            var quiet = true
            for node in nodes {
                let round = try await returnsync(["node", "sync", "--data", node.data, "--once", "--json"])
                guard round.ok else {
                    // The restored node is refused for good: that is the behaviour under test.
                    if fault == .restore && node === nodes[1] { continue }
                    quiet = false
                    continue
                }
                let report = try? JSONSerialization.jsonObject(with: Data(round.stdout.utf8)) as? [String: Any]
                let moved = ["pushed", "pushDuplicates", "pulled", "pullDuplicates"].reduce(0) {
                    $0 + ((report?[$1] as? Int) ?? 1)
                }
                if moved != 0 { quiet = false }
            }
            if quiet { return true }
            if pass > 2 { try await Task.sleep(for: .milliseconds(500)) }
        }
        return false
    }

    // MARK: Tear-down

    private func tearDown(keep: Bool) async {
        for node in nodes { await node.stop() }
        await hub?.stopAll()
        await proxy?.stop()
        freeDisks()
        for mount in mounted {
            // Keep what the tmpfs held before it goes.
            if keep { try? FileManager.default.copyItem(atPath: mount, toPath: mount + "-copy") }
            _ = try? await runCommand(URL(fileURLWithPath: "/bin/umount"), [mount])
        }
        if !keep { try? FileManager.default.removeItem(at: folder) }
    }
}
