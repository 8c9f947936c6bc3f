import Foundation
import GRDB
import Replication
import ReturnsDomain
import Synchronization
import Testing

@testable import ReplicaStore

/// `ReplicaDatabase.transaction`: on an idle writer it runs on the caller's thread; under
/// contention it waits its turn; either way one transaction at a time, and each one whole.
@Suite struct WriterThreadTests {
    static func database() throws -> (ReplicaDatabase, URL) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("writer-\(UUID().uuidString)")
        let db = try ReplicaDatabase.create(
            atPath: dir.appendingPathComponent("replica.sqlite").path,
            identity: NodeIdentity(node: "W-1", store: "W", currency: Currency("EUR")))
        try db.transactionSync { db in try db.execute(sql: "INSERT INTO meta (key, value) VALUES ('test.count', '0')") }
        return (db, dir)
    }

    @Test("an async transaction on an idle writer runs on the caller's thread")
    func idleWriterRunsHere() async throws {
        let (db, dir) = try Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        for _ in 0..<20 {
            let here = UInt(bitPattern: Int(bitPattern: pthread_self()))
            let there = try await db.transaction { _ in UInt(bitPattern: Int(bitPattern: pthread_self())) }
            #expect(here == there)
        }
    }

    @Test("transactions from many tasks and a blocking thread commit one at a time, none lost")
    func contendedWritesSerialise() async throws {
        let (db, dir) = try Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        final class Probe: Sendable {
            let inside = Atomic<Int>(0)
            let overlapped = Atomic<Bool>(false)
        }
        let probe = Probe()
        @Sendable func increment(_ d: Database) throws {
            if probe.inside.add(1, ordering: .sequentiallyConsistent).newValue > 1 {
                probe.overlapped.store(true, ordering: .sequentiallyConsistent)
            }
            defer { probe.inside.subtract(1, ordering: .sequentiallyConsistent) }
            let n = Int(try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'test.count'") ?? "") ?? -1000
            try d.execute(sql: "UPDATE meta SET value = ? WHERE key = 'test.count'", arguments: [String(n + 1)])
        }
        // A thread of its own writing synchronously (as the CLI does) while the tasks write.
        let blocking = Thread {
            for _ in 0..<50 { try? db.transactionSync { d in try increment(d) } }
        }
        blocking.start()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask { for _ in 0..<25 { try await db.transaction { d in try increment(d) } } }
            }
            try await group.waitForAll()
        }
        while !blocking.isFinished { try await Task.sleep(for: .milliseconds(5)) }
        let count = try await db.transaction { d in
            try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'test.count'")
        }
        #expect(count == String(8 * 25 + 50))
        let overlapped = probe.overlapped.load(ordering: .sequentiallyConsistent)
        #expect(!overlapped)
    }

    @Test("a transaction that throws on the caller's thread rolls back and leaves the writer usable")
    func failureRollsBack() async throws {
        let (db, dir) = try Self.database()
        defer { try? FileManager.default.removeItem(at: dir) }
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await db.transaction { d in
                try d.execute(sql: "UPDATE meta SET value = '99' WHERE key = 'test.count'")
                throw Refused()
            }
        }
        let count = try await db.transaction { d in
            try String.fetchOne(d, sql: "SELECT value FROM meta WHERE key = 'test.count'")
        }
        #expect(count == "0")
    }
}
