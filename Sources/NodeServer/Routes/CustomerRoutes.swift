import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// A customer's return history and store-credit account.
    func addCustomerRoutes(to api: Group) {
        api.get("customers/:id/history") { _, context in
            let id = CustomerID(try context.pathID())
            return try JSONCoding.response(try await service.read { try $0.customerHistory(id) })
        }
        api.get("customers/:id/store-credit") { request, context in
            let id = CustomerID(try context.pathID())
            let currency = request.queryValue("currency").map { Currency($0) } ?? service.identity.currency
            guard currency.isWellFormed else {
                throw Problem(
                    code: Problem.Code.invalidQuery, detail: "`currency` is an ISO 4217 code, three capital letters")
            }
            let balance = try await service.read { try $0.storeCredit(id, currency: currency) }
            return try JSONCoding.response(StoreCreditBalance(customer: id, balance: balance))
        }
        api.post("customers/:id/store-credit") { request, context in
            let id = CustomerID(try context.pathID())
            let body = try await JSONCoding.decode(StoreCreditAdjustmentBody.self, from: request)
            let balance = try await service.adjustStoreCredit(
                customer: id, amount: body.amount, memo: body.memo, staff: request.staff)
            return try JSONCoding.response(StoreCreditBalance(customer: id, balance: balance))
        }
    }
}
