import Hummingbird
import NodeStore
import ReturnsDomain

extension NodeRoutes {
    /// Set-up of the store: products, goods received, reorder points, the return policy, customers.
    func addCatalogRoutes(to api: Group) {
        api.post("products") { request, _ in
            let product = try await JSONCoding.decode(Product.self, from: request)
            try await service.defineProduct(product, staff: request.staff)
            let stored = try await service.read { try $0.product(product.sku) } ?? product
            return try JSONCoding.response(
                stored, status: .created, location: "\(NodeAPI.prefix)/products/\(product.sku)")
        }
        api.get("products") { _, _ in
            try JSONCoding.response(try await service.read { try $0.products() })
        }
        api.post("inventory/receipts") { request, _ in
            let body = try await JSONCoding.decode(InventoryReceiptBody.self, from: request)
            try await service.receiveInventory(
                sku: body.sku, quantity: body.quantity, unitCost: body.unitCost, vendor: body.vendor,
                staff: request.staff)
            let store = service.identity.store
            let rows = try await service.read { try $0.stock(sku: body.sku, store: store) }
            return try JSONCoding.response(SKUStock(sku: body.sku, stock: rows), status: .created)
        }
        api.post("reorder-points") { request, _ in
            let body = try await JSONCoding.decode(ReorderPointBody.self, from: request)
            try await service.setReorderPoint(sku: body.sku, minimum: body.minimum, staff: request.staff)
            return try JSONCoding.response(
                ReorderPoint(store: service.identity.store, sku: body.sku, minimum: body.minimum))
        }
        api.put("policy") { request, _ in
            let policy = try await JSONCoding.decode(ReturnPolicy.self, from: request)
            try await service.setPolicy(policy, staff: request.staff)
            return try JSONCoding.response(try await service.policyInForce().document)
        }
        api.get("policy") { _, _ in
            try JSONCoding.response(try await service.policyInForce().document)
        }
        api.post("customers") { request, _ in
            let customer = try await JSONCoding.decode(Customer.self, from: request)
            try await service.registerCustomer(customer, staff: request.staff)
            let stored = try await service.read { try $0.customer(customer.id) } ?? customer
            return try JSONCoding.response(
                stored, status: .created, location: "\(NodeAPI.prefix)/customers/\(customer.id)")
        }
    }
}
