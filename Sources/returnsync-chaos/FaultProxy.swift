import AsyncHTTPClient
import ChildProcesses
import Foundation
import HubTesting
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// What the proxy does to the requests it passes, in percent of requests (the rest pass as they
/// are), plus the shift it applies to the hub's `Date` header.
struct ProxyFaults: Sendable, Equatable {
    /// Closed without forwarding: the hub never sees the request.
    var dropRequest = 0
    /// Forwarded, the hub's answer thrown away and the connection closed: the hub did the work,
    /// the node does not know.
    var dropResponse = 0
    /// Forwarded twice at once; the node gets one of the answers.
    var duplicate = 0
    /// Held for up to `maxDelay` ms before forwarding, so requests overtake each other.
    var delay = 0
    /// Forwarded, and forwarded again after up to 3 s: a stale copy arriving after newer requests.
    var replay = 0
    var maxDelay = 1_500
    /// Added to the hub's `Date` header (ms): the node sees a hub clock that far off its own.
    var skew: Int64 = 0

    static let none = ProxyFaults()
}

/// A reverse proxy of the matrix's own between nodes and hub processes: HTTP/1.1 on loopback
/// (SwiftNIO), forwarding with AsyncHTTPClient, round robin over the hub processes (the next one
/// when one does not answer, as a load balancer does). Seeded: the same seed draws the same
/// sequence of decisions. While `partitioned`, every connection is closed as soon as it opens.
final class FaultProxy: Sendable {
    struct Tally: Sendable {
        var requests = 0
        var droppedRequests = 0
        var droppedResponses = 0
        var duplicated = 0
        var delayed = 0
        var replayed = 0
        var refused = 0
    }

    private struct State: Sendable {
        var upstreams: [String]
        var faults = ProxyFaults.none
        var partitioned = false
        var rng: SeededRNG
        var next = 0
        var tally = Tally()
    }

    enum Action: Equatable {
        case pass, dropRequest, dropResponse, duplicate
        case delay(Int)
        case replay(Int)
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)" }
    private let state: NIOLockedValueBox<State>
    private let channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>
    private let acceptor: Task<Void, Never>

    /// Starts listening on a free loopback port.
    static func start(upstreams: [String], seed: UInt64) async throws -> FaultProxy {
        let port = try freeLoopbackPort()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: port) { child in
                child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(
                        wrappingChannelSynchronously: child)
                }
            }
        return FaultProxy(port: port, channel: channel, upstreams: upstreams, seed: seed)
    }

    private init(
        port: Int, channel: NIOAsyncChannel<NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>, Never>,
        upstreams: [String], seed: UInt64
    ) {
        self.port = port
        self.channel = channel
        let state = NIOLockedValueBox(State(upstreams: upstreams, rng: SeededRNG(state: seed)))
        self.state = state
        acceptor = Task {
            let proxy = Self.Handler(state: state)
            try? await withThrowingDiscardingTaskGroup { group in
                try await channel.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await proxy.serve(connection) }
                    }
                }
            }
        }
    }

    func set(_ faults: ProxyFaults) { state.withLockedValue { $0.faults = faults } }
    func set(partitioned: Bool) { state.withLockedValue { $0.partitioned = partitioned } }
    func set(upstreams: [String]) { state.withLockedValue { $0.upstreams = upstreams } }
    var tally: Tally { state.withLockedValue { $0.tally } }

    func stop() async {
        try? await channel.channel.close()
        acceptor.cancel()
        _ = await acceptor.value
    }

    /// The per-connection work, apart from the listener so the accept loop can hold it.
    private struct Handler: Sendable {
        let state: NIOLockedValueBox<State>

        func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async {
            if state.withLockedValue({ s in
                if s.partitioned { s.tally.refused += 1 }
                return s.partitioned
            }) {
                try? await connection.channel.close()
                return
            }
            try? await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                var body = ByteBuffer()
                for try await part in inbound {
                    switch part {
                    case .head(let h):
                        head = h
                        body.clear()
                    case .body(var chunk):
                        body.writeBuffer(&chunk)
                    case .end:
                        guard let request = head else { return }
                        guard let answer = await handle(request, body) else { return }  // dropped: close
                        try await outbound.write(.head(answer.head))
                        try await outbound.write(.body(.byteBuffer(answer.body)))
                        try await outbound.write(.end(nil))
                        if !request.isKeepAlive { return }
                    }
                }
            }
        }

        /// The answer to send back, or nil to close the connection without one.
        private func handle(_ request: HTTPRequestHead, _ body: ByteBuffer) async -> (
            head: HTTPResponseHead, body: ByteBuffer
        )? {
            let (action, skew, partitioned) = state.withLockedValue { s -> (Action, Int64, Bool) in
                s.tally.requests += 1
                let action = Self.decide(s.faults, &s.rng)
                switch action {
                case .pass: break
                case .dropRequest: s.tally.droppedRequests += 1
                case .dropResponse: s.tally.droppedResponses += 1
                case .duplicate: s.tally.duplicated += 1
                case .delay: s.tally.delayed += 1
                case .replay: s.tally.replayed += 1
                }
                return (action, s.faults.skew, s.partitioned)
            }
            if partitioned { return nil }
            switch action {
            case .dropRequest:
                return nil
            case .delay(let ms):
                try? await Task.sleep(for: .milliseconds(ms))
            case .duplicate:
                async let twin = forward(request, body)
                let first = await forward(request, body)
                _ = await twin
                return first.map { shiftDate($0, by: skew) } ?? badGateway()
            case .replay(let ms):
                Task {
                    try? await Task.sleep(for: .milliseconds(ms))
                    _ = await forward(request, body)
                }
            case .pass, .dropResponse: break
            }
            let answer = await forward(request, body)
            if action == .dropResponse { return nil }
            return answer.map { shiftDate($0, by: skew) } ?? badGateway()
        }

        private static func decide(_ faults: ProxyFaults, _ rng: inout SeededRNG) -> Action {
            var roll = rng.int(0...99)
            let delayMs = rng.int(0...max(0, faults.maxDelay))
            let replayMs = rng.int(200...3_000)
            for (percent, action) in [
                (faults.dropRequest, Action.dropRequest), (faults.dropResponse, .dropResponse),
                (faults.duplicate, .duplicate), (faults.delay, .delay(delayMs)), (faults.replay, .replay(replayMs)),
            ] {
                if roll < percent { return action }
                roll -= percent
            }
            return .pass
        }

        /// Sends the request to the hub processes in turn, starting with the next in the rotation.
        private func forward(_ head: HTTPRequestHead, _ body: ByteBuffer) async -> (
            head: HTTPResponseHead, body: ByteBuffer
        )? {
            let (upstreams, start) = state.withLockedValue { s -> ([String], Int) in
                s.next &+= 1
                return (s.upstreams, s.next)
            }
            for i in 0..<upstreams.count {
                let base = upstreams[(start + i) % upstreams.count]
                var request = HTTPClientRequest(url: base + head.uri)
                request.method = head.method
                for (name, value) in head.headers
                where !["host", "connection", "content-length", "transfer-encoding"].contains(name.lowercased()) {
                    request.headers.add(name: name, value: value)
                }
                request.body = .bytes(body)
                do {
                    let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
                    let answer = try await response.body.collect(upTo: 256 << 20)
                    var headers = HTTPHeaders()
                    for (name, value) in response.headers
                    where !["connection", "content-length", "transfer-encoding"].contains(name.lowercased()) {
                        headers.add(name: name, value: value)
                    }
                    headers.replaceOrAdd(name: "Content-Length", value: String(answer.readableBytes))
                    return (HTTPResponseHead(version: .http1_1, status: response.status, headers: headers), answer)
                } catch {
                    continue
                }
            }
            return nil
        }

        private func badGateway() -> (head: HTTPResponseHead, body: ByteBuffer) {
            (
                HTTPResponseHead(version: .http1_1, status: .badGateway, headers: ["Content-Length": "0"]),
                ByteBuffer()
            )
        }

        /// The same answer with its `Date` moved by `skew` ms.
        private func shiftDate(_ answer: (head: HTTPResponseHead, body: ByteBuffer), by skew: Int64) -> (
            head: HTTPResponseHead, body: ByteBuffer
        ) {
            guard skew != 0 else { return answer }
            var answer = answer
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let hub = answer.head.headers.first(name: "Date").flatMap { formatter.date(from: $0) } ?? Date()
            let shifted = hub.addingTimeInterval(Double(skew) / 1_000)
            answer.head.headers.replaceOrAdd(name: "Date", value: formatter.string(from: shifted))
            return answer
        }
    }
}
