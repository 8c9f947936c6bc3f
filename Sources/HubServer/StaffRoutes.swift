import HTTPSupport
public import HubStore
import Hummingbird
import HummingbirdBcrypt
import Replication
public import ReturnsDomain

/// Head office defines its people: `PUT /api/v1/staff/{id}` (head office or an operator), also
/// reached from `returnsync hub staff set`. The rules are the core's (`StaffDefinition`); the
/// PIN is hashed here with bcrypt and only the hash travels, to every node.
public enum HubStaff {
    /// bcrypt's cost: 2^10 rounds, about 50–100 ms a check on this kind of machine, once per sign-in.
    public static let bcryptCost: UInt8 = 10

    /// Defines or changes `id` on `store` as `definition` says; answers the member as kept.
    public static func define(
        _ id: StaffID, _ definition: StaffDefinition, on store: any HubStore, by staff: StaffID, now: Int64
    ) async throws -> StaffMember {
        var existing: StaffMember?
        if case .staff(let held)? = try await store.state().record(RecordKey(.staff, id.rawValue))?.body {
            existing = held
        }
        let member = try definition.member(id: id, existing: existing) { Bcrypt.hash($0, cost: bcryptCost) }
        return try await store.defineStaff(member, by: staff, now: now)
    }
}

/// What the hub answers about a staff member: never the PIN's hash.
struct StaffView: Encodable, Sendable {
    var id: StaffID
    var name: String
    var roles: [StaffRole]
    var store: StoreID?
    var language: String?
    var active: Bool

    init(_ m: StaffMember) {
        (id, name, roles, store, language, active) = (m.id, m.name, m.roles, m.store, m.language, m.active)
    }
}

extension HubRoutes {
    func addStaffRoutes(to api: Group) {
        api.put("staff/:id") { request, context in
            let by = try context.headOffice(.people)
            let id = StaffID(try context.pathID())
            let body = try await JSONCoding.decode(StaffDefinition.self, from: request)
            let member = try await HubStaff.define(id, body, on: store, by: StaffID(by), now: clock())
            return try JSONCoding.response(StaffView(member))
        }
    }
}
