import HubTesting

extension HubBackend {
    /// A fresh, empty hub database in `Fixtures.eur` (HubTesting holds the backends).
    func makeHub() async throws -> HubHandle { try await makeHub(currency: Fixtures.eur) }
}
