import Foundation
import Testing

/// A node made with the real CLI in a temporary folder, seeded with a product, stock and sales.
struct NodeFixture {
    let folder: TemporaryFolder
    var data: String { folder.file("node").path }

    /// `node init`, then a product at 10.00, 300 units in, and `sales` receipts (`S-1`…) of
    /// `unitsPerSale` units each, all through the CLI.
    static func seeded(sales: Int, unitsPerSale: Int) async throws -> NodeFixture {
        let fixture = NodeFixture(folder: try TemporaryFolder("e2e-node"))
        try await fixture.expectSuccess("node", "init", "--store", "E2E", "--data", fixture.data)
        try await fixture.expectSuccess(
            "product", "add", "--data", fixture.data, "--staff", "setup", "--sku", "MUG-1", "--name", "Mug",
            "--category", "kitchen", "--price", "10.00", "--cost", "4.00", "--vat", "20")
        try await fixture.expectSuccess(
            "stock", "receive", "--data", fixture.data, "--staff", "setup", "--sku", "MUG-1", "--quantity",
            String(sales * unitsPerSale))
        for i in 1...sales {
            let file = try fixture.folder.write(
                "sale-\(i).json",
                """
                {"id": "S-\(i)", "lines": [{"sku": "MUG-1", "quantity": \(unitsPerSale)}],
                 "tenders": [{"tender": "card", "amount": "\(unitsPerSale * 10).00"}]}
                """)
            try await fixture.expectSuccess("sale", "record", "--data", fixture.data, "--staff", "till", "--file", file)
        }
        return fixture
    }

    @discardableResult
    func expectSuccess(_ arguments: String...) async throws -> CLIResult {
        let result = try await returnsync(arguments)
        try #require(result.status == 0, "returnsync \(arguments.joined(separator: " ")) failed: \(result)")
        return result
    }

    /// Runs a `--json` command and decodes its output.
    func json<T: Decodable>(_ type: T.Type, _ arguments: String...) async throws -> T {
        let result = try await returnsync(arguments)
        try #require(result.status == 0, "returnsync \(arguments.joined(separator: " ")) failed: \(result)")
        return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
    }
}

/// The fields of `node status --json` and `node verify --json` the tests read.
struct NodeCounts: Decodable {
    var events: Int
    var outbox: Int
}

struct VerifyReport: Decodable {
    var ok: Bool
    var integrity: String
    var events: Int
    var outbox: Int
    var mismatches: [String]
}

/// A return in `return list --json`, as far as the tests care.
struct ReturnSummary: Decodable {
    var id: String
    var status: String
}
