import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import Logging
import NodeStore
import Replication
import ReturnsDomain
import ServiceLifecycle
import SyncProtocol
import Testing

@testable import SyncClient

/// The sync service long-polls the hub once the feed is drained (issue 22): what one store commits
/// reaches another without waiting for its interval, and when long-polls fail the node falls back
/// to its interval. The interval is a minute, so only push on commit plus the long-poll can deliver
/// within the (generous) 30 s the tests allow; the fallback cases use a 1 s interval.
@Suite("sync service: long-poll")
struct LongPollSyncTests {
    /// The hub's router served on a loopback port of this process, over `hub`.
    static func serve<T: Sendable>(
        _ hub: HubFixture, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        let port = PortCell()
        var logger = Logger(label: "test.hub")
        // Cancelling the server at the end logs its closed channels as errors.
        logger.logLevel = .critical
        let app = Application(
            router: buildHubRouter(store: hub.store),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0), serverName: "test"),
            onServerRunning: { port.set($0.localAddress?.port ?? 0) }, logger: logger)
        // Stopped gracefully, never by cancelling its task: a connection accepted while the task
        // is cancelled is dropped unserved, which NIO traps on ("Deinited NIOAsyncWriter without
        // calling finish()", apple/swift-nio#3481).
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task { try await group.run() }
        func stop() async {
            await group.triggerGracefulShutdown()
            _ = try? await server.value
        }
        while port.value == 0 { try await Task.sleep(for: .milliseconds(5)) }
        do {
            let result = try await body("http://127.0.0.1:\(port.value)")
            await stop()
            return result
        } catch {
            await stop()
            throw error
        }
    }

    /// Runs a sync service for `node` until `body` returns.
    static func syncing<T: Sendable>(
        _ node: StoreNode, transport: any HubTransport, interval: Duration, _ body: @Sendable () async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test.sync.\(node.id)")
        logger.logLevel = .error
        let service = SyncService(
            agent: SyncAgent(service: node.service, transport: transport), interval: interval, logger: logger)
        let task = Task { try await service.run() }
        defer { task.cancel() }
        return try await body()
    }

    /// Waits up to `seconds` for `node` to hold customer `id`.
    static func arrives(_ id: CustomerID, at node: StoreNode, within seconds: Double = 30) async throws -> Bool {
        let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
        while ContinuousClock.now < deadline {
            if try await node.service.read({ try $0.customer(id) }) != nil { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// A customer registered at A, with both nodes syncing through `transport(url, token)`.
    static func deliver(
        interval: Duration, transport: @escaping @Sendable (String, String) -> any HubTransport
    ) async throws -> Bool {
        let hub = try await HubFixture(.sqlite)
        defer { hub.handle.remove() }
        let a = try StoreNode("S01-a", store: "S01")
        let b = try StoreNode("S02-b", store: "S02")
        let tokenA = try await hub.enroll(a.id, store: a.store)
        let tokenB = try await hub.enroll(b.id, store: b.store)
        return try await serve(hub) { url in
            try await syncing(a, transport: transport(url, tokenA), interval: interval) {
                try await syncing(b, transport: transport(url, tokenB), interval: interval) {
                    // Both have had their first round (B's checkpoint and epoch are stored).
                    let deadline = ContinuousClock.now.advanced(by: .seconds(60))
                    while try await b.service.syncCheckpoint().epoch.isEmpty, ContinuousClock.now < deadline {
                        try await Task.sleep(for: .milliseconds(20))
                    }
                    try await a.service.registerCustomer(Customer(id: "C-77", name: "王丽"), staff: "desk")
                    return try await arrives("C-77", at: b)
                }
            }
        }
    }

    @Test("with a one-minute interval, a customer registered at store A reaches store B well before it")
    func reachesAnotherStore() async throws {
        let arrived = try await Self.deliver(interval: .seconds(60)) { HubClient(baseURL: $0, token: $1) }
        #expect(arrived, "the customer did not reach B within 30 s")
    }

    @Test("long-polls answered with an error: the node falls back to its interval and still converges")
    func failingLongPolls() async throws {
        let arrived = try await Self.deliver(interval: .seconds(1)) {
            CuttingTransport(base: HubClient(baseURL: $0, token: $1), mode: .fail)
        }
        #expect(arrived, "the customer did not reach B within 30 s")
    }

    @Test("a hub that does not hold pulls: the node falls back to its interval without spinning")
    func notHeld() async throws {
        let counter = Counter()
        let arrived = try await Self.deliver(interval: .seconds(1)) {
            CuttingTransport(base: HubClient(baseURL: $0, token: $1), mode: .ignoreWait, counter: counter)
        }
        #expect(arrived, "the customer did not reach B within 30 s")
        // A spinning node would ask thousands of times; falling back it asks about once a second.
        #expect(counter.value < 200, "\(counter.value) long-polls")
    }

    @Test("a long-poll in flight ends at once when the service is cancelled")
    func cancelledPromptly() async throws {
        let hub = try await HubFixture(.sqlite)
        defer { hub.handle.remove() }
        let b = try StoreNode("S02-b", store: "S02")
        let token = try await hub.enroll(b.id, store: b.store)
        try await Self.serve(hub) { url in
            var logger = Logger(label: "test.sync")
            logger.logLevel = .error
            let service = SyncService(
                agent: SyncAgent(service: b.service, transport: HubClient(baseURL: url, token: token)),
                interval: .seconds(60), longPollSeconds: 30, logger: logger)
            let task = Task { try await service.run() }
            // The first round, then the long-poll held at the hub.
            let deadline = ContinuousClock.now.advanced(by: .seconds(60))
            while try await b.service.syncCheckpoint().epoch.isEmpty, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            try await Task.sleep(for: .milliseconds(300))
            let start = ContinuousClock.now
            task.cancel()
            try await task.value
            #expect(ContinuousClock.now - start < .seconds(10), "the service waited for its long-poll")
        }
    }
}

/// A transport whose long-polls fail (`fail`: a dropped connection) or are answered at once as by
/// a hub that ignores `wait` (`ignoreWait`); everything else goes to `base`.
struct CuttingTransport: HubTransport {
    enum Mode { case fail, ignoreWait }
    let base: HubClient
    let mode: Mode
    var counter = Counter()

    func push(_ changeSet: ChangeSet, stored: [Data]) async throws -> PushResponse {
        try await base.push(changeSet, stored: stored)
    }
    func pull(after checkpoint: UInt64, limit: Int) async throws -> PullResponse {
        try await base.pull(after: checkpoint, limit: limit)
    }
    func pull(after checkpoint: UInt64, limit: Int, holdingUpTo wait: Int) async throws -> PullResponse? {
        counter.increment()
        switch mode {
        case .fail:
            throw ProblemDetails(
                code: "sync.httpError", status: 502, title: "bad gateway", detail: "the proxy dropped the connection")
        case .ignoreWait:
            return try await base.pull(after: checkpoint, limit: limit)
        }
    }
    var hubClockOffset: Int64? { base.hubClockOffset }
    func reportRefusal(_ report: FeedRefusalReport) async throws { try await base.reportRefusal(report) }
    func snapshot() async throws -> SnapshotDownload? { try await base.snapshot() }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    var value: Int { lock.withLock { count } }
    func increment() { lock.withLock { count += 1 } }
}

/// The port the server bound, set from its event loop.
final class PortCell: @unchecked Sendable {
    private let lock = NSLock()
    private var port = 0
    var value: Int { lock.withLock { port } }
    func set(_ p: Int) { lock.withLock { port = p } }
}
