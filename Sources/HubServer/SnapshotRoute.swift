import Foundation
import HTTPSupport
import HubStore
import Hummingbird
import SyncProtocol

extension HubRoutes {
    /// `GET /sync/v1/snapshot`: what a new node starts from (Protocol/sync.md §4), streamed as
    /// NDJSON (`SnapshotWire`): the header, one line per event, the end line with the checkpoint.
    /// Refusals (unknown or revoked credential) come before anything is streamed, as problems;
    /// a failure while streaming cuts the body short, without the end line, and the node retries.
    func addSnapshotRoute(to sync: Group) {
        sync.get("snapshot") { _, context in
            let caller = try context.caller()
            let snapshot = try await store.snapshot(for: caller.node, now: clock())
            let header = try JSONEncoder().encode(
                SnapshotHeader(epoch: snapshot.epoch, events: snapshot.expectedEvents))
            let metrics = self.metrics
            let body = ResponseBody { writer in
                var buffer = ByteBuffer()
                buffer.writeBytes(header)
                buffer.writeInteger(UInt8(ascii: "\n"))
                var sent = 0
                while let part = try await snapshot.next() {
                    switch part {
                    case .events(let bodies):
                        buffer.reserveCapacity(minimumWritableBytes: bodies.reduce(0) { $0 + $1.count + 1 })
                        for event in bodies {
                            buffer.writeBytes(event)
                            buffer.writeInteger(UInt8(ascii: "\n"))
                        }
                        sent += bodies.count
                        try await writer.write(buffer)
                        buffer.clear()
                    case .end(let checkpoint):
                        buffer.writeBytes(try JSONEncoder().encode(SnapshotEnd(checkpoint: checkpoint, events: sent)))
                        buffer.writeInteger(UInt8(ascii: "\n"))
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                metrics.pulled(sent)
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: SnapshotWire.mediaType], body: body)
        }
    }
}
