import NodeStore
import Testing

/// Push on commit rests on `CommitSignal`: a wait that timed out must not spoil the next ones (an
/// `AsyncStream` is finished for good when one of its waits is cancelled, which made every later
/// wait return at once, and the node sync without pause).
@Suite struct CommitSignalTests {
    @Test("after waits that timed out, a wait still waits, and a signal still wakes it")
    func afterTimeouts() async {
        let signal = CommitSignal()
        #expect(await signal.wait(upTo: .milliseconds(10)) == false)
        let start = ContinuousClock.now
        #expect(await signal.wait(upTo: .milliseconds(200)) == false)
        #expect(ContinuousClock.now - start >= .milliseconds(200), "a timed-out wait returned early")
        signal.signal()
        signal.signal()
        // Signals that came meanwhile are one.
        #expect(await signal.wait(upTo: .seconds(20)) == true)
        #expect(await signal.wait(upTo: .milliseconds(10)) == false)
        let woken = Task { await signal.wait(upTo: .seconds(20)) }
        try? await Task.sleep(for: .milliseconds(50))
        signal.signal()
        #expect(await woken.value == true)
    }

    @Test("a cancelled wait returns at once")
    func cancelled() async {
        let signal = CommitSignal()
        let waiting = Task { await signal.wait(upTo: .seconds(60)) }
        try? await Task.sleep(for: .milliseconds(50))
        waiting.cancel()
        #expect(await waiting.value == false)
    }
}
