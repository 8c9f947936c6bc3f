import Foundation
import Testing

/// Head office's dashboard (`GET /dashboard`) in a real browser: headless Chromium loads the page
/// from a real hub process, runs its script, which reads the API with a head-office token, and
/// prints the DOM it built. CI installs Chromium (`.ci/run`); on a machine without it this test
/// fails and says what to install.
@Suite("the head-office dashboard in a real browser", .serialized)
struct DashboardBrowserTests {
    /// The page's DOM after its script ran (and its requests finished), and that DOM's text.
    static func render(_ url: String, profile: TemporaryFolder) async throws -> (dom: String, text: String) {
        let result = try await run(
            try Browser.url(),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--user-data-dir=\(profile.url.path)", "--virtual-time-budget=10000", "--dump-dom", url,
            ])
        #expect(result.status == 0, "\(result)")
        var text = result.stdout
        for pattern in ["<script[^>]*>.*?</script>", "<style[^>]*>.*?</style>", "<[^>]+>"] {
            text = text.replacingOccurrences(of: pattern, with: " ", options: [.regularExpression])
        }
        text = text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(
            of: "\\s+", with: " ", options: .regularExpression)
        return (result.stdout, text)
    }

    @Test(
        "the page reads sync health, the over-return, returns and stock through the API with a head-office token")
    func dashboardShowsTheCompany() async throws {
        _ = try Browser.url()
        let f = try await HubFixture()
        defer { f.stopAll() }
        let a = try await f.addNode("A1", store: "S-A")
        let b = try await f.addNode("B1", store: "S-B")
        try await f.startHub()
        try await f.seedCatalog(a, stock: 20)
        try await f.recordSale(a, id: "S-A-1", quantity: 1)
        try await f.syncUntilQuiet([a, b])
        // B, cut off, takes back the unit A takes back too: an over-return for head office.
        try await f.cutOff(b)
        try await f.createReturn(a, sale: "S-A-1")
        try await f.sync(a)
        try await f.createReturn(b, sale: "S-A-1")
        try await f.reconnect(b)
        try await f.syncUntilQuiet([a, b])
        let office = try await f.enroll(node: "HQ-1", store: nil, role: "headOffice")
        // An online shop that works through the hub's API and never pulls: not "behind" on anything.
        _ = try await f.enroll(node: "WEB-1", store: "WEB", role: "onlineChannel")

        let profile = try TemporaryFolder("e2e-browser")
        defer { profile.remove() }
        let page = try await Self.render("\(f.baseURL)/dashboard#token=\(office)", profile: profile)
        #expect(page.dom.contains("data-loaded="), "the script finished a refresh: \(page.text)")
        for shown in [
            "A1", "B1", "return.overReturn", "sale:S-A-1", "Resolve", "RT-S-A-000001", "RT-S-B-000001", "MUG-1",
        ] {
            #expect(page.text.contains(shown), "the dashboard does not show \(shown): \(page.text)")
        }
        #expect(!page.text.contains("auth."), "no problem shown: \(page.text)")
        #expect(page.text.contains("WEB-1") && page.text.contains("does not pull"), "\(page.text)")
        // The trends are drawn: one bar chart of the return rate and one of the cost, by month.
        #expect(page.dom.components(separatedBy: "class=\"bars\"").count - 1 == 2, "\(page.dom)")

        // A token the hub does not know: the page shows the hub's problem and asks to sign in.
        let stranger = try TemporaryFolder("e2e-browser")
        defer { stranger.remove() }
        let refused = try await Self.render("\(f.baseURL)/dashboard#token=not-a-token", profile: stranger)
        #expect(refused.text.contains("auth.unknown"), "\(refused.text)")
        #expect(!refused.text.contains("RT-S-A-000001"))
    }
}
