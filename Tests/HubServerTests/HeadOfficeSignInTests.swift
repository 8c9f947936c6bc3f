import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import ReturnsDomain
import Testing

/// Head-office users sign in with a password: a session cookie for the page, a CSRF token for
/// every change, roles that decide what each may read and do; machines keep their tokens.
@Suite("Hub API: head-office users, sign-in and roles")
struct HeadOfficeSignInTests {
    static let password = "a long passphrase 密码"

    /// Defines `id` with `roles` straight in the store (what `hub user set` does).
    static func define(_ hub: HubFixture, _ id: String, _ roles: [HeadOfficeRole]) async throws {
        _ = try await HeadOfficeSignIn.define(
            HeadOfficeUserID(id), HeadOfficeUserDefinition(name: "陈静", roles: roles, password: password),
            on: hub.store)
    }

    /// Signs in; answers the session cookie (`name=value`) and the CSRF token.
    static func signIn(_ client: some TestClientProtocol, _ id: String, _ password: String = password) async throws
        -> (response: TestResponse, cookie: String?, csrf: String?)
    {
        let response = try await client.call(
            .post, "/api/v1/sign-in", token: nil, raw: try jsonText(["user": id, "password": password]))
        let setCookie = response.headers[.setCookie]
        let cookie = setCookie?.split(separator: ";").first.map(String.init)
        let csrf =
            (try? JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])?["csrfToken"]
            as? String
        return (response, cookie, csrf)
    }

    /// A request as the signed-in page sends it.
    static func send(
        _ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, cookie: String,
        csrf: String? = nil, body: String? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [.cookie: cookie]
        if let csrf { headers[.init("X-CSRF-Token")!] = csrf }
        if body != nil { headers[.contentType] = "application/json" }
        return try await client.execute(
            uri: path, method: method, headers: headers, body: body.map { .init(string: $0) })
    }

    @Test(
        "a password signs in with a secure cookie; wrong ones are refused and lock the user out",
        arguments: HubBackend.all)
    func signIn(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            try await Self.define(hub, "hq.chen", [.finance])
            expectProblem(
                try await Self.signIn(client, "hq.chen", "wrong password").response, .unprocessableContent,
                "auth.passwordFailed")
            expectProblem(
                try await Self.signIn(client, "nobody", Self.password).response, .unprocessableContent,
                "auth.passwordFailed")

            let (response, cookie, csrf) = try await Self.signIn(client, "hq.chen")
            expectStatus(response, .created)
            let setCookie = try #require(response.headers[.setCookie])
            for attribute in ["HttpOnly", "Secure", "SameSite=Strict", "Path=/"] {
                #expect(setCookie.contains(attribute), "\(setCookie)")
            }
            let session = try #require(cookie)
            #expect(csrf != nil)
            let me = try await Self.send(client, .get, "/api/v1/me", cookie: session)
            let access = try #require(try JSONSerialization.jsonObject(with: Data(buffer: me.body)) as? [String: Any])
            #expect(access["name"] as? String == "陈静" && access["kind"] as? String == "user")
            #expect(access["permissions"] as? [String] == ["reports", "books"])

            // Signed out, the cookie no longer works.
            expectStatus(
                try await Self.send(client, .post, "/api/v1/sign-out", cookie: session, csrf: csrf), .noContent)
            expectProblem(
                try await Self.send(client, .get, "/api/v1/me", cookie: session), .unauthorized, "auth.sessionExpired")

            // Five wrong passwords lock the user out, even with the right one after.
            for _ in 1...PINLockout.attempts {
                expectProblem(
                    try await Self.signIn(client, "hq.chen", "wrong password").response, .unprocessableContent,
                    "auth.passwordFailed")
            }
            expectProblem(
                try await Self.signIn(client, "hq.chen").response, .unprocessableContent, "auth.passwordLocked")

            // A user who left cannot sign in.
            _ = try await HeadOfficeSignIn.define(
                "hq.chen", HeadOfficeUserDefinition(name: "陈静", roles: [.finance], active: false), on: hub.store)
            #expect(try await hub.store.user("hq.chen")?.user.active == false)
        }
    }

    @Test("each role reads and does what it holds; a change needs the CSRF token", arguments: HubBackend.all)
    func roles(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            try await Self.define(hub, "hq.analyst", [.analyst])
            try await Self.define(hub, "hq.finance", [.finance])
            try await Self.define(hub, "hq.lp", [.lossPrevention])
            try await Self.define(hub, "hq.ops", [.operator])
            var sessions: [String: (cookie: String, csrf: String)] = [:]
            for id in ["hq.analyst", "hq.finance", "hq.lp", "hq.ops"] {
                let signedIn = try await Self.signIn(client, id)
                sessions[id] = (try #require(signedIn.cookie), try #require(signedIn.csrf))
            }
            func get(_ id: String, _ path: String) async throws -> TestResponse {
                try await Self.send(client, .get, path, cookie: sessions[id]!.cookie)
            }
            for id in sessions.keys {
                for path in ["/api/v1/returns", "/api/v1/exceptions", "/api/v1/stock", "/api/v1/sync-status"] {
                    expectStatus(try await get(id, path), .ok)
                }
            }
            // The books: finance and operators.
            expectProblem(try await get("hq.analyst", "/api/v1/journal.csv"), .forbidden, "auth.forbidden")
            expectProblem(try await get("hq.lp", "/api/v1/verify"), .forbidden, "auth.forbidden")
            expectStatus(try await get("hq.finance", "/api/v1/journal.csv"), .ok)
            expectStatus(try await get("hq.ops", "/api/v1/verify"), .ok)

            // Resolving an exception: loss prevention and operators; the CSRF token is needed.
            let resolve = try jsonText(["id": "nope", "note": "checked"])
            func post(_ id: String, csrf: Bool = true) async throws -> TestResponse {
                try await Self.send(
                    client, .post, "/api/v1/exceptions/resolve", cookie: sessions[id]!.cookie,
                    csrf: csrf ? sessions[id]!.csrf : nil, body: resolve)
            }
            expectProblem(try await post("hq.finance"), .forbidden, "auth.forbidden")
            expectProblem(try await post("hq.lp", csrf: false), .forbidden, "auth.csrf")
            expectProblem(try await post("hq.lp"), .notFound, "exception.notFound")

            // People: operators define staff and users; nobody else.
            let user = try jsonText(
                HeadOfficeUserDefinition(
                    name: "王芳", roles: [.analyst], language: "zh-CN", password: "another passphrase"))
            expectProblem(
                try await Self.send(
                    client, .put, "/api/v1/users/hq.wang", cookie: sessions["hq.lp"]!.cookie,
                    csrf: sessions["hq.lp"]!.csrf, body: user), .forbidden, "auth.forbidden")
            let made = try await Self.send(
                client, .put, "/api/v1/users/hq.wang", cookie: sessions["hq.ops"]!.cookie,
                csrf: sessions["hq.ops"]!.csrf, body: user)
            expectStatus(made, .ok)
            #expect(String(buffer: made.body).contains("王芳") && !String(buffer: made.body).contains("$2"))
            expectProblem(
                try await Self.send(
                    client, .put, "/api/v1/users/hq.short", cookie: sessions["hq.ops"]!.cookie,
                    csrf: sessions["hq.ops"]!.csrf,
                    body: try jsonText(HeadOfficeUserDefinition(name: "x", roles: [.analyst], password: "short"))),
                .unprocessableContent, "user.invalid")

            // Machines keep their tokens; a store's token is no head office.
            let office = try await hub.enroll("HO-1", store: nil, role: .headOffice)
            let store = try await hub.enroll("S01-a", store: "S01")
            expectStatus(try await client.call(.get, "/api/v1/users", token: office), .ok)
            expectProblem(try await client.call(.get, "/api/v1/users", token: store), .forbidden, "auth.forbidden")
            expectProblem(try await client.call(.get, "/api/v1/users", token: nil), .unauthorized, "auth.missing")
        }
    }
}
