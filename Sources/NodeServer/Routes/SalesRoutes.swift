import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// `POST /sales` (the POS posts its sales), `POST /resales` (B-grade units sold at the desk),
    /// `GET /sales/{id}`, `GET /sales?phone=|serial=|customer=`.
    func addSalesRoutes(to api: Group) {
        api.post("sales") { request, _ in
            let sale = try await JSONCoding.decode(Sale.self, from: request)
            let view = try await service.recordSale(
                sale, staff: request.staff, authoriser: try await request.authoriser(service),
                signedIn: AuthenticatedStaff.id != nil)
            return try JSONCoding.response(view, status: .created, location: "\(NodeAPI.prefix)/sales/\(sale.id)")
        }
        // B-grade units sold at the desk, out of refurbished stock, under a receipt minted here.
        api.post("resales") { request, _ in
            let resale = try await JSONCoding.decode(ResaleCommand.self, from: request)
            let view = try await service.resell(
                resale, staff: request.staff, authoriser: try await request.authoriser(service),
                signedIn: AuthenticatedStaff.id != nil)
            return try JSONCoding.response(
                view, status: .created, location: "\(NodeAPI.prefix)/sales/\(view.sale.id)")
        }
        api.get("sales/:id") { _, context in
            let id = SaleID(try context.pathID())
            guard let view = try await service.read({ try $0.saleView(id) }) else {
                throw DomainError.invalid(
                    "sale.notFound", "no sale with receipt \(id) on this node", ["receipt": "\(id)"])
            }
            return try JSONCoding.response(view)
        }
        api.get("sales") { request, _ in
            let phone = request.query("phone")
            let serial = request.query("serial")
            let customer = request.query("customer").map(CustomerID.init)
            guard phone != nil || serial != nil || customer != nil else {
                throw Problem(code: Problem.Code.invalidQuery, detail: "find sales by `phone`, `serial` or `customer`")
            }
            let views = try await service.read { try $0.findSales(phone: phone, serial: serial, customer: customer) }
            return try JSONCoding.response(views)
        }
    }
}
