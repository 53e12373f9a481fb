import Workflow
import XCTest

/// In-process restarts: the engine is dropped without finishing anything and a new one recovers
/// from the same file. The real kill -9 test is in CrashTests.
final class RecoveryTests: XCTestCase {
    func testRecoveryRearmsTimersAndDueTimersFireAtOnce() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let first = try ProbeHarness(directory: directory, clock: clock)
        let handle = try await first.engine.start("w1", input: "x")
        try await handle.signal(.timer("soon", afterMilliseconds: 1000, scope: nil))
        try await handle.signal(.timer("late", afterMilliseconds: 60_000, scope: nil))
        await first.engine.quiesce()
        first.stop()

        clock.advance(by: .seconds(5))  // "soon" came due while nothing ran
        let second = try ProbeHarness(directory: directory, clock: clock)
        defer { second.stop() }
        _ = try await second.engine.recover()
        await second.engine.quiesce()
        var history = try await second.engine.history(of: "w1")
        XCTAssertEqual(history.filter { $0.kind == .timerFired }.count, 1)
        XCTAssertEqual(history.last?.time, clock.now(), "fired at once on recovery")
        clock.advance(by: .seconds(60))
        await second.engine.quiesce()
        history = try await second.engine.history(of: "w1")
        let fired = history.compactMap { entry -> TimerID? in
            if case .timerFired(let id) = entry.event { return id }
            return nil
        }
        XCTAssertEqual(fired, ["soon", "late"], "each timer fired exactly once")
    }

    func testUnfinishedActivityIsRunAgainAfterRestart() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let first = try ProbeHarness(directory: directory, clock: clock)
        let handle = try await first.engine.start("w1", input: "x")
        try await handle.signal(.activity("job", payload: "hang", maximumAttempts: 1, timeoutMilliseconds: nil, scope: nil))
        try await waitUntil { first.activities.attempts(of: "job").count == 1 }
        first.stop()

        // The same history, now with a definition whose activity handler finishes.
        let second = try ProbeHarness(directory: directory, clock: clock)
        defer { second.stop() }
        let report = try await second.engine.recover()
        XCTAssertEqual(report.recovered, ["w1"])
        try await waitUntil { second.activities.attempts(of: "job").count == 1 }
        let machine = try await second.engine.liveMachine("w1")
        XCTAssertEqual(machine.activities.keys.first, "job", "still pending: the new attempt hangs too")
    }

    func testUnknownVersionIsReportedAndLeftAlone() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let first = try ProbeHarness(directory: directory, clock: clock, definitions: [ProbeWorkflow(version: "old")])
        _ = try await first.engine.start("w1", input: "x")
        first.stop()
        let second = try ProbeHarness(directory: directory, clock: clock, definitions: [ProbeWorkflow(version: "new")])
        defer { second.stop() }
        let report = try await second.engine.recover()
        XCTAssertEqual(report.recovered, [])
        XCTAssertEqual(report.failed.map(\.0), ["w1"])
        XCTAssertEqual(report.failed.first?.1, .unknownVersion(type: "probe", version: "old"))
    }

    func testEachInstanceReplaysWithTheVersionItStartedWith() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let first = try ProbeHarness(directory: directory, clock: clock, definitions: [ProbeWorkflow(version: "v1")])
        _ = try await first.engine.start("old", input: "x")
        first.stop()
        let second = try ProbeHarness(directory: directory, clock: clock,
                                      definitions: [ProbeWorkflow(version: "v2"), ProbeWorkflow(version: "v1")])
        defer { second.stop() }
        _ = try await second.engine.start("new", input: "y")
        _ = try await second.engine.recover()
        let old = try await second.engine.liveMachine("old")
        let new = try await second.engine.liveMachine("new")
        XCTAssertEqual(old.definition.version, "v1")
        XCTAssertEqual(new.definition.version, "v2")
        let list = try await second.store.list()
        XCTAssertEqual(Dictionary(uniqueKeysWithValues: list.map { ($0.id, $0.version) }), ["old": "v1", "new": "v2"])
    }

    func testUpdateInFlightAtACrashIsCompletedAfterRestart() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let first = try ProbeHarness(directory: directory, clock: clock)
        first.activities.holdAll = true
        let handle = try await first.engine.start("w1", input: "x")
        let pending = try await handle.startUpdate(SetTotalSlowly.self, 11)
        try await waitUntil { first.activities.log.count == 1 }
        first.stop()
        do {
            _ = try await pending.result()
            XCTFail("the caller of a crashed engine cannot get an answer")
        } catch {
            XCTAssertEqual(error, .updateFailed(UpdateFailure(WorkflowError.shutDown.description)))
        }

        let second = try ProbeHarness(directory: directory, clock: clock)
        defer { second.stop() }
        _ = try await second.engine.recover()
        await second.engine.quiesce()
        let state = try await second.handle("w1").state()
        XCTAssertEqual(state.total, 11)
        XCTAssertEqual(state.log, ["start:x", "pending-set:11", "done:u\(pending.id.rawValue):set:11"])
        let kinds = try await second.kinds("w1")
        XCTAssertEqual(kinds, [.started, .update, .activityCompleted], "the update was recorded once")
    }
}
