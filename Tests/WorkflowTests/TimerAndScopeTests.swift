import Workflow
import XCTest

final class TimerAndScopeTests: XCTestCase {
    func testTimerFiresOnceAtItsTime() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.timer("t", afterMilliseconds: 5000, scope: nil))
        await harness.engine.quiesce()
        harness.clock.advance(by: .milliseconds(4999))
        await harness.engine.quiesce()
        var kinds = try await harness.kinds("w1")
        XCTAssertFalse(kinds.contains(.timerFired))
        harness.clock.advance(by: .seconds(60))
        await harness.engine.quiesce()
        kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds.filter { $0 == .timerFired }.count, 1)
        let history = try await harness.engine.history(of: "w1")
        XCTAssertEqual(history.last?.time, ManualClock().now() + .milliseconds(5000))
    }

    func testMovingADeadlineWritesNoEventAndFiresOnlyAtTheNewTime() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.timer("idle", afterMilliseconds: 1000, scope: nil))
        // Re-arming the same timer moves it; only the signal that moved it is logged.
        harness.clock.advance(by: .milliseconds(900))
        try await handle.signal(.timer("idle", afterMilliseconds: 1000, scope: nil))
        harness.clock.advance(by: .milliseconds(900))
        await harness.engine.quiesce()
        var kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds, [.started, .signal, .signal])
        harness.clock.advance(by: .milliseconds(100))
        await harness.engine.quiesce()
        kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds, [.started, .signal, .signal, .timerFired])
    }

    func testCancelledTimerNeverFires() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.timer("t", afterMilliseconds: 1000, scope: nil))
        try await handle.signal(.cancelTimer("t"))
        harness.clock.advance(by: .seconds(5))
        await harness.engine.quiesce()
        let kinds = try await harness.kinds("w1")
        XCTAssertFalse(kinds.contains(.timerFired))
    }

    func testScopeDeadlineCancelsItsWorkAndCleanupRuns() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.scope("main", afterMilliseconds: 3000))
        try await handle.signal(.timer("inside", afterMilliseconds: 10_000, scope: "main"))
        try await handle.signal(.timer("outside", afterMilliseconds: 10_000, scope: nil))
        try await handle.signal(.activity("work", payload: "hang", maximumAttempts: 1,
                                          timeoutMilliseconds: nil, scope: "main"))
        try await waitUntil { harness.activities.attempts(of: "work").count == 1 }
        harness.clock.advance(by: .seconds(3))
        await harness.engine.quiesce()
        var machine = try await harness.engine.liveMachine("w1")
        XCTAssertEqual(Array(machine.timers.keys), ["outside"])
        XCTAssertTrue(machine.activities.isEmpty)
        XCTAssertTrue(machine.scopes.isEmpty)
        XCTAssertEqual(machine.state?.log.last, "expired:main")
        await harness.effects.wait { $0.contains { $0.effect == "expired:main" } }
        harness.clock.advance(by: .seconds(10))
        await harness.engine.quiesce()
        machine = try await harness.engine.liveMachine("w1")
        XCTAssertEqual(machine.state?.log.last, "fired:outside")
        XCTAssertFalse(machine.state?.log.contains("fired:inside") ?? true)
    }

    func testContinueAsNewCarriesTimersAndReplayStartsFromTheSnapshot() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let harness = try ProbeHarness(directory: directory, clock: clock)
        let handle = try await harness.engine.start("w1", input: "x")
        for value in 1...20 { try await handle.signal(.add(value)) }
        try await handle.signal(.timer("later", afterMilliseconds: 60_000, scope: nil))
        try await handle.signal(.continueAsNew)
        try await handle.signal(.add(1000))
        await harness.engine.quiesce()
        let live = try await harness.engine.liveMachine("w1")
        XCTAssertEqual(live.run, 2)
        XCTAssertEqual(live.runLength, 2, "snapshot + one signal")
        let full = try await harness.engine.replayStored("w1")
        XCTAssertEqual(full.encodedState, live.encodedState, "replaying all runs matches")
        harness.stop()

        let restarted = try ProbeHarness(directory: directory, clock: clock)
        defer { restarted.stop() }
        let report = try await restarted.engine.recover()
        XCTAssertEqual(report.recovered, ["w1"])
        XCTAssertEqual(report.recordsReplayed, 2, "replay started at the snapshot")
        let recovered = try await restarted.engine.liveMachine("w1")
        XCTAssertEqual(recovered.encodedState, live.encodedState)
        clock.advance(by: .seconds(60))
        await restarted.engine.quiesce()
        let state = try await restarted.handle("w1").state()
        XCTAssertEqual(state.log.last, "fired:later", "the timer crossed the continue-as-new")
        XCTAssertEqual(state.total, (1...20).reduce(0, +) + 1000)
    }
}
