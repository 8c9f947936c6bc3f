import Foundation
import HTTPSupport
import HubServer
import HubStore
import HubTesting
import Hummingbird
import HummingbirdTesting
import NodeStore
import Replication
import ReturnsDomain
import SyncProtocol
import Testing

/// Head office publishes layered, versioned policy rules through the hub's API; a store's node
/// receives them and applies the version in force to its returns, offline, naming the version.
@Suite("Hub API: layered, versioned policy")
struct PolicyRoutesTests {
    static func version(_ from: Instant, _ settings: String, note: String? = nil) -> String {
        "{\"effectiveFrom\":\"\(from.rfc3339)\",\"settings\":\(settings)"
            + (note.map { ",\"note\":\"\($0)\"" } ?? "") + "}"
    }

    @Test(
        "a category rule head office publishes decides a node's return, which names its version",
        arguments: HubBackend.all)
    func publishAndApply(backend: HubBackend) async throws {
        try await HubFixture.run(backend) { hub, client in
            try await HeadOfficeSignInTests.define(hub, "hq.goods", [.merchandiser])
            try await HeadOfficeSignInTests.define(hub, "hq.analyst", [.analyst])
            let merchandiser = try await HeadOfficeSignInTests.signIn(client, "hq.goods")
            let analyst = try await HeadOfficeSignInTests.signIn(client, "hq.analyst")
            let now = Instant(millis: HubFixture.now)
            func put(_ path: String, _ body: String, as who: (response: TestResponse, cookie: String?, csrf: String?))
                async throws -> TestResponse
            {
                try await HeadOfficeSignInTests.send(
                    client, .put, path, cookie: who.cookie!, csrf: who.csrf, body: body)
            }
            let fee = Self.version(now.adding(days: -30), #"{"restockingFee":{"percent":1000}}"#, note: "拆封收取手续费")
            expectProblem(
                try await put("/api/v1/policies/category:kitchen/versions/1", fee, as: analyst), .forbidden,
                "auth.forbidden")
            expectStatus(try await put("/api/v1/policies/category:kitchen/versions/1", fee, as: merchandiser), .created)
            expectStatus(try await put("/api/v1/policies/category:kitchen/versions/1", fee, as: merchandiser), .ok)
            let other = Self.version(now.adding(days: -30), #"{"restockingFee":{"percent":2000}}"#)
            expectProblem(
                try await put("/api/v1/policies/category:kitchen/versions/1", other, as: merchandiser), .conflict,
                "policy.versionExists")
            expectProblem(
                try await put("/api/v1/policies/category:kitchen/versions/3", other, as: merchandiser), .conflict,
                "policy.versionOutOfOrder")
            expectProblem(
                try await put("/api/v1/policies/shelf:3/versions/1", other, as: merchandiser), .unprocessableContent,
                "policy.invalidScope")
            expectProblem(
                try await put(
                    "/api/v1/policies/chain/versions/1", Self.version(now, #"{"returnable":false}"#), as: merchandiser),
                .unprocessableContent, "policy.invalidRule")
            // Version 2 takes the category off the returnable goods, from tomorrow.
            expectStatus(
                try await put(
                    "/api/v1/policies/category:kitchen/versions/2",
                    Self.version(now.adding(days: 1), #"{"returnable":false}"#), as: merchandiser), .created)

            let listed = try await HeadOfficeSignInTests.send(client, .get, "/api/v1/policies", cookie: analyst.cookie!)
            expectStatus(listed, .ok)
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(buffer: listed.body)) as? [String: Any])
            let versions = try #require(object["versions"] as? [[String: Any]])
            #expect(versions.compactMap { $0["inForce"] as? Bool } == [true, false])

            // The store's node pulls the rules, then takes a return on its own: version 1 decides.
            let token = try await hub.enroll("S01-a", store: "S01")
            let node = try StoreNode("S01-a", store: "S01")
            try await node.setUp()
            try await EscrowTests.catchUp(node, token: token, client: client)
            let sale = try await node.sell("R-1")
            let view = try await node.service.createReturn(
                CreateReturnCommand(
                    sale: sale.id,
                    lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .openedComplete)]),
                staff: "desk")
            #expect(view.request.policyRules == ["category:kitchen@1"])
            #expect(view.request.restockingFee == Money(10_00, HubFixture.eur))

            // Head office previews the same return at the hub, and a day later.
            try await EscrowTests.pushAll(node, token: token, client: client)
            var submission = ReturnSubmission(
                sale: sale.id,
                lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .openedComplete)])
            let preview = try await HeadOfficeSignInTests.send(
                client, .post, "/api/v1/policies/preview", cookie: analyst.cookie!, csrf: analyst.csrf,
                body: try jsonText(PolicyPreviewBody(store: "S01", return: submission)))
            let answer = try preview.decode(PolicyPreviewAnswer.self)
            #expect(answer.decidedBy == ["category:kitchen@1"] && answer.verdict.restockingFee.minor == 10_00)
            submission.businessDate = now
            let anotherStore = try await HeadOfficeSignInTests.send(
                client, .post, "/api/v1/policies/preview", cookie: analyst.cookie!, csrf: analyst.csrf,
                body: try jsonText(PolicyPreviewBody(store: "S02", return: submission)))
            #expect(try anotherStore.decode(PolicyPreviewAnswer.self).decidedBy == ["category:kitchen@1"])
        }
    }
}
