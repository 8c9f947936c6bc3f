import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

@Suite("The served application over real HTTP on loopback")
struct LiveServerTests {
    @Test("buildNodeApplication serves the API on 127.0.0.1 and refuses with problem+json")
    func liveLoopback() async throws {
        let node = try await NodeAPIFixture()
        defer { try? FileManager.default.removeItem(at: node.directory) }
        var logger = Logger(label: "NodeServerTests")
        logger.logLevel = .warning
        let app = buildNodeApplication(
            service: node.service, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: logger)
        try await app.test(.live) { client in
            try await Seed.catalog(client)
            let sale = try await Seed.record(Seed.sale("S1-0001"), client)
            #expect(sale.lines.map(\.returnable) == [2])
            let opened = try await Seed.open(Seed.returnOf("S1-0001"), client)
            #expect(opened.status == .approved)
            try await node.expectNothingWritten {
                expectProblem(try await client.send(.post, "sales", raw: "{oops"), .badRequest, "input.malformedJSON")
                expectProblem(
                    try await client.send(.post, "returns/\(opened.id)/close"), .conflict, "return.illegalTransition")
            }
            let health = try await client.get("healthz").decode(HealthStatus.self)
            #expect(health.status == "ok" && health.store == "S1")
        }
        #expect(try node.service.database.verify().isOK)
    }
}
