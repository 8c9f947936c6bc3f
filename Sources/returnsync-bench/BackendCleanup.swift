import Benchmarks

extension HubBenchBackend {
    /// Runs `body` on this backend and removes the databases it made afterwards, whatever happens.
    func cleaningUp<T>(_ body: () async throws -> T) async throws -> T {
        do {
            let result = try await body()
            try? await cleanup()
            return result
        } catch {
            try? await cleanup()
            throw error
        }
    }
}
