import Workflow
import XCTest

/// The sans-I/O core on its own: no SQLite, no clock, no tasks.
final class MachineTests: XCTestCase {
    private let t0 = WorkflowTime.seconds(1_000)

    private func machine() throws -> WorkflowMachine<ProbeWorkflow> {
        var machine = WorkflowMachine(workflowID: "m", definition: ProbeWorkflow())
        _ = try machine.step(.started("x"), at: t0)
        return machine
    }

    func testEventsBeforeStartAndAfterCompletionAreRefused() throws {
        var fresh = WorkflowMachine(workflowID: "m", definition: ProbeWorkflow())
        XCTAssertThrowsError(try fresh.step(.signal(.add(1)), at: t0)) { error in
            XCTAssertEqual(error as? WorkflowError, .notStarted("m"))
        }
        var machine = try machine()
        _ = try machine.step(.signal(.complete), at: t0)
        XCTAssertEqual(machine.status, .completed)
        XCTAssertThrowsError(try machine.step(.signal(.add(1)), at: t0)) { error in
            XCTAssertEqual(error as? WorkflowError, .notRunning("m", .completed))
        }
    }

    func testMovingATimerKeepsOneEntryWithANewGeneration() throws {
        var machine = try machine()
        _ = try machine.step(.signal(.timer("idle", afterMilliseconds: 1000, scope: nil)), at: t0)
        let first = try XCTUnwrap(machine.timers["idle"])
        _ = try machine.step(.signal(.timer("idle", afterMilliseconds: 1000, scope: nil)), at: t0 + .seconds(5))
        let moved = try XCTUnwrap(machine.timers["idle"])
        XCTAssertEqual(machine.timers.count, 1)
        XCTAssertEqual(moved.fireAt, t0 + .seconds(6))
        XCTAssertNotEqual(moved.generation, first.generation, "a stale firing of the old one is recognisable")
        _ = try machine.step(.timerFired("idle"), at: moved.fireAt)
        XCTAssertTrue(machine.timers.isEmpty)
    }

    func testScopeExpiryDropsOnlyItsOwnWork() throws {
        var machine = try machine()
        _ = try machine.step(.signal(.scope("main", afterMilliseconds: 500)), at: t0)
        _ = try machine.step(.signal(.timer("a", afterMilliseconds: 900, scope: "main")), at: t0)
        _ = try machine.step(.signal(.timer("b", afterMilliseconds: 900, scope: nil)), at: t0)
        _ = try machine.step(.signal(.activity("x", payload: "ok:1", maximumAttempts: 1, timeoutMilliseconds: nil,
                                               scope: "main")), at: t0)
        XCTAssertEqual(machine.scopes["main"], t0 + .milliseconds(500))
        let (records, commands) = try machine.step(.scopeExpired("main"), at: t0 + .milliseconds(500))
        XCTAssertEqual(records.map(\.kind), [.scopeExpired])
        XCTAssertEqual(commands.count, 1, "the reducer saw the expiry")
        XCTAssertEqual(Array(machine.timers.keys), ["b"])
        XCTAssertTrue(machine.activities.isEmpty)
    }

    func testContinueAsNewAppendsASnapshotAndStartsARun() throws {
        var machine = try machine()
        _ = try machine.step(.signal(.add(4)), at: t0)
        let (records, _) = try machine.step(.signal(.continueAsNew), at: t0)
        XCTAssertEqual(records.map(\.kind), [.signal, .snapshot])
        XCTAssertEqual(records.map(\.run), [1, 2])
        XCTAssertEqual(machine.run, 2)
        XCTAssertEqual(machine.nextSequence, 5)
        // A machine restored from the snapshot alone equals the one that lived through it all.
        let restored = try WorkflowMachine.replaying([records[1]], workflowID: "m", definition: ProbeWorkflow())
        XCTAssertEqual(restored.encodedState, machine.encodedState)
        XCTAssertEqual(restored.nextSequence, machine.nextSequence)
    }

    func testReplayRejectsGapsAndUnknownPayloads() throws {
        var live = WorkflowMachine(workflowID: "m", definition: ProbeWorkflow())
        var records = try live.step(.started("x"), at: t0).records
        records += try live.step(.signal(.add(1)), at: t0).records
        records += try live.step(.signal(.add(2)), at: t0).records
        var gap = records
        gap.remove(at: 1)
        XCTAssertThrowsError(try WorkflowMachine.replaying(gap, workflowID: "m", definition: ProbeWorkflow())) { error in
            guard case .corruptHistory(_, 3, _)? = error as? WorkflowError else { return XCTFail("got \(error)") }
        }
        var garbled = records
        garbled[2].payload = [0xFF]
        XCTAssertThrowsError(try WorkflowMachine.replaying(garbled, workflowID: "m", definition: ProbeWorkflow()))
        let replayed = try WorkflowMachine.replaying(records, workflowID: "m", definition: ProbeWorkflow())
        XCTAssertEqual(replayed.encodedState, live.encodedState)
    }

    func testContextTimeAndRandomnessComeFromTheEvent() throws {
        var a = WorkflowContext(workflowID: "m", now: t0, sequence: 9, historyLength: 9)
        var b = WorkflowContext(workflowID: "m", now: t0, sequence: 9, historyLength: 9)
        XCTAssertEqual(a.random.next(), b.random.next())
        XCTAssertEqual(Int.random(in: 0..<1_000_000, using: &a.random), Int.random(in: 0..<1_000_000, using: &b.random))
    }
}
