import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// Repair orders (可维修) opened by grade-C dispositions: look up, progress, complete.
    func addRepairRoutes(to api: Group) {
        api.get("repairs/:id") { _, context in
            let id = RepairOrderID(try context.pathID())
            guard let repair = try await service.read({ try $0.repair(id) }), repair.order != nil else {
                throw DomainError.invalid("repair.notFound", "no repair order \(id)")
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
