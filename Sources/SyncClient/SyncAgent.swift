public import NodeStore
public import Replication
public import SyncProtocol

/// What one sync round did.
public struct SyncReport: Hashable, Sendable, Codable {
    public var pushed = 0
    public var pushDuplicates = 0
    public var acked: UInt64 = 0
    public var pulled = 0
    public var pullDuplicates = 0
    public var conflicts: [Dot] = []
    public var checkpoint: UInt64 = 0
    public var epoch = ""
    /// True when the hub's epoch changed and the node re-pulled from the start.
    public var resynced = false
    public init() {}
}

/// Pushes the node's outbox and pulls the hub's feed. One `syncOnce()` is a full round; `run`
/// (in `SyncService`) repeats it with backoff.
public struct SyncAgent: Sendable {
    public let service: NodeService
    public let transport: any HubTransport
    public var pushBatch = 500
    public var pullBatch = 2_000

    public init(service: NodeService, transport: any HubTransport) {
        self.service = service
        self.transport = transport
    }

    /// Pushes everything in the outbox, then pulls until the feed is drained.
    /// `progress` gets a line per page, for people watching a long first pull.
    public func syncOnce(progress: @Sendable (String) -> Void = { _ in }) async throws -> SyncReport {
        var report = SyncReport()
        try await push(&report)
        try await pull(&report, progress: progress)
        return report
    }

    func push(_ report: inout SyncReport) async throws {
        while let changeSet = try await service.outboxChangeSet(limit: pushBatch) {
            do {
                let answer = try await transport.push(changeSet)
                report.pushed += answer.applied
                report.pushDuplicates += answer.duplicates
                report.acked = answer.acked
                try await service.acknowledge(through: answer.acked)
                if answer.acked < (changeSet.lastSeq ?? 0) {
                    // The hub kept less than was sent (it should not); stop rather than loop.
                    return
                }
            } catch let problem as ProblemDetails where problem.code == "sync.gap" {
                guard let expected = problem.expectedSeq else { throw problem }
                let first = changeSet.firstSeq ?? 1
                if expected > first {
                    // The hub already holds these (our acknowledgement was lost): drop them.
                    try await service.acknowledge(through: expected - 1)
                } else {
                    // The hub lost events we had acknowledged (restored or rebuilt hub): put our
                    // own events back in the outbox from the seq it expects.
                    try await service.requeue(from: expected)
                }
            }
        }
    }

    func pull(_ report: inout SyncReport, progress: @Sendable (String) -> Void) async throws {
        var cp = try await service.syncCheckpoint()
        while true {
            var page = try await transport.pull(after: cp.checkpoint, limit: pullBatch)
            if !cp.epoch.isEmpty && page.epoch != cp.epoch && !report.resynced {
                // A different hub database: our checkpoint means nothing there. Start over;
                // events we already hold are duplicates and change nothing.
                report.resynced = true
                cp = SyncCheckpoint(checkpoint: 0, epoch: page.epoch)
                try await service.requeue(from: 1)
                page = try await transport.pull(after: 0, limit: pullBatch)
            }
            let applied = try await service.applyPulled(page.events.map(\.event), checkpoint: page.checkpoint, epoch: page.epoch)
            report.pulled += applied.applied
            report.pullDuplicates += applied.duplicates
            report.conflicts += applied.conflicts
            cp = SyncCheckpoint(checkpoint: page.checkpoint, epoch: page.epoch)
            report.checkpoint = page.checkpoint
            report.epoch = page.epoch
            if !page.events.isEmpty { progress("pulled \(report.pulled) events, checkpoint \(page.checkpoint)") }
            if !page.more { break }
        }
    }
}
