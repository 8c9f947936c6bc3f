import Foundation
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Head office's return analytics over everything the stores pushed.
@Suite("Hub API: analytics")
struct AnalyticsRouteTests {
    @Test(
        "GET /api/v1/analytics reports the return rates of what the stores sold and took back",
        arguments: HubBackend.all)
    func analytics(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let office = try await HeadOfficeRoutesTests.trade(hub, client)
            let answer = try await client.call(.get, "/api/v1/analytics", token: office)
            expectStatus(answer, .ok)
            let report = try answer.decode(AnalyticsReport.self)
            let sold = report.ratesBySKU.reduce(0) { $0 + $1.soldUnits }
            let returned = report.ratesBySKU.reduce(0) { $0 + $1.returnedUnits }
            #expect(sold > 0 && returned > 0 && returned <= sold, "\(report.ratesBySKU)")
            #expect(Set(report.ratesByStore.map(\.store)).isSuperset(of: ["S01", "S02"]))

            let text = try await client.call(.get, "/api/v1/analytics?format=text", token: office)
            expectStatus(text, .ok)
            #expect(text.text.contains("RETURN RATE BY SKU"))
            _ = expectProblem(
                try await client.call(.get, "/api/v1/analytics?format=xml", token: office), .unprocessableContent,
                "input.invalidQuery")
        }
    }
}
