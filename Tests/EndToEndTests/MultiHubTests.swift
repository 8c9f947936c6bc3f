import ChildProcesses
import Foundation
import HubStore
import HubStorePostgres
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Two `returnsync hub serve` processes over one PostgreSQL database, as a chain runs them behind
/// a load balancer: writers push to both at once while readers pull from both, and no reader may
/// miss an event or get one twice — the gap between numbering and commit order (DESIGN §6).
@Suite("several hubs over one PostgreSQL", .serialized)
struct MultiHubTests {
    static let eur = Currency("EUR")
    static let writers = 6
    static let changeSetsPerWriter = 20
    static let eventsPerChangeSet = 25

    @Test(
        "concurrent pushes to two hubs while nodes pull from both: every node gets every event exactly once")
    func noEventSkippedOrRepeated() async throws {
        let server = try postgresServerURL()
        let url = try await PostgresDatabases.create(serverURL: server, prefix: "multihub_")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("multihub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await HubFixture.expectSuccess(["hub", "migrate", "--database", url])

        var hubs: [HubServerProcess] = []
        for i in 0..<2 {
            hubs.append(
                try await HubServerProcess.start(
                    storage: ["--database", url], port: try freeLoopbackPort(),
                    log: folder.appendingPathComponent("hub-\(i).log")))
        }
        defer { hubs.forEach { $0.stop() } }
        let servers = hubs

        struct Party: Sendable {
            var node: NodeID
            var store: StoreID
            var token: String
        }
        func enroll(_ node: String, store: String) async throws -> Party {
            let out = try await HubFixture.expectSuccess([
                "hub", "enroll", "--database", url, "--node", node, "--store", store, "--json",
            ])
            let fields = try JSONDecoder().decode([String: String].self, from: Data(out.stdout.utf8))
            return Party(node: NodeID(node), store: StoreID(store), token: try #require(fields["token"]))
        }
        var writers: [Party] = []
        // W0 and W1 sell at one store (their pushes contend for its stock rows); the others each at
        // their own, so their transactions run side by side and commit in any order.
        for w in 0..<Self.writers { writers.append(try await enroll("W\(w)", store: "S-\(max(1, w))")) }
        let readers = [try await enroll("R0", store: "S-R"), try await enroll("R1", store: "S-R")]

        // Writers push consecutive change sets, each to one hub or the other, all at once. Readers pull small pages
        // from alternating hubs the whole time, and once more after the writers are done.
        let done = Flag()
        let total = Self.writers * Self.changeSetsPerWriter * Self.eventsPerChangeSet
        let (pushed, received) = try await withThrowingTaskGroup(of: Outcome.self) { group in
            for (w, writer) in writers.enumerated() {
                group.addTask {
                    var dots: [Dot] = []
                    var seq: UInt64 = 0
                    for c in 0..<Self.changeSetsPerWriter {
                        var events: [Event] = []
                        for _ in 0..<Self.eventsPerChangeSet {
                            seq += 1
                            events.append(Self.sale(by: writer.node, store: writer.store, seq: seq))
                        }
                        let hub = servers[(w + c) % 2]
                        let answer = try await HubFixture.post(
                            base: hub.baseURL, SyncRoutes.push,
                            body: try JSONEncoder().encode(ChangeSet(node: writer.node, events: events)),
                            token: writer.token)
                        try #require(answer.status == 200, "push of \(writer.node) to hub \((w + c) % 2): \(answer)")
                        dots += events.map(\.dot)
                    }
                    return .pushed(dots)
                }
            }
            for (r, reader) in readers.enumerated() {
                group.addTask {
                    var checkpoint: UInt64 = 0
                    var got: [Dot] = []
                    var lastSeq: UInt64 = 0
                    var page = 0
                    // Its wait ends with the writers' (each push bounded by its request's timeout),
                    // plus the reads of the tail after the last acknowledgement.
                    var tailDeadline: Date?
                    while true {
                        let finished = await done.isSet
                        if finished, tailDeadline == nil { tailDeadline = Date().addingTimeInterval(60) }
                        try #require(
                            tailDeadline.map { Date() < $0 } ?? true,
                            "\(reader.node) did not read the tail within 60 s of the last push")
                        let hub = servers[(r + page) % 2]
                        page += 1
                        let answer = try await HubFixture.get(
                            base: hub.baseURL, "\(SyncRoutes.pull)?after=\(checkpoint)&limit=37", token: reader.token)
                        try #require(answer.status == 200, "pull of \(reader.node): \(answer)")
                        let response = try JSONDecoder().decode(PullResponse.self, from: answer.body)
                        for entry in response.events {
                            try #require(entry.hubSeq > lastSeq, "hub seqs must rise: \(entry.hubSeq) after \(lastSeq)")
                            lastSeq = entry.hubSeq
                            got.append(entry.event.dot)
                        }
                        checkpoint = response.checkpoint
                        // Stop only on an empty tail read after every push was acknowledged.
                        if finished && !response.more { break }
                        if response.events.isEmpty { try await Task.sleep(for: .milliseconds(5)) }
                    }
                    return .received(reader.node, got)
                }
            }
            var pushed: [Dot] = []
            var received: [NodeID: [Dot]] = [:]
            var writersLeft = writers.count
            for try await outcome in group {
                switch outcome {
                case .pushed(let dots):
                    pushed += dots
                    writersLeft -= 1
                    if writersLeft == 0 { await done.set() }
                case .received(let node, let dots): received[node] = dots
                }
            }
            return (pushed, received)
        }

        #expect(pushed.count == total)
        for reader in readers {
            let dots = received[reader.node] ?? []
            #expect(dots.count == total, "\(reader.node) received \(dots.count) events of \(total)")
            #expect(
                Set(dots).count == dots.count, "\(reader.node) received \(dots.count - Set(dots).count) events twice")
            let missed = Set(pushed).subtracting(dots).sorted()
            #expect(missed.isEmpty, "\(reader.node) missed \(missed.count) events, e.g. \(missed.prefix(5))")
        }
        let hub = try await PostgresHubStore.connect(url: url)
        defer { hub.close() }
        let report = try await hub.verify()
        #expect(report.isOK && report.feed == total, "hub verify: \(report)")
    }

    enum Outcome: Sendable {
        case pushed([Dot])
        case received(NodeID, [Dot])
    }

    /// Set once the writers are done.
    actor Flag {
        private(set) var isSet = false
        func set() { isSet = true }
    }

    static func sale(by node: NodeID, store: StoreID, seq: UInt64) -> Event {
        let line = SaleLine(
            line: 1, sku: "MUG", quantity: 1, unitPrice: Money(900, eur), unitCost: Money(400, eur),
            vatRate: VATRate(basisPoints: 2000))
        let id = SaleID("\(node)-\(seq)")
        let at = Instant.date(2025, 6, 1).millis + Int64(seq) * 1_000
        let sale = Sale(
            id: id, store: store, customer: nil, soldAt: Instant(millis: at), currency: eur, lines: [line],
            tenders: [TenderPayment(tender: .card, amount: line.gross)])
        return Event(
            dot: Dot(node: node, seq: seq), record: .sale(id), context: VersionVector(),
            hlc: HLCTimestamp(wall: at), staff: "pos", payload: .saleRecorded(sale))
    }
}

/// The test cluster's URL (`scripts/test` starts one); the test fails, never skips, without it.
func postgresServerURL() throws -> String {
    guard let url = ProcessInfo.processInfo.environment["RETURNSYNC_TEST_POSTGRES_URL"], !url.isEmpty else {
        throw HubError(
            code: "test.noPostgres",
            message: "RETURNSYNC_TEST_POSTGRES_URL is not set: run the suite with scripts/test, which starts PostgreSQL"
        )
    }
    return url
}
