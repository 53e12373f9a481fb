import Foundation
import Workflow
import XCTest

final class EngineTests: XCTestCase {
    func testSignalsAreDurableAndHandledInOrder() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        for value in 1...50 {
            try await handle.signal(Add.self, value)
        }
        let state = try await handle.state()
        XCTAssertEqual(state.log.dropFirst().map { $0 }, (1...50).map { "add:\($0)" })
        let history = try await harness.engine.history(of: "w1")
        XCTAssertEqual(history.count, 51)
        XCTAssertEqual(history.map(\.sequence), Array(1...51))
        let signals = history.compactMap { entry -> Int? in
            if case .signal(.add(let value)) = entry.event { return value }
            return nil
        }
        XCTAssertEqual(signals, Array(1...50))
    }

    func testConcurrentSignalsFromManyTasksAreAllRecordedOnce() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await withThrowingTaskGroup(of: Void.self) { group in
            for value in 1...200 {
                group.addTask { try await handle.signal(.add(value)) }
            }
            try await group.waitForAll()
        }
        let total = try await handle.query(Total.self, ())
        XCTAssertEqual(total, (1...200).reduce(0, +))
        let replayed = try await harness.engine.replayStored("w1")
        let live = try await harness.engine.liveMachine("w1")
        XCTAssertEqual(replayed.encodedState, live.encodedState, "the log order is the handling order")
    }

    func testEffectsArriveOnlyAfterTheirEventIsDurable() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.add(7))
        await harness.effects.wait { $0.contains { $0.effect == "add:7" } }
        let effect = try XCTUnwrap(harness.effects.all.first { $0.effect == "add:7" })
        let records = try await harness.store.records(of: "w1")
        XCTAssertTrue(records.contains { $0.sequence == effect.sequence && $0.kind == .signal })
    }

    func testUpdateIsValidatedRecordedAndAnswered() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        let result = try await handle.update(SetTotal.self, 42)
        XCTAssertEqual(result, 42)
        let total = try await handle.query(Total.self, ())
        XCTAssertEqual(total, 42)
        let kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds, [.started, .update])
    }

    func testRejectedUpdateLeavesNoTrace() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.add(1))
        let before = try await harness.store.records(of: "w1")
        let stateBefore = try await harness.engine.liveMachine("w1")
        do {
            _ = try await handle.update(SetTotal.self, -5)
            XCTFail("a negative total must be rejected")
        } catch {
            XCTAssertEqual(error, .updateRejected(UpdateRejection("negative total -5")))
        }
        let after = try await harness.store.records(of: "w1")
        let stateAfter = try await harness.engine.liveMachine("w1")
        XCTAssertEqual(before, after)
        XCTAssertEqual(stateBefore.encodedState, stateAfter.encodedState)
        XCTAssertEqual(stateBefore.nextSequence, stateAfter.nextSequence, "no sequence number was used")
        XCTAssertFalse(harness.effects.all.contains { $0.effect.hasPrefix("set:") })
    }

    func testCallerCanWaitForAcceptedThenCompleted() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        harness.activities.holdAll = true
        let pending = try await handle.startUpdate(SetTotalSlowly.self, 9)
        // Accepted means durable: the update is in the log before its answer exists.
        let kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds, [.started, .update])
        harness.activities.holdAll = false
        let answer = try await pending.result()
        XCTAssertEqual(answer, 9)
        let total = try await handle.query(Total.self, ())
        XCTAssertEqual(total, 9)
    }

    func testQueryWritesNothing() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.add(3))
        await harness.store.flush()
        let fileBefore = try walAndDatabaseSize(harness)
        let recordsBefore = try await harness.store.records(of: "w1")
        for _ in 0..<100 {
            let total = try await handle.query(Total.self, ())
            XCTAssertEqual(total, 3)
        }
        await harness.store.flush()
        let recordsAfter = try await harness.store.records(of: "w1")
        XCTAssertEqual(recordsBefore, recordsAfter)
        XCTAssertEqual(fileBefore, try walAndDatabaseSize(harness), "no page was written")
    }

    func testCompletionRecordsResultAndRefusesLaterSignals() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.add(5))
        try await handle.signal(.complete)
        let result = try await handle.result()
        XCTAssertEqual(result, 5)
        do {
            try await handle.signal(.add(1))
            XCTFail("a completed workflow takes no signals")
        } catch {
            XCTAssertEqual(error, .notRunning("w1", .completed))
        }
        let list = try await harness.store.list(type: ProbeWorkflow.typeName)
        XCTAssertEqual(list.map(\.status), [.completed])
        XCTAssertEqual(list.first?.eventCount, 3)
        do {
            _ = try await harness.engine.start("w1", input: "again")
            XCTFail("ids are unique")
        } catch {
            XCTAssertEqual(error, .alreadyExists("w1"))
        }
    }

    func testInspectionListsWorkflowsAndHistoryWithTimestamps() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let first = try await harness.engine.start("a", input: "1")
        harness.clock.advance(by: .seconds(2))
        _ = try await harness.engine.start("b", input: "2")
        harness.clock.advance(by: .seconds(3))
        try await first.signal(.add(1))
        let list = try await harness.store.list()
        XCTAssertEqual(list.map(\.id), ["b", "a"])
        XCTAssertEqual(list.map(\.version), ["probe-v1", "probe-v1"])
        let history = try await harness.engine.history(of: "a")
        let start = ManualClock().now()
        XCTAssertEqual(history.map(\.time), [start, start + .seconds(5)])
        let shown = try await harness.handle("a").state()
        XCTAssertEqual(shown.total, 1)
    }

    private func walAndDatabaseSize(_ harness: ProbeHarness) throws -> [UInt64] {
        try ["log.sqlite", "log.sqlite-wal"].map { name in
            let attributes = try FileManager.default.attributesOfItem(atPath: harness.directory.path(name))
            return (attributes[.size] as? NSNumber)?.uint64Value ?? 0
        }
    }
}
