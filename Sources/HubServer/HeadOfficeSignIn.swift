import Foundation
import HTTPSupport
public import HubStore
import Hummingbird
import HummingbirdBcrypt
import NIOPosix
public import ReturnsDomain

/// Head-office users sign in with a password (bcrypt, hummingbird-auth's `HummingbirdBcrypt`):
/// `POST /api/v1/sign-in` sets a session cookie (`HttpOnly`, `Secure`, `SameSite=Strict`) and
/// answers a CSRF token the page sends back on every change (`X-CSRF-Token`). Machines keep
/// their tokens. Five wrong passwords lock the user out for 15 minutes (`PINLockout`).
public enum HeadOfficeSignIn {
    /// The session cookie's name.
    static let cookie = "returnsync_hub_session"
    static let csrfHeader = "X-CSRF-Token"

    /// The session cookie as the hub sets it (`maxAge` 0 clears it): never readable by the page's
    /// script, sent only over TLS or loopback, never on another site's request.
    static func setCookie(_ token: String, maxAge: Int64) -> String {
        "\(cookie)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; Secure; SameSite=Strict"
    }

    /// The session token in the request's cookies, if any.
    static func sessionToken(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(cookie + "=") { return String(pair.dropFirst(cookie.count + 1)) }
            }
        }
        return nil
    }

    /// Defines or changes `id` as `definition` says (`HeadOfficeUserDefinition`: the core's
    /// rules); answers the user as kept.
    public static func define(
        _ id: HeadOfficeUserID, _ definition: HeadOfficeUserDefinition, on store: any HubStore
    ) async throws -> HeadOfficeUser {
        let existing = try await store.user(id)?.user
        let user = try definition.user(id: id, existing: existing) { Bcrypt.hash($0, cost: HubStaff.bcryptCost) }
        try await store.defineUser(user)
        return user
    }

    /// bcrypt's check, off the tasks' threads (it takes tens of milliseconds on purpose), as
    /// HummingbirdBcrypt's documentation advises.
    static func verify(_ password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A hash to check a password against when the user does not exist, so that a wrong user
    /// takes as long to refuse as a wrong password.
    static let decoy = Bcrypt.hash("decoy-password-never-given", cost: HubStaff.bcryptCost)
}

/// `POST /api/v1/sign-in`.
struct SignInBody: Codable, Sendable {
    var user: HeadOfficeUserID
    var password: String
}

/// What the sign-in answers: who, and the CSRF token for changes.
struct SignInAnswer: Encodable, Sendable {
    var me: HeadOfficeAccess
    var csrfToken: String
}

/// A head-office user as the API shows them: never the password's hash.
struct HeadOfficeUserView: Encodable, Sendable {
    var id: HeadOfficeUserID
    var name: String
    var roles: [HeadOfficeRole]
    var language: String?
    var active: Bool

    init(_ u: HeadOfficeUser) { (id, name, roles, language, active) = (u.id, u.name, u.roles, u.language, u.active) }
}

extension HubRoutes {
    /// The sign-in itself needs no credential: it is added to the router, outside `/api/v1`'s
    /// authentication.
    func addSignInRoute(to router: Router<HubRequestContext>) {
        router.post("api/v1/sign-in") { request, context in
            let body = try await JSONCoding.decode(SignInBody.self, from: request)
            let now = clock()
            let refused = Problem(code: "auth.passwordFailed", detail: "no head-office user has that id and password")
            guard let (user, failures) = try await store.user(body.user), user.active else {
                _ = try await HeadOfficeSignIn.verify(body.password, hash: HeadOfficeSignIn.decoy)
                throw refused
            }
            guard !PINLockout.isLocked(failures, now: now) else {
                throw Problem(
                    code: "auth.passwordLocked",
                    detail: "\(user.id) gave \(PINLockout.attempts) wrong passwords: try again in 15 minutes")
            }
            guard try await HeadOfficeSignIn.verify(body.password, hash: user.passwordHash) else {
                try await store.setSignInFailures(user.id, PINLockout.failed(failures, now: now))
                throw refused
            }
            if failures != nil { try await store.setSignInFailures(user.id, nil) }
            let token = TokenHash.newToken()
            let csrf = TokenHash.newToken()
            let session = HeadOfficeSession(
                tokenHash: TokenHash.of(token), csrfHash: TokenHash.of(csrf), user: user.id,
                expiresAt: now + HeadOfficeUser.sessionLength)
            try await store.startSession(session)
            var signedIn = context
            signedIn.user = user
            signedIn.session = session
            var response = try JSONCoding.response(
                SignInAnswer(me: try HeadOfficeAccess(signedIn), csrfToken: csrf), status: .created)
            response.headers[.setCookie] = HeadOfficeSignIn.setCookie(
                token, maxAge: HeadOfficeUser.sessionLength / 1000)
            return response
        }
    }

    /// Who is calling; signing out; head-office users (an operator's).
    func addUserRoutes(to api: Group) {
        api.get("me") { _, context in try JSONCoding.response(try HeadOfficeAccess(context)) }
        api.post("sign-out") { _, context in
            if let session = context.session { try await store.endSession(tokenHash: session.tokenHash) }
            var response = Response(status: .noContent)
            response.headers[.setCookie] = HeadOfficeSignIn.setCookie("", maxAge: 0)
            return response
        }
        api.get("users") { request, context in
            _ = try context.headOffice(.people)
            return try ListPage.response(
                try await store.users().map(HeadOfficeUserView.init), key: \.id.rawValue, request: request,
                path: "users")
        }
        api.put("users/:id") { request, context in
            _ = try context.headOffice(.people)
            let body = try await JSONCoding.decode(HeadOfficeUserDefinition.self, from: request)
            let user = try await HeadOfficeSignIn.define(
                HeadOfficeUserID(try context.pathID()), body, on: store)
            return try JSONCoding.response(HeadOfficeUserView(user))
        }
    }
}
