import AsyncHTTPClient
import Foundation
import Testing

/// Sync health as an operator's Prometheus sees it: a real `node serve` syncing in the background
/// with a real `hub serve`, both scraped over HTTP.
@Suite("sync health in the metrics, end to end", .serialized)
struct SyncMetricsTests {
    /// `name{labels}` → value of every sample in a Prometheus text answer.
    static func scrape(_ client: HTTPClient, _ url: String) async throws -> [String: Double] {
        let response = try await client.execute(HTTPClientRequest(url: url), timeout: .seconds(5))
        let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
        var samples: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            if parts.count == 2, let value = Double(parts[1]) { samples[String(parts[0])] = value }
        }
        return samples
    }

    /// Scrapes `url` until `condition` holds (or `seconds` pass) and returns the last scrape.
    static func scrape(
        _ client: HTTPClient, _ url: String, within seconds: Double = 20, until condition: ([String: Double]) -> Bool
    ) async throws -> [String: Double] {
        let deadline = Date().addingTimeInterval(seconds)
        var samples = try await scrape(client, url)
        while !condition(samples) && Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            samples = try await scrape(client, url)
        }
        return samples
    }

    @Test(
        "a new node and an empty hub: a round loads no snapshot, so an idle store does not write every 5 s")
    func emptyHubLoadsNothing() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.startHub()
        for _ in 0..<2 {
            let round = try await HubFixture.expectSuccess(["node", "sync", "--data", a.data, "--once"])
            #expect(!round.stdout.contains("bootstrap") && !round.stderr.contains("bootstrap"), "\(round)")
        }
        let quiet = try await f.sync(a)
        #expect(quiet.isQuiet && quiet.checkpoint == 0, "\(quiet)")
    }

    @Test(
        "the node counts its sync rounds and the hub its last pull; a stopped hub shows as failing rounds")
    func syncRoundsInMetrics() async throws {
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 5)
        let client = HTTPClient.shared
        let server = try await NodeServerProcess.start(
            data: a.data, log: f.folder.file("A1-serve.log"), client: client,
            environment: ["RETURNSYNC_NODE_SYNC_SECONDS": "1"])
        defer { server.stop() }

        let ok = "returnsync_node_sync_rounds_total{outcome=\"ok\"}"
        let failed = "returnsync_node_sync_rounds_total{outcome=\"failed\"}"
        let node = try await Self.scrape(client, server.baseURL + "/metrics") {
            ($0[ok] ?? 0) >= 1 && ($0["returnsync_node_sync_events_pushed_total"] ?? 0) >= 2
        }
        #expect((node[ok] ?? 0) >= 1, "\(node)")
        #expect(
            node["returnsync_node_sync_events_pushed_total"] ?? 0 >= 2, "the product and the goods received: \(node)")
        #expect(node[failed] == 0 && node["returnsync_node_sync_consecutive_failures"] == 0, "\(node)")
        let lastSuccess = try #require(node["returnsync_node_sync_last_success_timestamp_seconds"], "\(node)")
        #expect(abs(lastSuccess - Date().timeIntervalSince1970) < 60)

        let hub = try await Self.scrape(client, f.baseURL + "/metrics")
        let lastPull = try #require(hub["returnsync_hub_node_last_pull_timestamp_seconds{node=\"A1\"}"], "\(hub)")
        #expect(abs(lastPull - Date().timeIntervalSince1970) < 60)
        #expect(hub["returnsync_hub_node_revoked{node=\"A1\"}"] == 0)
        #expect(hub["returnsync_hub_node_info{node=\"A1\",store=\"S-A\",role=\"storeNode\"}"] == 1, "\(hub)")

        // The hub goes away: rounds fail; the desk's API still answers. (A round against a hub that
        // is gone fails only when its request's 30 s timeout ends: the HTTP client keeps trying to
        // connect until then.)
        f.stopHub()
        let down = try await Self.scrape(client, server.baseURL + "/metrics", within: 45) {
            ($0["returnsync_node_sync_consecutive_failures"] ?? 0) >= 1
        }
        #expect(
            (down[failed] ?? 0) >= 1 && (down["returnsync_node_sync_consecutive_failures"] ?? 0) >= 1,
            "\(down)\n\(server.logText)")
        #expect(
            down["returnsync_node_sync_last_success_timestamp_seconds"] == lastSuccess
                || (down["returnsync_node_sync_last_success_timestamp_seconds"] ?? 0) >= lastSuccess)

        // The desk reads the same from /healthz for its offline banner.
        let health = try await server.syncHealth(client: client)
        #expect(health?.online == false && (health?.failedRounds ?? 0) >= 1, "\(String(describing: health))")
        #expect(health?.lastSuccess?["millis"] != nil, "\(String(describing: health))")
    }
}
