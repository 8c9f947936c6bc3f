import Foundation
import HTTPSupport
import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// Signing staff in at the desk: `POST sessions` (staff id and PIN, checked here offline too),
    /// `GET sessions/current`, `DELETE sessions/current`.
    func addStaffRoutes(to api: Group) {
        api.post("sessions") { request, _ in
            let body = try await JSONCoding.decode(SignInBody.self, from: request)
            let token = TokenHash.newToken()
            let session = try await service.signIn(staff: body.staff, pin: body.pin, tokenHash: TokenHash.of(token))
            return try JSONCoding.response(SignedIn(token: token, session: session), status: .created)
        }
        // Who works here (never a PIN or its hash): the desk shows names for the staff ids steps record.
        api.get("staff") { _, _ in
            let store = service.identity.store
            let roster = try await service.read { try $0.staffRoster() }
            return try JSONCoding.response(
                roster.filter { $0.store == nil || $0.store == store }.sorted { $0.id < $1.id }.map(StaffListing.init))
        }
        api.get("sessions/current") { request, _ in
            guard let token = request.headers[.init("X-Staff-Session")!],
                let session = try await service.session(tokenHash: TokenHash.of(token))
            else {
                throw Problem(code: "auth.sessionExpired", status: .unauthorized, detail: "no one is signed in here")
            }
            return try JSONCoding.response(session)
        }
        api.delete("sessions/current") { request, _ in
            if let token = request.headers[.init("X-Staff-Session")!] {
                try await service.signOut(tokenHash: TokenHash.of(token))
            }
            return Response(status: .noContent)
        }
    }
}

/// A staff member as `GET /api/v1/staff` lists them.
struct StaffListing: Encodable, Sendable {
    var id: StaffID
    var name: String
    var roles: [StaffRole]
    var store: StoreID?
    var active: Bool

    init(_ m: StaffMember) {
        (id, name, roles, store, active) = (m.id, m.name, m.roles, m.store, m.active)
    }
}

/// `POST /api/v1/sessions`.
struct SignInBody: Codable, Sendable {
    var staff: StaffID
    var pin: String
}

/// The answer to a sign-in: the token to send as `X-Staff-Session`, shown once, and who it is.
struct SignedIn: Encodable, Sendable {
    var token: String
    var session: StaffSession
}

extension Request {
    /// A manager's authority for this one step, given at another's desk: `X-Authorised-By` (their
    /// staff id, percent-encoded) and `X-Authoriser-PIN`, checked like a sign-in. Nil without them.
    func authoriser(_ service: NodeService) async throws -> StaffMember? {
        guard let raw = headers[.init("X-Authorised-By")!] else { return nil }
        let staff = StaffID((raw.removingPercentEncoding ?? raw).trimmingCharacters(in: .whitespaces))
        return try await service.authoriser(staff, pin: headers[.init("X-Authoriser-PIN")!] ?? "")
    }
}
