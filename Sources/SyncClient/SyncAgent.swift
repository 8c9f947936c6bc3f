import Foundation
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
    /// Events loaded from the hub's snapshot (a new node's first sync), 0 when it paged the feed.
    public var bootstrapped = 0
    public init() {}
}

/// A page of the feed the sync service already holds (a long-poll's answer), read after `after`.
public struct HeldPage: Sendable {
    /// The node's checkpoint when the long-poll began: the page is used only if it still is.
    public var after: UInt64
    public var page: PullResponse

    public init(after: UInt64, page: PullResponse) {
        self.after = after
        self.page = page
    }
}

/// Pushes the node's outbox and pulls the hub's feed. One `syncOnce()` is a full round; `run`
/// (in `SyncService`) repeats it with backoff.
public struct SyncAgent: Sendable {
    public let service: NodeService
    public let transport: any HubTransport
    public var pushBatch = 500
    public var pullBatch = 2_000
    /// Pulled pages are applied together, one transaction per this many events or so.
    public var applyBatch = 5_000
    /// Whether a node that has never pulled starts from the hub's snapshot (Protocol/sync.md §4).
    public var bootstrapFromSnapshot = true

    public init(service: NodeService, transport: any HubTransport) {
        self.service = service
        self.transport = transport
    }

    /// Pushes everything in the outbox, then pulls until the feed is drained.
    /// `progress` gets a line per page, for people watching a long first pull. `held`, a page a
    /// long-poll brought, is applied as the first page when the node's checkpoint and epoch are
    /// still the ones it was read after (else it is dropped and the feed read again).
    public func syncOnce(
        held: HeldPage? = nil, progress: @escaping @Sendable (String) -> Void = { _ in }
    ) async throws -> SyncReport {
        var report = SyncReport()
        try await push(&report)
        try await pull(&report, held: held, progress: progress)
        // The hub's clock, as its answers dated them: beyond the tolerance this node dates by it.
        if let offset = transport.hubClockOffset { try await service.recordHubClock(offset: offset) }
        // A resync put our own events back in the outbox (a rebuilt or restored hub may lack
        // them): send them in this round rather than the next.
        if report.resynced { try await push(&report) }
        return report
    }

    func push(_ report: inout SyncReport) async throws {
        while let (changeSet, bodies) = try await service.outboxBatch(limit: pushBatch) {
            do {
                let answer = try await transport.push(changeSet, stored: bodies)
                report.pushed += answer.applied
                report.pushDuplicates += answer.duplicates
                report.acked = answer.acked
                try await service.acknowledge(through: answer.acked)
                if answer.acked < (changeSet.lastSeq ?? 0) {
                    // The hub kept less than was sent (it should not); stop rather than loop.
                    return
                }
            } catch let problem as ProblemDetails where problem.code == "sync.dotConflict" {
                // The hub holds other events under our seqs: this database is an older copy.
                try await service.markRestored(RestoredReplica.dotConflictReason)
                throw problem
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

    /// A node that has never pulled and holds no other node's events loads the hub's snapshot in
    /// one transaction instead of paging the feed from 0; then it pulls what came after it.
    func bootstrap(_ report: inout SyncReport, progress: @escaping @Sendable (String) -> Void) async throws {
        guard bootstrapFromSnapshot, try await service.canBootstrap(), let download = try await transport.snapshot()
        else {
            return
        }
        if download.expectedEvents == 0 {
            // An empty hub: nothing to load, and loading would write (and log) every round until
            // the hub has events. Read the rest of the answer and page the feed as usual.
            while try await download.next() != nil {}
            return
        }
        progress(
            "bootstrap: loading the hub's snapshot (\(download.expectedEvents.map { "\($0) events" } ?? "size unknown"))"
        )
        let load = try await service.loadSnapshot(
            epoch: download.epoch, expectedEvents: download.expectedEvents, next: download.next,
            progress: { progress($0.line) })
        report.bootstrapped = load.events
        report.checkpoint = load.checkpoint
        report.epoch = load.epoch
    }

    func pull(
        _ report: inout SyncReport, held: HeldPage? = nil, progress: @escaping @Sendable (String) -> Void
    ) async throws {
        try await bootstrap(&report, progress: progress)
        var cp = try await service.syncCheckpoint()
        let start = ContinuousClock.now
        var lastLine = start
        func rate() -> String {
            let seconds = (ContinuousClock.now - start) / .seconds(1)
            return seconds > 0 ? "\(Int(Double(report.pulled + report.pullDuplicates) / seconds)) events/s" : "-"
        }
        defer {
            if report.pulled + report.pullDuplicates > 0 {
                progress(
                    "pull: \(report.pulled) events applied (\(report.pullDuplicates) already held), \(rate()), checkpoint \(report.checkpoint)"
                )
            }
        }
        // Pages are applied in groups of about `applyBatch` events: one transaction (and one
        // fsync) per group, with the last page's checkpoint, instead of one per page.
        var group: [Event] = []
        var bodies: [Data?] = []
        var groupEnd: PullResponse?
        func apply() async throws {
            guard let last = groupEnd else { return }
            let applied = try await service.applyPulled(
                group, bodies: bodies, checkpoint: last.checkpoint, epoch: last.epoch)
            report.pulled += applied.applied
            report.pullDuplicates += applied.duplicates
            report.conflicts += applied.conflicts
            cp = SyncCheckpoint(checkpoint: last.checkpoint, epoch: last.epoch)
            report.checkpoint = last.checkpoint
            report.epoch = last.epoch
            group = []
            bodies = []
            groupEnd = nil
        }
        let transport = self.transport
        let limit = pullBatch
        var page: PullResponse
        do {
            if let held, held.after == cp.checkpoint, held.page.epoch == cp.epoch {
                page = held.page
            } else {
                page = try await transport.pull(after: cp.checkpoint, limit: limit)
            }
        } catch let problem as ProblemDetails where problem.code == "sync.checkpointAhead" && cp.checkpoint > 0 {
            // The hub's feed ends before our checkpoint: it was restored from an older backup
            // without a new epoch. Start over from 0 (what we hold is a no-op duplicate) and send
            // our own events again (the hub may have lost some).
            report.resynced = true
            try await service.requeue(from: 1)
            page = try await transport.pull(after: 0, limit: limit)
            cp = SyncCheckpoint(checkpoint: 0, epoch: page.epoch)
        }
        // The hub holds more of our own events than we do: this database was restored from an older
        // backup (or copied). Stop issuing documents before any number is given out twice.
        if let acked = page.acked, page.epoch == cp.epoch || cp.epoch.isEmpty,
            let reason = RestoredReplica.reason(hubAcked: acked, ownLastSeq: try await service.ownLastSeq())
        {
            try await service.markRestored(reason)
            throw ProblemDetails(
                code: "node.restoredFromBackup", status: 409, title: "Restored from an older backup", detail: reason)
        }
        while true {
            if let pending = groupEnd, page.epoch != pending.epoch { try await apply() }
            if !cp.epoch.isEmpty && page.epoch != cp.epoch && !report.resynced {
                // A different hub database: our checkpoint means nothing there. Start over;
                // events we already hold are duplicates and change nothing.
                report.resynced = true
                cp = SyncCheckpoint(checkpoint: 0, epoch: page.epoch)
                try await service.requeue(from: 1)
                page = try await transport.pull(after: 0, limit: limit)
            }
            group += page.events.map(\.event)
            bodies += page.events.map(\.body)
            groupEnd = page
            // The next page is fetched (and decoded) while this group is applied.
            let after = page.checkpoint
            let prefetch = page.more ? Task { try await transport.pull(after: after, limit: limit) } : nil
            do {
                if group.count >= applyBatch || !page.more { try await apply() }
            } catch let refusal as FeedRefusal {
                // Not a silent drop: the hub records it for head office; pulling stops here.
                prefetch?.cancel()
                try? await transport.reportRefusal(
                    FeedRefusalReport(dot: refusal.dot, code: refusal.code, message: refusal.message))
                throw refusal
            } catch {
                prefetch?.cancel()
                throw error
            }
            if page.more && ContinuousClock.now - lastLine >= .seconds(1) {
                lastLine = ContinuousClock.now
                progress("pull: \(report.pulled) events so far, \(rate()), checkpoint \(report.checkpoint)")
            }
            guard let prefetch else { break }
            page = try await prefetch.value
        }
    }
}
