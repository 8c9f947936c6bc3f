import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubStorePostgres
import HubStoreSQLite
import HubTesting
import Hummingbird
import HummingbirdTesting
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Who may call what: bearer tokens looked up by their SHA-256, roles per route.
@Suite("Hub API: authentication and roles")
struct AuthTests {
    @Test(
        "no token, an unknown token and a revoked one are 401 auth.missing, 401 auth.unknown, 403 auth.revoked",
        arguments: HubBackend.all)
    func refusedCredentials(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let token = try await hub.enroll("S01-a", store: "S01")
            for path in ["\(SyncRoutes.pull)?after=0", "/api/v1/stock"] {
                expectProblem(try await client.call(.get, path, token: nil), .unauthorized, "auth.missing")
                expectProblem(
                    try await client.call(.get, path, token: TokenHash.newToken()), .unauthorized, "auth.unknown")
            }
            // A scheme other than Bearer is no credential at all.
            let basic = try await client.execute(
                uri: "/api/v1/stock", method: .get, headers: [.authorization: "Basic \(token)"], body: nil)
            expectProblem(basic, .unauthorized, "auth.missing")
            // The hub stores only the hash: the hash itself is not a token.
            expectProblem(
                try await client.call(.get, "/api/v1/stock", token: TokenHash.of(token)), .unauthorized, "auth.unknown")
            expectStatus(try await client.call(.get, "/api/v1/stock", token: token), .ok)

            try await hub.store.revoke(node: "S01-a")
            expectProblem(try await client.pull(after: 0, token: token), .forbidden, "auth.revoked")
            expectProblem(try await client.call(.get, "/api/v1/stock", token: token), .forbidden, "auth.revoked")
            let node = try StoreNode("S01-a", store: "S01")
            try await node.setUp()
            expectProblem(try await client.push(try await node.changeSet(), token: token), .forbidden, "auth.revoked")
            #expect(try await hub.store.state().eventCount() == 0)
        }
    }

    @Test("a store node may not call head office's routes: 403 auth.forbidden", arguments: HubBackend.all)
    func storeNodeIsNotHeadOffice(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let store = try await hub.enroll("S01-a", store: "S01")
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            for path in ["exceptions", "sync-status", "incidents", "returns", "journal.csv", "verify"] {
                expectProblem(
                    try await client.call(.get, "/api/v1/\(path)", token: store), .forbidden, "auth.forbidden")
                expectStatus(try await client.call(.get, "/api/v1/\(path)", token: office), .ok)
            }
            // What any enrolled caller may read (stores look at other stores' stock and sales).
            for path in ["stock", "customers/C1/history"] {
                expectStatus(try await client.call(.get, "/api/v1/\(path)", token: store), .ok)
            }
            expectProblem(try await client.call(.get, "/api/v1/sales/R-1", token: store), .notFound, "sale.notFound")
        }
    }

    @Test("an admin credential authors no events: its push is 403 auth.forbidden", arguments: HubBackend.all)
    func adminMayNotPush(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let admin = try await hub.enroll("OPS-1", store: nil, role: .admin)
            let node = try StoreNode("OPS-1", store: "S01")
            try await node.setUp()
            expectProblem(try await client.push(try await node.changeSet(), token: admin), .forbidden, "auth.forbidden")
            #expect(try await hub.store.state().eventCount() == 0)
        }
    }

    @Test("/healthz and /metrics answer without a token", arguments: HubBackend.all)
    func probesNeedNoToken(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            let health = try await client.call(.get, "/healthz", token: nil)
            expectStatus(health, .ok)
            #expect(health.contentType == "application/json")
            let body = try health.decode([String: String].self)
            #expect(body["status"] == "ok")
            #expect(body["epoch"] == (try await hub.store.epoch()))
            expectStatus(try await client.call(.get, "/metrics", token: nil), .ok)
            // Unknown routes are problems too, before any credential is asked for.
            expectProblem(try await client.call(.get, "/nowhere", token: nil), .notFound, "route.notFound")
            // A known path with a method it does not have: 405 with the methods it has.
            let delete = try await client.call(.delete, "/sync/v1/pull", token: nil)
            expectProblem(delete, .methodNotAllowed, "route.methodNotAllowed")
            #expect(delete.headers[.allow] == "GET")
        }
    }

    @Test(
        "/healthz writes to the database: a hub whose database is gone answers 503 hub.databaseUnavailable",
        arguments: HubBackend.all)
    func healthWithoutDatabase(backend: HubBackend) async throws {
        let hub = try await HubFixture(backend)
        defer { hub.handle.remove() }
        let app = Application(router: buildHubRouter(store: hub.store, clock: { HubFixture.now }))
        try await app.test(.router) { client in
            // The probe gives the database 2 s; on a machine busy with the whole suite one write
            // may take longer, so a healthy hub is asked again before the test gives up on it.
            var healthy = try await client.call(.get, "/healthz", token: nil)
            for _ in 0..<4 where healthy.status != .ok { healthy = try await client.call(.get, "/healthz", token: nil) }
            expectStatus(healthy, .ok)
            // Take the database away underneath the running hub.
            switch hub.store {
            case let sqlite as SQLiteHubStore: try sqlite.database.writer.close()
            case let postgres as PostgresHubStore: postgres.close()
            default: Issue.record("a backend this test does not know: \(type(of: hub.store))")
            }
            let answer = try await client.call(.get, "/healthz", token: nil)
            _ = expectProblem(answer, .serviceUnavailable, "hub.databaseUnavailable")
            #expect(answer.text.contains("cannot be written to right now"), "no driver text: \(answer.text)")
            #expect(!answer.text.contains("SQLite") && !answer.text.contains("Pool"), "no driver text: \(answer.text)")
            // The process itself still answers its liveness probe.
            expectStatus(try await client.call(.get, "/livez", token: nil), .ok)
        }
    }
}
