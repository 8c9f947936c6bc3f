import Replication
import Testing

@Suite struct RestoredReplicaTests {
    @Test(
        "a replica is an older copy exactly when the hub holds more of its own events",
        arguments: [
            (UInt64(0), UInt64(0), false), (3, 3, false), (2, 5, false), (5, 2, true), (1, 0, true),
        ] as [(UInt64, UInt64, Bool)])
    func rule(hubAcked: UInt64, own: UInt64, restored: Bool) {
        #expect((RestoredReplica.reason(hubAcked: hubAcked, ownLastSeq: own) != nil) == restored)
    }
}
