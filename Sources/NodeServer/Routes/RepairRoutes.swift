import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// Repair orders (可维修) opened by grade-C dispositions: look up, progress, complete.
    func addRepairRoutes(to api: Group) {
        // The repair queue: this store's orders, open ones only unless `all=true`.
        api.get("repairs") { request, _ in
            let all = try request.queryCase("all", as: Flag.self) == .true
            let store = service.identity.store
            return try JSONCoding.response(try await service.read { try $0.repairs(store: store, open: !all) })
        }
        api.get("repairs/:id") { _, context in
            let id = RepairOrderID(try context.pathID())
            guard let repair = try await service.read({ try $0.repair(id) }), repair.order != nil else {
                throw DomainError.invalid("repair.notFound", "no repair order \(id)", ["repair": "\(id)"])
            }
            return try JSONCoding.response(repair)
        }
        api.post("repairs/:id/progress") { request, context in
            let id = RepairOrderID(try context.pathID())
            let body = try await JSONCoding.decode(RepairProgressBody.self, from: request)
            let repair = try await service.progressRepair(
                id, status: body.status, parts: body.parts ?? [], laborCost: body.laborCost, staff: request.staff)
            return try JSONCoding.response(repair)
        }
        api.post("repairs/:id/complete") { request, context in
            let id = RepairOrderID(try context.pathID())
            let body = try await JSONCoding.decode(RepairCompletionBody.self, from: request)
            let repair = try await service.completeRepair(
                id, outcome: body.outcome, totalCost: body.totalCost, staff: request.staff)
            return try JSONCoding.response(repair)
        }
    }
}

/// A query flag: `true` or `false`.
enum Flag: String, CaseIterable, Sendable {
    case `true`, `false`
}
