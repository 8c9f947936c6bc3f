import Foundation
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import NodeServer
import NodeStore
import ReplicaStore
import Replication
import ReturnsDomain
import Testing

/// Staff sign in at the desk and authority holds at the node (DESIGN §10): the rules come from
/// the staff records head office sent, checked from this replica alone, so the same with the
/// link to head office up or down (this node has no hub at all).
@Suite("staff sign-in and authority at the node")
struct StaffAuthorityRoutesTests {
    static let clerk = "S-WANGLI"
    static let manager = "S-LIQIANG"

    /// Head office's definitions, as the node receives them from the hub's feed.
    static func defineStaff(_ node: NodeAPIFixture) async throws {
        let hash = Bcrypt.hash("2468", cost: 4)
        let managerHash = Bcrypt.hash("1357", cost: 4)
        let members = [
            StaffMember(id: StaffID(clerk), name: "王丽", roles: [.clerk], store: "S1", pinHash: hash, language: "zh-CN"),
            StaffMember(id: StaffID(manager), name: "李强", roles: [.storeManager], store: "S1", pinHash: managerHash),
            StaffMember(id: "S-OTHER", name: "Other", roles: [.storeManager], store: "S2", pinHash: managerHash),
        ]
        let events = members.enumerated().map { i, m in
            Event(
                dot: Dot(node: "hub", seq: UInt64(i + 1)), record: RecordKey(.staff, m.id.rawValue),
                context: VersionVector(), hlc: HLCTimestamp(wall: NodeAPIFixture.now - 1000), staff: "hq",
                payload: .staffDefined(m))
        }
        try await node.service.applyPulled(events, checkpoint: UInt64(events.count), epoch: "e1")
    }

    static func signIn(_ client: some TestClientProtocol, _ staff: String, _ pin: String) async throws -> TestResponse {
        try await client.send(.post, "sessions", json: ["staff": staff, "pin": pin], staff: nil)
    }

    static func token(_ response: TestResponse) throws -> String {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
        return try #require(object?["token"] as? String)
    }

    /// A request as a signed-in desk sends it.
    static func send(
        _ client: some TestClientProtocol, _ path: String, session: String, json: String? = nil,
        authorisedBy: (String, String)? = nil
    ) async throws -> TestResponse {
        var headers: HTTPFields = [
            .authorization: "Bearer \(NodeAPIFixture.key)", .init("X-Staff-Session")!: session,
            .contentType: "application/json",
        ]
        if let (who, pin) = authorisedBy {
            headers[.init("X-Authorised-By")!] = who
            headers[.init("X-Authoriser-PIN")!] = pin
        }
        return try await client.execute(
            uri: "/api/v1/\(path)", method: .post, headers: headers, body: ByteBuffer(string: json ?? "{}"))
    }

    @Test("a clerk signs in with a PIN; wrong PINs, other stores' staff and typed names are refused")
    func signIn() async throws {
        try await NodeAPIFixture.run { node, client in
            #expect(try await client.get("store").decode([String: AnyCodable].self)["signIn"] == .bool(false))
            try await Self.defineStaff(node)
            #expect(try await client.get("store").decode([String: AnyCodable].self)["signIn"] == .bool(true))

            expectProblem(try await Self.signIn(client, Self.clerk, "0000"), .unprocessableContent, "auth.signInFailed")
            expectProblem(try await Self.signIn(client, "S-OTHER", "1357"), .unprocessableContent, "auth.signInFailed")
            let signedIn = try await Self.signIn(client, Self.clerk, "2468")
            expectStatus(signedIn, .created)
            let session = try Self.token(signedIn)
            let me = try await client.execute(
                uri: "/api/v1/sessions/current", method: .get,
                headers: [.authorization: "Bearer \(NodeAPIFixture.key)", .init("X-Staff-Session")!: session])
            #expect(try me.decode(StaffSession.self).name == "王丽")

            // A name typed by a till that head office never defined records nothing.
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            expectProblem(
                try await client.send(.post, "returns", json: Seed.returnOf("S1-0001"), staff: "anybody"),
                .unprocessableContent, "authority.unknownStaff")

            // Signed out, the token no longer works.
            _ = try await client.execute(
                uri: "/api/v1/sessions/current", method: .delete,
                headers: [.authorization: "Bearer \(NodeAPIFixture.key)", .init("X-Staff-Session")!: session])
            expectProblem(
                try await Self.send(client, "returns", session: session, json: #"{"sale":"S1-0001","lines":[]}"#),
                .unauthorized, "auth.sessionExpired")
        }
    }

    @Test("five wrong PINs lock a staff member out")
    func lockout() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Self.defineStaff(node)
            for _ in 1...NodeService.pinAttempts {
                expectProblem(
                    try await Self.signIn(client, Self.clerk, "9999"), .unprocessableContent, "auth.signInFailed")
            }
            expectProblem(try await Self.signIn(client, Self.clerk, "2468"), .unprocessableContent, "auth.pinLocked")
        }
    }

    /// Each rule: the clerk is refused, the manager's PIN at the clerk's desk lets it through and
    /// the step is recorded as the manager's; a manager signed in does it alone.
    @Test("approve, reject, write off and a large refund: a clerk refused, a manager allowed")
    func authorityRules() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            expectStatus(try await client.send(.put, "policy", json: Seed.strictApproval), .ok)
            for i in 1...3 { try await Seed.record(Seed.sale(SaleID("S1-000\(i)")), client) }
            try await Self.defineStaff(node)
            let clerk = try Self.token(try await Self.signIn(client, Self.clerk, "2468"))
            let manager = try Self.token(try await Self.signIn(client, Self.manager, "1357"))
            let line =
                #"{"sale":"S1-000%d","type":"refund","lines":[{"saleLine":1,"quantity":1,"reason":"defective","condition":"damaged"}]}"#
            func open(_ sale: Int) async throws -> ReturnView {
                let response = try await Self.send(client, "returns", session: clerk, json: String(format: line, sale))
                expectStatus(response, .created)
                return try response.decode(ReturnView.self)
            }
            let managerPIN = (Self.manager, "1357")

            // Approve (100.00 is above the 50.00 threshold, so it waits for a manager).
            let first = try await open(1)
            #expect(first.status == .requested)
            expectProblem(
                try await Self.send(client, "returns/\(first.id)/approve", session: clerk), .unprocessableContent,
                "authority.required")
            expectProblem(
                try await Self.send(
                    client, "returns/\(first.id)/approve", session: clerk, authorisedBy: (Self.manager, "0000")),
                .unprocessableContent, "auth.signInFailed")
            let approved = try await Self.send(
                client, "returns/\(first.id)/approve", session: clerk, authorisedBy: managerPIN)
            expectStatus(approved, .ok)
            #expect(try approved.decode(ReturnView.self).steps.last?.staff == StaffID(Self.manager))

            // Reject: refused to the clerk, done by the manager signed in.
            let second = try await open(2)
            expectProblem(
                try await Self.send(client, "returns/\(second.id)/reject", session: clerk, json: #"{"reason":"worn"}"#),
                .unprocessableContent, "authority.required")
            expectStatus(
                try await Self.send(
                    client, "returns/\(second.id)/reject", session: manager, json: #"{"reason":"worn"}"#),
                .ok)

            // Write off (scrap) and a refund above the threshold, on the approved return.
            expectStatus(try await Self.send(client, "returns/\(first.id)/receive", session: clerk), .ok)
            expectStatus(
                try await Self.send(
                    client, "returns/\(first.id)/inspect", session: clerk,
                    json: #"{"grades":[{"line":1,"grade":"d","quantity":1}]}"#), .ok)
            let scrap = #"{"dispositions":[{"line":1,"quantity":1,"disposition":{"scrap":{"reason":"cracked"}}}]}"#
            expectProblem(
                try await Self.send(client, "returns/\(first.id)/dispose", session: clerk, json: scrap),
                .unprocessableContent, "authority.required")
            expectStatus(
                try await Self.send(
                    client, "returns/\(first.id)/dispose", session: clerk, json: scrap, authorisedBy: managerPIN),
                .ok)
            let refund = #"{"method":"originalTender"}"#
            expectProblem(
                try await Self.send(client, "returns/\(first.id)/refund", session: clerk, json: refund),
                .unprocessableContent, "authority.required")
            let refunded = try await Self.send(client, "returns/\(first.id)/refund", session: manager, json: refund)
            expectStatus(refunded, .ok)
            // The clerk closes: no authority needed.
            let closed = try await Self.send(client, "returns/\(first.id)/close", session: clerk)
            #expect(try closed.decode(ReturnView.self).steps.last?.staff == StaffID(Self.clerk))

            // A till naming the manager (no session, no PIN) cannot approve in their name.
            let third = try await open(3)
            expectProblem(
                try await client.send(.post, "returns/\(third.id)/approve", raw: "{}", staff: Self.manager),
                .unprocessableContent, "authority.required")
        }
    }
}

extension StaffAuthorityRoutesTests {
    /// A stock-take below the ledger writes goods off: refused to the clerk, done with the
    /// manager's PIN; the difference leaves the location and posts to inventory variance at cost.
    @Test("a stock-take writing goods off: a clerk refused, a manager allowed; stock and journal move")
    func stockTake() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Self.defineStaff(node)
            let clerk = try Self.token(try await Self.signIn(client, Self.clerk, "2468"))
            let short = #"{"sku":"KETTLE","location":"sellable","counted":8}"#
            expectProblem(
                try await Self.send(client, "stock/counts", session: clerk, json: short), .unprocessableContent,
                "authority.required")
            let counted = try await Self.send(
                client, "stock/counts", session: clerk, json: short, authorisedBy: (Self.manager, "1357"))
            expectStatus(counted, .created)
            let view = try counted.decode(StockCountView.self)
            #expect(view.count.expected == 10 && view.count.variance == -2 && view.staff == StaffID(Self.manager))
            let stock = try await client.get("stock?sku=KETTLE").decode([StockRow].self)
            #expect(stock.first { $0.location == .sellable }?.quantity == 8)
            let ledger = try await node.service.read { try $0.ledger() }
            #expect(ledger[LedgerKey(account: .inventoryVariance, currency: Seed.eur)] == 120_00, "2 × 60.00 at cost")
            // A count above the ledger (goods found) needs no authority.
            let found = try await Self.send(
                client, "stock/counts", session: clerk, json: #"{"sku":"KETTLE","location":"sellable","counted":9}"#)
            expectStatus(found, .created)
            #expect(try found.decode(StockCountView.self).staff == StaffID(Self.clerk))
            expectProblem(
                try await Self.send(
                    client, "stock/counts", session: clerk,
                    json: #"{"sku":"KETTLE","location":"inTransit","counted":1}"#),
                .unprocessableContent, "stock.notCountable")
        }
    }
}

extension StaffAuthorityRoutesTests {
    /// Each reason moves stock and posts at cost to its account; taking goods out is a write-off
    /// (a clerk refused, the manager's PIN lets it through), finding them is not.
    @Test("stock adjustments: damaged, written off, issued at no charge, found; authority and postings")
    func adjustments() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Self.defineStaff(node)
            let clerk = try Self.token(try await Self.signIn(client, Self.clerk, "2468"))
            let managerPIN = (Self.manager, "1357")
            func adjust(_ reason: String, _ quantity: Int, note: String? = "测试", authorised: Bool = true)
                async throws -> TestResponse
            {
                let noteField = note.map { #","note":"\#($0)""# } ?? ""
                let body =
                    #"{"sku":"KETTLE","location":"sellable","quantity":\#(quantity),"reason":"\#(reason)"\#(noteField)}"#
                return try await Self.send(
                    client, "stock/adjustments", session: clerk, json: body, authorisedBy: authorised ? managerPIN : nil
                )
            }
            expectProblem(
                try await adjust("damaged", 1, authorised: false), .unprocessableContent, "authority.required")
            expectProblem(try await adjust("writeOff", 1, note: nil), .unprocessableContent, "input.missingNote")
            expectProblem(try await adjust("writeOff", 11), .unprocessableContent, "stock.insufficient")
            for (reason, quantity) in [("damaged", 1), ("writeOff", 2), ("zeroValueIssue", 1)] {
                let done = try await adjust(reason, quantity)
                expectStatus(done, .created)
                #expect(try done.decode(StockAdjustmentView.self).staff == StaffID(Self.manager))
            }
            let found = try await adjust("found", 1, note: nil, authorised: false)
            expectStatus(found, .created)
            #expect(try found.decode(StockAdjustmentView.self).staff == StaffID(Self.clerk))
            let stock = try await client.get("stock?sku=KETTLE").decode([StockRow].self)
            #expect(stock.first { $0.location == .sellable }?.quantity == 10 - 1 - 2 - 1 + 1)
            let ledger = try await node.service.read { try $0.ledger() }
            #expect(ledger[LedgerKey(account: .scrapWriteOff, currency: Seed.eur)] == 180_00, "3 units at 60.00")
            #expect(ledger[LedgerKey(account: .samplesAndReplacements, currency: Seed.eur)] == 60_00)
            #expect(ledger[LedgerKey(account: .inventoryVariance, currency: Seed.eur)] == -60_00)
        }
    }
}

/// Just enough of a JSON value to read one field of an answer.
enum AnyCodable: Decodable, Equatable {
    case bool(Bool), other
    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        self = (try? c.decode(Bool.self)).map(AnyCodable.bool) ?? .other
    }
}
