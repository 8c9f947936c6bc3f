import Foundation
import Hummingbird
import HummingbirdTesting
import NodeServer
import NodeStore
import ReturnsDomain
import Testing

@testable import HTTPSupport

/// Issue 20: a body member the route does not know is refused, named, with the member meant
/// (an integrator sent `line` for `saleLine` and was told something else was wrong).
@Suite("Unknown body members are refused, named")
struct UnknownMemberTests {
    static let nested =
        #"{"sale": "S1-0001", "lines": [{"line": 1, "quantity": 1, "reason": "changedMind", "condition": "unopened"}]}"#

    @Test("a member nested in a line is 400 input.unknownField naming lines[0].line, and saleLine is suggested")
    func nestedMember() async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            try await node.expectNothingWritten {
                let answer = try await client.send(.post, "returns", raw: Self.nested)
                expectProblem(answer, .badRequest, "input.unknownField")
                let problem = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: answer.body))
                #expect(problem.detail == "lines[0].line is not a member of this body; did you mean saleLine?")
            }
        }
    }

    @Test(
        "a member at the top level is refused on every kind of body",
        arguments: [
            (
                "returns",
                #"{"sale": "S1-0001", "trackingNo": "T1", "lines": [{"saleLine": 1, "quantity": 1, "reason": "changedMind", "condition": "unopened"}]}"#,
                "trackingNo is not a member of this body; did you mean trackingNumber?"
            ),
            ("customers", #"{"id": "C-9", "name": "Ann", "mail": "a@example.com"}"#, "mail is not a member"),
            ("inventory/receipts", #"{"sku": "KETTLE", "quantity": 1, "skus": "x"}"#, "did you mean sku?"),
            ("returns/RT-1/approve", #"{"notes": "ok"}"#, "notes is not a member of this body; did you mean note?"),
            (
                "policy",
                #"{"noReasonWindowDays": 7, "faultWindowDays": 30, "acceptedConditions": ["unopened"], "nonReturnableCategories": [], "receiptRequired": false, "receiptlessMaxValue": {"minor": 5000, "currency": "EUR"}, "receiptlessMaxPer90Days": 2, "restockingFee": {"fixed": {"_0": {"minor": 100, "currency": "EUR", "cents": 1}}}}"#,
                "restockingFee.fixed._0.cents is not a member"
            ),
            (
                "returns/RT-1/refund", #"{"method": {"bankTransfer": {"reference": "X", "iban": "DE00"}}}"#,
                "method.bankTransfer.iban"
            ),
        ])
    func topLevel(path: String, body: String, words: String) async throws {
        try await NodeAPIFixture.run { node, client in
            try await Seed.catalog(client)
            try await Seed.record(Seed.sale("S1-0001"), client)
            try await node.expectNothingWritten {
                let answer = try await client.send(path == "policy" ? .put : .post, path, raw: body)
                expectProblem(answer, .badRequest, "input.unknownField")
                #expect(answer.text.contains(words), "\(answer.text)")
            }
        }
    }

    @Test("forms a type reads but writes otherwise are taken: a bare refund method, a fixed fee, no body")
    func validBodies() async throws {
        try await NodeAPIFixture.run { _, client in
            try await Seed.catalog(client)
            let policy =
                #"{"noReasonWindowDays": 7, "faultWindowDays": 30, "acceptedConditions": ["unopened", "openedComplete"], "nonReturnableCategories": ["food"], "receiptRequired": false, "receiptlessMaxValue": {"minor": 5000, "currency": "EUR"}, "receiptlessMaxPer90Days": 2, "restockingFee": {"fixed": {"_0": {"minor": 100, "currency": "EUR"}}}, "approvalThreshold": {"minor": 100000, "currency": "EUR"}}"#
            expectStatus(try await client.send(.put, "policy", raw: policy), .ok)
            try await Seed.record(Seed.sale("S1-0001"), client)
            let created = try await client.send(
                .post, "returns",
                raw:
                    #"{"sale": "S1-0001", "lines": [{"saleLine": 1, "quantity": 1, "reason": "changedMind", "condition": "unopened", "serials": []}]}"#
            )
            expectStatus(created, .created)
            let id = try created.decode(ReturnView.self).id
            // No body where every member is optional: read as {}, which has nothing to refuse.
            expectProblem(
                try await client.send(.post, "returns/RT-NONE/approve", raw: ""), .notFound, "return.notFound")
            for (step, body) in [
                ("receive", "{}"), ("inspect", #"{"grades": [{"line": 1, "grade": "a", "quantity": 1}]}"#),
                ("dispose", #"{"dispositions": [{"line": 1, "quantity": 1, "disposition": {"restock": {}}}]}"#),
                ("refund", #"{"method": "cash"}"#),
            ] {
                expectStatus(try await client.send(.post, "returns/\(id)/\(step)", raw: body), .ok)
            }
        }
    }

    @Test("Chinese readers get the member and the suggestion in their words")
    func chinese() async throws {
        try await NodeAPIFixture.run { _, client in
            let headers: HTTPFields = [
                .authorization: "Bearer \(NodeAPIFixture.key)", .acceptLanguage: "zh-CN",
                .contentType: "application/json",
            ]
            let answer = try await client.execute(
                uri: "/api/v1/returns", method: .post, headers: headers, body: ByteBuffer(string: Self.nested))
            let problem = try JSONDecoder().decode(ProblemBody.self, from: Data(buffer: answer.body))
            #expect(problem.code == "input.unknownField")
            #expect(problem.detail == "lines[0].line 不是本请求数据中的字段；是否应为 saleLine？")
        }
    }

    @Test(
        "a suggestion is a slip of case, a typo, or a part of the name; else every member there",
        arguments: [
            ("line", ["saleLine", "sku", "quantity"], ["saleLine"]),
            ("Quantity", ["saleLine", "quantity"], ["quantity"]),
            ("reasn", ["reason", "condition"], ["reason"]),
            ("colour", ["sku", "quantity"], ["quantity", "sku"]),
            ("trackingNo", ["sale", "trackingNumber", "type"], ["trackingNumber"]),
        ])
    func suggestions(unknown: String, known: [String], expected: [String]) {
        #expect(UnknownMembers.suggestions(for: unknown, among: known) == expected)
    }

    @Test("the walk compares objects by member and arrays by element, only where both have that shape")
    func walk() throws {
        func first(_ body: String, _ written: String) -> String? {
            guard let body = BodyTree.parse(Data(body.utf8)), let written = BodyTree.parse(Data(written.utf8)) else {
                return nil
            }
            return UnknownMembers.first(in: body, written: written).map { BodyTree.describe($0.path) }
        }
        #expect(
            first(#"{"a": 1, "b": [{"c": 1}, {"c": 1, "d": 2}]}"#, #"{"a": 1, "b": [{"c": 1}, {"c": 1}]}"#) == "b[1].d")
        #expect(first(#"{"method": "cash"}"#, #"{"method": {"cash": {}}}"#) == nil)
        #expect(first(#"{"a": {"x": 1}}"#, #"{"a": {"x": 1}}"#) == nil)
        #expect(first(#"{"zz": 1}"#, "{}") == "zz")
    }
}
