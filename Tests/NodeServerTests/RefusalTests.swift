import Foundation
import HummingbirdTesting
import NodeServer
import NodeStore
import Replication
import ReturnsDomain
import Testing

/// Every refusal is an RFC 9457 problem with a stable code, and writes nothing.
@Suite("Bad input is refused with problem+json and writes nothing")
struct RefusalTests {
    @Test(
        "malformed or mis-shaped JSON is a 400 input.malformedJSON",
        arguments: [
            ("sales", "{not json"),
            ("sales", ""),
            ("sales", #"{"id":"S1-9"}"#),
            ("returns", #"{"sale":"S1-0001","lines":3}"#),
            ("products", #"{"sku":"X","name":"X","category":"c","unitPrice":{"minor":"ten","currency":"EUR"}}"#),
            ("inventory/receipts", "[1,2,3]"),
            ("returns/RT-1/refund", #"{"method":"teleport"}"#),
            ("returns/RT-1/inspect", #"{"grades":[{"line":1,"grade":"z","quantity":1}]}"#),
        ])
    func malformedJSON(path: String, body: String) async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await node.expectNothingWritten {
                expectProblem(try await client.send(.post, path, raw: body), .badRequest, "input.malformedJSON")
            }
        }
    }

    @Test("an unknown SKU is refused wherever a SKU is named")
    func unknownSKU() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            var sale = Seed.sale("S1-0001")
            sale.lines[0].sku = "NOPE"
            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(
                        .post, "inventory/receipts", json: InventoryReceiptBody(sku: "NOPE", quantity: 1)),
                    .unprocessableContent, "catalog.unknownSKU")
                expectProblem(
                    try await client.send(.post, "reorder-points", json: ReorderPointBody(sku: "NOPE", minimum: 1)),
                    .unprocessableContent, "catalog.unknownSKU")
                expectProblem(
                    try await client.send(.post, "sales", json: sale), .unprocessableContent, "catalog.unknownSKU")
            }
        }
    }

    @Test("zero and negative quantities are refused", arguments: [0, -3])
    func nonPositiveQuantity(quantity: Int) async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            try await node.expectNothingWritten {
                let receipt = InventoryReceiptBody(sku: "KETTLE", quantity: quantity)
                expectProblem(
                    try await client.send(.post, "inventory/receipts", json: receipt), .unprocessableContent,
                    "input.invalidQuantity")
                expectProblem(
                    try await client.send(.post, "sales", json: Seed.sale("S1-0002", quantity: quantity)),
                    .unprocessableContent, "input.invalidQuantity")
                expectProblem(
                    try await client.send(.post, "returns", json: Seed.returnOf("S1-0001", quantity: quantity)),
                    .unprocessableContent, "input.invalidQuantity")
            }
        }
    }

    @Test("returning more than is returnable is refused, also across two returns")
    func overReturn() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(.post, "returns", json: Seed.returnOf("S1-0001", quantity: 3)),
                    .unprocessableContent, "return.overReturn")
            }
            _ = try await Seed.open(Seed.returnOf("S1-0001", quantity: 2), client)
            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(.post, "returns", json: Seed.returnOf("S1-0001", quantity: 1)),
                    .unprocessableContent, "return.overReturn")
                let evaluated = try await client.send(.post, "policy/evaluate", json: Seed.returnOf("S1-0001"))
                expectProblem(evaluated, .unprocessableContent, "return.overReturn")
            }
        }
    }

    @Test("a step out of order is a 409 return.illegalTransition")
    func illegalTransition() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let id = try await Seed.open(Seed.returnOf("S1-0001"), client).id
            try await node.expectNothingWritten {
                let grades = InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 1)])
                expectProblem(
                    try await client.send(.post, "returns/\(id)/inspect", json: grades), .conflict,
                    "return.illegalTransition")
                expectProblem(
                    try await client.send(.post, "returns/\(id)/close"), .conflict, "return.illegalTransition")
                expectProblem(
                    try await client.send(.post, "returns/\(id)/approve", json: ApproveBody()), .conflict,
                    "return.illegalTransition")
                expectProblem(
                    try await client.send(.post, "returns/\(id)/refund", json: RefundBody(method: .cash)), .conflict,
                    "return.illegalTransition")
            }
            #expect(try await client.get("returns/\(id)").decode(ReturnView.self).status == .approved)
        }
    }

    @Test("unknown returns, sales and repairs are 404 problems")
    func unknownIDs() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await node.expectNothingWritten {
                expectProblem(try await client.get("returns/RT-404"), .notFound, "return.notFound")
                for action in ["approve", "receive", "close"] {
                    expectProblem(
                        try await client.send(.post, "returns/RT-404/\(action)", raw: "{}"), .notFound,
                        "return.notFound")
                }
                expectProblem(
                    try await client.send(.post, "returns/RT-404/reject", json: RejectBody(reason: "no")), .notFound,
                    "return.notFound")
                expectProblem(try await client.get("sales/S1-404"), .notFound, "sale.notFound")
                expectProblem(
                    try await client.send(.post, "returns", json: Seed.returnOf("S1-404")), .notFound, "sale.notFound")
                expectProblem(try await client.get("repairs/RO-404"), .notFound, "repair.notFound")
                let progress = RepairProgressBody(status: .inProgress, laborCost: Seed.money(1_00))
                expectProblem(
                    try await client.send(.post, "repairs/RO-404/progress", json: progress), .notFound,
                    "repair.notFound")
            }
        }
    }

    @Test("a receipt posted twice is a 409 sale.duplicateReceipt")
    func duplicateReceipt() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(.post, "sales", json: Seed.sale("S1-0001", quantity: 1)), .conflict,
                    "sale.duplicateReceipt")
            }
        }
    }

    @Test("a sale of another store is refused")
    func wrongStore() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(.post, "sales", json: Seed.sale("S2-0001", store: "S2")),
                    .unprocessableContent,
                    "sale.wrongStore")
            }
        }
    }

    @Test("other domain refusals keep their code as 422")
    func otherValidation() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            expectStatus(try await client.send(.put, "policy", json: Seed.strictApproval), .ok)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let id = try await Seed.open(Seed.returnOf("S1-0001"), client).id
            let paidByCredit = Seed.sale(
                "S1-0002", quantity: 1, tenders: [TenderPayment(tender: .storeCredit, amount: Seed.money(100_00))])
            var unbalanced = Seed.sale("S1-0003")
            unbalanced.tenders[0].amount = Seed.money(1_00)
            try await node.expectNothingWritten {
                expectProblem(
                    try await client.send(.post, "returns/\(id)/reject", json: RejectBody(reason: " ")),
                    .unprocessableContent, "return.reasonRequired")
                expectProblem(
                    try await client.send(.post, "sales", json: paidByCredit), .unprocessableContent,
                    "storeCredit.insufficient")
                expectProblem(
                    try await client.send(.post, "sales", json: unbalanced), .unprocessableContent,
                    "sale.tenderMismatch")
                expectProblem(
                    try await client.send(
                        .post, "customers/C1/store-credit",
                        json: StoreCreditAdjustmentBody(amount: Seed.money(-1_00), memo: "x")),
                    .unprocessableContent, "storeCredit.insufficient")
                expectProblem(
                    try await client.send(
                        .post, "customers/C1/store-credit",
                        json: StoreCreditAdjustmentBody(amount: Seed.money(0), memo: "x")),
                    .unprocessableContent, "input.invalidAmount")
                var free = Seed.kettle
                free.unitPrice = Seed.money(-1)
                expectProblem(
                    try await client.send(.post, "products", json: free), .unprocessableContent, "catalog.negativePrice"
                )
                expectProblem(
                    try await client.send(.post, "reorder-points", json: ReorderPointBody(sku: "KETTLE", minimum: -1)),
                    .unprocessableContent, "input.invalidQuantity")
            }
            _ = try await Seed.step(id, "approve", Empty(), client)
            _ = try await Seed.step(id, "receive", Empty(), client)
            try await node.expectNothingWritten {
                let half = InspectBody(grades: [LineGrade(line: 1, grade: .a, quantity: 2)])
                expectProblem(
                    try await client.send(.post, "returns/\(id)/inspect", json: half), .unprocessableContent,
                    "return.gradesIncomplete")
            }
        }
    }

    @Test("bad query parameters are 422 input.invalidQuery")
    func invalidQuery() async throws {
        try await NodeAPIFixture.run { node, client in
            expectProblem(try await client.get("returns?status=lost"), .unprocessableContent, "input.invalidQuery")
            expectProblem(try await client.get("returns?limit=0"), .unprocessableContent, "input.invalidQuery")
            expectProblem(try await client.get("sales"), .unprocessableContent, "input.invalidQuery")
        }
    }

    @Test("a body over 1 MiB is a 413 input.tooLarge")
    func tooLarge() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            let padding = String(repeating: " ", count: NodeAPI.maxBodyBytes)
            let body = String(decoding: try JSONEncoder().encode(Seed.sale("S1-0001")), as: UTF8.self) + padding
            try await node.expectNothingWritten {
                expectProblem(try await client.send(.post, "sales", raw: body), .contentTooLarge, "input.tooLarge")
            }
            // Exactly at the limit is still read.
            let fits = String(decoding: try JSONEncoder().encode(Seed.sale("S1-0001")), as: UTF8.self)
            let padded = fits + String(repeating: " ", count: NodeAPI.maxBodyBytes - fits.utf8.count)
            expectStatus(try await client.send(.post, "sales", raw: padded), .created)
        }
    }

    @Test("an unknown route is a 404 problem; an unknown method on a known path 405 with Allow")
    func unknownRoute() async throws {
        try await NodeAPIFixture.run { node, client in
            expectProblem(try await client.get("nowhere"), .notFound, "route.notFound")
            expectProblem(try await client.get("/api/v2/sales/S1"), .notFound, "route.notFound")
            expectProblem(try await client.send(.post, "returns/RT-1/teleport", raw: "{}"), .notFound, "route.notFound")
            let delete = try await client.send(.delete, "returns/RT-1")
            expectProblem(delete, .methodNotAllowed, "route.methodNotAllowed")
            #expect(delete.headers[.allow] == "GET")
            let trace = try await client.send(.init("TRACE")!, "returns")
            expectProblem(trace, .methodNotAllowed, "route.methodNotAllowed")
            #expect(trace.headers[.allow] == "GET, POST")
        }
    }

    @Test("a null member is 400 input.malformedJSON naming it: no field of the API is nullable")
    func nullMember() async throws {
        try await NodeAPIFixture.run { node, client in
            let customer = try await client.send(
                .post, "customers", raw: #"{"id": "C-1", "name": "Ann", "phone": "+33 1", "email": null}"#)
            expectProblem(customer, .badRequest, "input.malformedJSON")
            #expect(customer.text.contains("email is null"))
            // `null` inside a string is text, not a null.
            expectStatus(
                try await client.send(.post, "customers", raw: #"{"id": "C-1", "name": "Ann \"null\" nobody"}"#),
                .created)
        }
    }

    @Test("a query parameter given empty or out of range is 422 input.invalidQuery, not left out")
    func emptyQueryParameters() async throws {
        try await NodeAPIFixture.run { node, client in
            for query in ["status=", "status=lost", "limit=", "limit=0", "limit=1001", "limit=ten"] {
                expectProblem(try await client.get("returns?\(query)"), .unprocessableContent, "input.invalidQuery")
            }
            expectStatus(try await client.get("returns?status=approved&limit=1000"), .ok)
            for query in ["currency=", "currency=eur", "currency=EURO"] {
                expectProblem(
                    try await client.get("customers/C-1/store-credit?\(query)"), .unprocessableContent,
                    "input.invalidQuery")
            }
            expectStatus(try await client.get("customers/C-1/store-credit?currency=EUR"), .ok)
        }
    }
}

@Suite("Status mapping")
struct ProblemMappingTests {
    @Test(
        "codes map to statuses in one place",
        arguments: [
            ("return.notFound", 404), ("sale.notFound", 404), ("sale.duplicateReceipt", 409),
            ("return.illegalTransition", 409), ("conflict.concurrentEdit", 409), ("repair.finished", 409),
            ("policy.windowExpired", 422), ("return.overReturn", 422), ("input.invalidQuantity", 422),
            ("catalog.unknownSKU", 422), ("sale.wrongStore", 422), ("storeCredit.insufficient", 422),
            ("input.malformedJSON", 400), ("input.unknownField", 400), ("input.tooLarge", 413), ("node.corrupt", 500),
        ])
    func mapping(code: String, status: Int) {
        #expect(Problem.status(forCode: code).code == status)
    }

    @Test("a NodeStoreError is a 500 that keeps its code")
    func nodeStoreError() {
        let problem = Problem(NodeStoreError(code: "node.corrupt", message: "meta seq missing"))
        #expect(problem.status == .internalServerError && problem.code == "node.corrupt")
    }
}
