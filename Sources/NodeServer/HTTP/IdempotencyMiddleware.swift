import Foundation
import HTTPSupport
public import Hummingbird
public import NodeStore

/// `Idempotency-Key` on the node's state-changing routes: a till or the desk that sends a request
/// again with the same key (a double click, a retry after a timeout) gets the first answer again,
/// marked `Idempotent-Replayed: true`, and nothing is done twice.
///
/// - The key (1 to 200 printable ASCII characters, else `400 input.invalidIdempotencyKey`) is
///   claimed in the transaction that carries the request out (`RequestIdempotency`), and the
///   answer is kept once it is ready; a refused request keeps nothing, so it may be sent again.
/// - The same key with another request (method, path or body, its JSON keys in any order) is
///   `409 idempotency.conflict` (as at the hub).
/// - Requests with one key run one at a time; the second waits and gets the first's answer.
/// - A key whose work committed but whose answer was lost (the node stopped in between) is
///   `409 idempotency.answerLost`: read the record to see where it stands.
///
/// Requests without the header work as before.
public struct IdempotencyMiddleware<Context: RequestContext>: RouterMiddleware {
    let service: NodeService
    let inFlight = KeysInFlight()

    public init(service: NodeService) {
        self.service = service
    }

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        // Only a route's own request: an unknown path or method goes on to its 404 or 405.
        guard [.post, .put, .patch, .delete].contains(request.method), context.endpointPath != nil,
            let key = request.headers[.init("Idempotency-Key")!]
        else { return try await next(request, context) }
        guard (1...200).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw Problem(
                code: "input.invalidIdempotencyKey", status: .badRequest,
                detail: "an Idempotency-Key is 1 to 200 printable ASCII characters without spaces")
        }
        var request = request
        let body = try await request.collectBody(upTo: NodeAPI.maxBodyBytes)
        let digest = TokenHash.of(
            bytes: Data("\(request.method.rawValue) \(request.uri.description)\n".utf8) + Self.canonical(body))
        let claim = IdempotencyClaim(key: key, digest: digest)

        await inFlight.acquire(key)
        defer { Task { await inFlight.release(key) } }
        if let stored = try await service.idempotency(key) {
            guard stored.digest == digest else {
                throw Problem(
                    code: "idempotency.conflict", status: .conflict,
                    detail: "the Idempotency-Key \(key) was used before with another request")
            }
            guard let status = stored.status, let bytes = stored.body else {
                throw Problem(
                    code: "idempotency.answerLost", status: .conflict,
                    detail:
                        "the request with this Idempotency-Key was carried out, but its answer was lost when the node stopped; read the record to see where it stands"
                )
            }
            return Response(
                status: HTTPResponse.Status(code: status),
                headers: [.contentType: "application/json", .init("Idempotent-Replayed")!: "true"],
                body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        }
        let response = try await RequestIdempotency.$claim.withValue(claim) { try await next(request, context) }
        guard (200..<300).contains(response.status.code) else { return response }
        let collector = Collector()
        try await response.body.write(collector)
        var kept = response
        kept.body = .init(byteBuffer: ByteBuffer(bytes: collector.bytes))
        try await service.recordAnswer(claim, status: Int(response.status.code), body: collector.bytes)
        return kept
    }

    /// A JSON body with its keys sorted and no spaces, so that the same request encoded again
    /// (keys in another order) is the same request; any other body as it is.
    static func canonical(_ body: ByteBuffer) -> Data {
        let data = Data(buffer: body)
        guard let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]),
            let sorted = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])
        else { return data }
        return sorted
    }

    /// The keys whose requests are running, so that a second request with one waits for the first.
    final class KeysInFlight: Sendable {
        private let keys = LockedValue<Set<String>>([])

        func acquire(_ key: String) async {
            while !keys.update({ $0.insert(key).inserted }) {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }

        func release(_ key: String) async { keys.update { $0.remove(key) } }
    }

    /// A response body writer that keeps what is written.
    final class Collector: ResponseBodyWriter, @unchecked Sendable {
        var bytes: [UInt8] = []
        func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
        func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
