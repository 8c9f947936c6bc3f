import AsyncHTTPClient
import EventCoding
public import Foundation
import NIOCore
import NodeStore
public import Replication
public import SyncProtocol

/// The hub's sync API over HTTP (AsyncHTTPClient). The credential travels as a bearer token;
/// the hub takes the node's identity from it, never from the payload.
public struct HubClient: HubTransport {
    public let baseURL: String
    let token: String
    let client: HTTPClient
    let timeout: TimeAmount
    /// The hub's clock minus this machine's, from the `Date` of the hub's latest answer.
    let observedOffset = LockedValue<Int64?>(nil)

    public init(baseURL: String, token: String, timeoutSeconds: Int64 = 30) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.client = Self.sharedClient
        self.timeout = .seconds(timeoutSeconds)
    }

    public func push(_ changeSet: ChangeSet, stored: [Data]) async throws -> PushResponse {
        let bodies = stored.count == changeSet.events.count ? stored : try changeSet.events.map(EventCodec.encode)
        return try await send(
            "POST", SyncRoutes.push, body: EventCodec.encodeChangeSet(node: changeSet.node, events: bodies))
    }

    public func pull(after checkpoint: UInt64, limit: Int) async throws -> PullResponse {
        try await pull("\(SyncRoutes.pull)?after=\(checkpoint)&limit=\(limit)", timeout: timeout)
    }

    /// The hub answers within `wait` seconds (it holds the pull at most that long): the request's
    /// deadline is that plus the usual timeout, so a hub that is merely slow is not taken for a
    /// dead one.
    public func pull(after checkpoint: UInt64, limit: Int, holdingUpTo wait: Int) async throws -> PullResponse? {
        let wait = min(max(wait, 0), Self.maxWaitSeconds)
        return try await pull(
            "\(SyncRoutes.pull)?after=\(checkpoint)&limit=\(limit)&wait=\(wait)",
            timeout: timeout + .seconds(Int64(wait)))
    }

    /// The longest hold the hub grants (Protocol/sync.md §3.2).
    public static let maxWaitSeconds = 30

    func pull(_ path: String, timeout: TimeAmount) async throws -> PullResponse {
        let data = try await exchange("GET", path, body: nil, timeout: timeout)
        var page = try Self.decode(PullResponse.self, data)
        // Keep each event's JSON as it arrived: the node stores it instead of encoding it again.
        if let raw = EventCodec.rawMembers(of: data, array: "events", member: "event"), raw.count == page.events.count {
            for i in page.events.indices { page.events[i].body = raw[i] }
        }
        return page
    }

    public func reportRefusal(_ report: FeedRefusalReport) async throws {
        _ = try await exchange("POST", SyncRoutes.refusals, body: try JSONEncoder().encode(report))
    }

    func send<T: Decodable>(_ method: String, _ path: String, body: Data?) async throws -> T {
        try Self.decode(T.self, try await exchange(method, path, body: body))
    }

    static func decode<T: Decodable>(_ type: T.Type, _ data: Data) throws -> T {
        // Pages of the feed are most of what a node decodes: the fast decoder first.
        try EventCodec.decode(T.self, from: data)
    }

    /// The answer's body; a refusal is thrown as its problem.
    func exchange(_ method: String, _ path: String, body: Data?, timeout: TimeAmount? = nil) async throws -> Data {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .RAW(value: method)
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: timeout ?? self.timeout)
        if let date = response.headers.first(name: "Date"), let hub = Self.httpDateMillis(date) {
            // `Date` has whole seconds: the hub's clock was within the second after it.
            observedOffset.value = hub + 500 - Int64(Date().timeIntervalSince1970 * 1000)
        }
        let buffer = try await response.body.collect(upTo: 256 << 20)
        let data = Data(buffer.readableBytesView)
        guard (200..<300).contains(Int(response.status.code)) else {
            if let problem = try? JSONDecoder().decode(ProblemDetails.self, from: data) { throw problem }
            throw ProblemDetails(
                code: "sync.httpError", status: Int(response.status.code),
                title: "hub answered \(response.status.code)",
                detail: String(decoding: data.prefix(500), as: UTF8.self))
        }
        return data
    }
}

extension HubClient {
    /// One HTTP client for every call to the hub in this process. A hub that refuses connections or
    /// cannot be reached is noticed within 3 s instead of after the 90 s a browser-like client
    /// keeps trying: the sync service's backoff does the retrying, and a node stops promptly.
    static let sharedClient: HTTPClient = {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(3), read: .seconds(60)))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

extension HubClient {
    public var hubClockOffset: Int64? { observedOffset.value }

    /// An HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 §5.6.7) in milliseconds since 1970.
    static func httpDateMillis(_ text: String) -> Int64? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.date(from: text).map { Int64($0.timeIntervalSince1970 * 1000) }
    }
}
