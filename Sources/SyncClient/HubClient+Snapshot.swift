import AsyncHTTPClient
public import Foundation
import NIOCore
public import NodeStore
import SyncProtocol

/// A snapshot as it arrives: the header, then pieces until the end.
public struct SnapshotDownload: Sendable {
    /// The hub database's epoch.
    public var epoch: String
    /// How many events the hub announced, when it did.
    public var expectedEvents: Int?
    /// Events in batches, then `.end`, then nil. Throws if the stream breaks off.
    public var next: @Sendable () async throws -> SnapshotPart?

    public init(epoch: String, expectedEvents: Int?, next: @escaping @Sendable () async throws -> SnapshotPart?) {
        self.epoch = epoch
        self.expectedEvents = expectedEvents
        self.next = next
    }
}

extension HubTransport {
    /// A transport without snapshots: the agent pages the feed from 0 instead.
    public func snapshot() async throws -> SnapshotDownload? { nil }
}

extension HubClient {
    /// Lines per batch handed to the node's loader.
    static let snapshotBatch = 2_048

    /// `GET /sync/v1/snapshot`, streamed: nil when the hub has no such route (an older hub).
    public func snapshot() async throws -> SnapshotDownload? {
        var request = HTTPClientRequest(url: baseURL + SnapshotWire.route)
        request.method = .GET
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Accept", value: SnapshotWire.mediaType)
        // A snapshot of a large company takes a while to stream.
        let response = try await client.execute(request, timeout: .minutes(60))
        guard (200..<300).contains(Int(response.status.code)) else {
            let data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
            if response.status.code == 404 { return nil }
            if let problem = try? JSONDecoder().decode(ProblemDetails.self, from: data) { throw problem }
            throw ProblemDetails(
                code: "sync.httpError", status: Int(response.status.code),
                title: "hub answered \(response.status.code)",
                detail: String(decoding: data.prefix(500), as: UTF8.self))
        }
        let reader = SnapshotLineReader(body: response.body)
        guard let first = try await reader.line() else { throw SnapshotLineReader.truncated(0) }
        let header = try JSONDecoder().decode(SnapshotHeader.self, from: first)
        return SnapshotDownload(epoch: header.epoch, expectedEvents: header.events) {
            try await reader.nextPart(batch: Self.snapshotBatch)
        }
    }
}

/// Reads the NDJSON body of a snapshot line by line. Used by one task at a time.
final class SnapshotLineReader: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var splitter = SnapshotWire.LineSplitter()
    private var ready: [Data] = []
    private var readyIndex = 0
    private var finished = false
    private var events = 0

    init(body: HTTPClientResponse.Body) { iterator = body.makeAsyncIterator() }

    static func truncated(_ events: Int) -> ProblemDetails {
        ProblemDetails(
            code: "sync.truncatedSnapshot", status: 502, title: "snapshot cut short",
            detail: "the hub's snapshot stopped after \(events) events, before its end line; nothing was kept")
    }

    /// The next line, nil at the end of the body.
    func line() async throws -> Data? {
        while readyIndex == ready.count {
            guard let buffer = try await iterator.next() else {
                guard splitter.remainder == 0 else { throw Self.truncated(events) }
                return nil
            }
            ready = splitter.lines(appending: buffer.readableBytesView)
            readyIndex = 0
        }
        defer { readyIndex += 1 }
        return ready[readyIndex]
    }

    /// Up to `batch` event lines, or the end, or nil after the end.
    func nextPart(batch: Int) async throws -> SnapshotPart? {
        guard !finished else { return nil }
        var bodies: [Data] = []
        while bodies.count < batch {
            guard let line = try await line() else { throw Self.truncated(events + bodies.count) }
            if SnapshotWire.isEnd(line) {
                if !bodies.isEmpty {
                    // Hand out the events first; the end line comes with the next call.
                    ready.insert(line, at: readyIndex)
                    break
                }
                let end = try JSONDecoder().decode(SnapshotEnd.self, from: line)
                finished = true
                return .end(checkpoint: end.end.checkpoint, events: end.end.events)
            }
            bodies.append(line)
        }
        events += bodies.count
        return .events(bodies)
    }
}
