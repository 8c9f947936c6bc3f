import AsyncHTTPClient
import Foundation
import NodeStore
import ReturnsDomain
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Crash safety with the real binary: a node killed with SIGKILL in the middle of a burst of
/// returns keeps every return it acknowledged, and comes back consistent.
///
/// SIGKILL ends the process between any two instructions, in the middle of a transaction too;
/// what it cannot simulate is power loss (the page cache survives). That part rests on
/// `synchronous = FULL`, which the node sets and `node status` shows.
@Suite("node crash safety")
struct CrashSafetyTests {
    /// What the burst got back: acknowledged return ids and everything else.
    actor Acknowledgements {
        var ids: [String] = []
        var failures = 0
        var finished = 0
        /// Sent the moment the `killAfter`-th acknowledgement arrives, by the task that got it: a
        /// loop polling for it could wake, on a busy machine, only after the whole burst was done.
        let kill: @Sendable () -> Void
        init(kill: @escaping @Sendable () -> Void) { self.kill = kill }
        func acknowledged(_ id: String) {
            ids.append(id)
            finished += 1
            if ids.count == CrashSafetyTests.killAfter { kill() }
        }
        func failed() { failures += 1; finished += 1 }
    }

    /// Large enough that the burst is still going when the kill lands, on a fast node too.
    static let burst = 600
    static let killAfter = 60

    @Test("every return acknowledged with 201 survives kill -9 mid-burst")
    func killNineMidBurst() async throws {
        let fixture = try await NodeFixture.seeded(sales: 4, unitsPerSale: 160)
        defer { fixture.folder.remove() }
        // The shared client needs no shutdown, so a failing expectation cannot leak one.
        let client = HTTPClient.shared
        let log = fixture.folder.file("serve.log")
        var server = try await NodeServerProcess.start(data: fixture.data, log: log, client: client)
        var servers = [server]
        defer { servers.forEach { $0.stop() } }

        // A burst of concurrent return creations; SIGKILL once `killAfter` are acknowledged.
        let running = server
        let acks = Acknowledgements { running.send(SIGKILL) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<Self.burst {
                group.addTask {
                    if let id = try? await Self.createReturn(client: client, server: running, sale: "S-\(i % 4 + 1)") {
                        await acks.acknowledged(id)
                    } else {
                        await acks.failed()
                    }
                }
            }
            while await acks.ids.count < Self.killAfter, await acks.finished < Self.burst {
                try await Task.sleep(for: .milliseconds(1))
            }
            running.send(SIGKILL)
            // Requests queued for a dead server would wait for their deadline (the client retries
            // connecting); once the process is gone and in-flight answers had a moment, drop them.
            _ = try await running.waitForExit()
            try await Task.sleep(for: .milliseconds(200))
            group.cancelAll()
            try await group.waitForAll()
        }
        let exit = try await server.waitForExit()
        #expect(
            exit?.reason == .uncaughtSignal && exit?.status == SIGKILL, "the server was not killed: \(server.logText)")
        let acknowledged = await acks.ids
        let failures = await acks.failures
        #expect(acknowledged.count >= Self.killAfter, "only \(acknowledged.count) acknowledged before the kill")
        #expect(failures > 0, "the kill came after the burst had finished: nothing was in flight")

        // Restart on the same data and look at what survived.
        server = try await NodeServerProcess.start(data: fixture.data, log: log, client: client)
        servers.append(server)
        let listed = try await fixture.json(
            [ReturnSummary].self, "return", "list", "--data", fixture.data, "--json", "--limit", "1000")
        let present = Dictionary(listed.map { ($0.id, $0.status) }, uniquingKeysWith: { a, _ in a })
        let lost = acknowledged.filter { present[$0] == nil }
        #expect(lost.isEmpty, "acknowledged but lost after kill -9: \(lost)")
        #expect(acknowledged.allSatisfy { present[$0] == "approved" })
        // Some returns may have committed without their 201 reaching us; none may be half written.
        #expect(present.count >= acknowledged.count && present.count <= Self.burst)
        for id in acknowledged.prefix(5) {
            #expect(try await Self.get(client: client, server: server, path: "/api/v1/returns/\(id)") == 200)
        }

        // The outbox still holds every event the node made (no hub took any), and each return is
        // exactly its two events: requested and approved by policy. 6 = product, goods in, 4 sales.
        let counts = try await fixture.json(NodeCounts.self, "node", "status", "--data", fixture.data, "--json")
        #expect(counts.outbox == counts.events)
        #expect(counts.events == 6 + 2 * present.count)

        // The restarted node takes new work, then stops gracefully on SIGTERM.
        let after = try await Self.createReturn(client: client, server: server, sale: "S-1")
        #expect(after.hasPrefix("RT-E2E-"))
        server.send(SIGTERM)
        let stopped = try await server.waitForExit()
        #expect(stopped?.reason == .exit && stopped?.status == 0, "no graceful stop on SIGTERM: \(server.logText)")

        // Projections rebuilt from the events match the tables; integrity_check is ok.
        let verify = try await returnsync("node", "verify", "--data", fixture.data, "--json")
        #expect(verify.status == 0, "\(verify)")
        let report = try JSONDecoder().decode(VerifyReport.self, from: Data(verify.stdout.utf8))
        #expect(report.ok && report.integrity == "ok" && report.mismatches.isEmpty)
        #expect(report.outbox == report.events && report.events == counts.events + 2)

    }

    /// `POST /api/v1/returns` for one unit of line 1 of `sale`; the new return's id on 201.
    static func createReturn(client: HTTPClient, server: NodeServerProcess, sale: String) async throws -> String {
        let command = CreateReturnCommand(
            sale: SaleID(sale),
            lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)])
        var request = server.request("/api/v1/returns")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Staff", value: "e2e-desk")
        request.body = .bytes(try JSONEncoder().encode(command))
        let response = try await client.execute(request, timeout: .seconds(10))
        let body = try await response.body.collect(upTo: 1 << 20)
        struct Created: Decodable { var id: String }
        guard response.status == .created else { throw UnexpectedStatus(status: response.status.code) }
        return try JSONDecoder().decode(Created.self, from: Data(body.readableBytesView)).id
    }

    struct UnexpectedStatus: Error { var status: UInt }

    static func get(client: HTTPClient, server: NodeServerProcess, path: String) async throws -> UInt {
        var request = server.request(path)
        request.method = .GET
        let response = try await client.execute(request, timeout: .seconds(5))
        _ = try await response.body.collect(upTo: 1 << 20)
        return response.status.code
    }
}
