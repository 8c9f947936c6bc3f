import AsyncHTTPClient
import ChildProcesses
import Foundation
import NIOCore
import ReturnsDomain

/// One store node of a run: its folder, its `node serve` process and how to reach its API.
final class ChaosNode: @unchecked Sendable {
    let id: String
    let store: String
    let data: String
    let port: Int
    let log: URL
    /// The hub's token for this node (`hub enroll`).
    var hubToken = ""
    /// The node API's bearer token (`node token add`), when this build of returnsync has one.
    var apiToken: String?
    private(set) var server: ServerProcess?

    var baseURL: String { "http://127.0.0.1:\(port)" }
    var isRunning: Bool { server?.isRunning ?? false }

    init(id: String, store: String, folder: URL) throws {
        self.id = id
        self.store = store
        data = folder.appendingPathComponent("node-\(id)").path
        port = try freeLoopbackPort()
        log = folder.appendingPathComponent("node-\(id).log")
    }

    /// `node init`, `hub enroll` (by `enroll`), `node connect` to `hubURL`, and a node API token.
    func create(hubURL: String, enroll: (String, String) async throws -> String) async throws {
        try await returnsyncOK(["node", "init", "--store", store, "--data", data, "--node-id", id])
        hubToken = try await enroll(id, store)
        try await returnsyncOK(["node", "connect", "--data", data, "--hub", hubURL, "--token", hubToken])
        // The node API's bearer tokens; a build without `node token add` has an open API.
        let token = try await returnsync(["node", "token", "add", "--data", data, "--name", "chaos"])
        let text = token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        apiToken = token.ok && !text.isEmpty && !text.contains(" ") ? text : nil
    }

    /// Starts `node serve` (background sync every second) and waits for its health check.
    func start() async throws {
        let child = try ServerProcess(
            name: id,
            ["node", "serve", "--data", data, "--host", "127.0.0.1", "--port", String(port), "--log-level", "warning"],
            log: log, environment: ["RETURNSYNC_SYNC_SECONDS": "1"])
        server = child
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            guard child.isRunning else { throw ChaosError("node serve \(id) exited; see \(log.path)") }
            if let answer = try? await call("GET", "/api/v1/healthz", timeout: 1), answer.status == 200 { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ChaosError("node serve \(id) did not become healthy; see \(log.path)")
    }

    func kill9() { server?.kill9() }

    /// SIGTERM; true if it stopped gracefully.
    @discardableResult
    func stop() async -> Bool { await server?.terminate() ?? true }

    /// Every request to the node's API goes through here, with the bearer token when there is one.
    func call(_ method: String, _ path: String, body: Data? = nil, timeout: Int64 = 10) async throws -> HTTPAnswer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "X-Staff", value: "chaos-desk")
        if let apiToken { request.headers.add(name: "Authorization", value: "Bearer \(apiToken)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body)
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(timeout))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return HTTPAnswer(status: response.status.code, body: Data(bytes.readableBytesView))
    }

    /// `POST /api/v1/sales`: `units` of the run's product, paid by card.
    func recordSale(_ id: String, units: Int, soldAt: Int64) async throws {
        let eur = Currency("EUR")
        let line = SaleLine(
            line: 1, sku: SKU(ChaosNode.sku), quantity: units, unitPrice: Money(1_000, eur),
            unitCost: Money(400, eur), vatRate: VATRate(basisPoints: 2_000))
        let sale = Sale(
            id: SaleID(id), store: StoreID(store), customer: nil, soldAt: Instant(millis: soldAt), currency: eur,
            lines: [line], tenders: [TenderPayment(tender: .card, amount: line.gross)])
        let answer = try await call("POST", "/api/v1/sales", body: try JSONEncoder().encode(sale))
        guard answer.status == 201 else { throw ChaosError("sale \(id) at \(self.id): \(answer)") }
    }

    /// `POST /api/v1/returns` of one unit of line 1 of `sale`: the new return's id on 201, else nil.
    func createReturn(sale: String) async -> ReturnAttempt {
        let submission = ReturnSubmission(
            sale: SaleID(sale),
            lines: [RequestedLine(saleLine: 1, quantity: 1, reason: .changedMind, condition: .unopened)])
        guard let body = try? JSONEncoder().encode(submission),
            let answer = try? await call("POST", "/api/v1/returns", body: body)
        else { return .noAnswer }
        guard answer.status == 201 else { return .refused(answer.status, answer.problemCode ?? "") }
        struct Created: Decodable { var id: String }
        guard let created = try? JSONDecoder().decode(Created.self, from: answer.body) else { return .noAnswer }
        return .acknowledged(created.id)
    }

    static let sku = "MUG-1"
}

/// What the node said to one return.
enum ReturnAttempt: Sendable {
    case acknowledged(String)
    case refused(UInt, String)
    case noAnswer
}

/// An HTTP status and body.
struct HTTPAnswer: CustomStringConvertible {
    var status: UInt
    var body: Data
    var problemCode: String? {
        (try? JSONSerialization.jsonObject(with: body) as? [String: Any])?["code"] as? String
    }
    var description: String { "HTTP \(status): \(String(decoding: body.prefix(400), as: UTF8.self))" }
}
