import Workflow
import XCTest

final class StoreTests: XCTestCase {
    func testStoreUsesWALNormalSyncAndNamedMigrations() async throws {
        let directory = try TemporaryDirectory()
        let store = try WorkflowStore(path: directory.path("a.sqlite"))
        let diagnostics = try await store.diagnostics()
        XCTAssertEqual(diagnostics.journalMode, "wal")
        XCTAssertEqual(diagnostics.synchronous, 1, "NORMAL")
        XCTAssertEqual(diagnostics.migrations, ["2026-11-21-workflow-log"])
        store.close()
        let full = try WorkflowStore(path: directory.path("a.sqlite"), options: .init(fullSync: true))
        defer { full.close() }
        let reopened = try await full.diagnostics()
        XCTAssertEqual(reopened.synchronous, 2, "FULL")
        XCTAssertEqual(reopened.migrations, ["2026-11-21-workflow-log"], "migrations run once")
    }

    func testGroupCommitKeepsEveryEventFromConcurrentWorkflows() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handles = try await withThrowingTaskGroup(of: WorkflowHandle<ProbeWorkflow>.self) { group in
            for index in 0..<50 {
                group.addTask { try await harness.engine.start(WorkflowID("w\(index)"), input: "x") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for handle in handles {
                group.addTask {
                    for value in 1...10 { try await handle.signal(.add(value)) }
                }
            }
            try await group.waitForAll()
        }
        let diagnostics = try await harness.store.diagnostics()
        XCTAssertEqual(diagnostics.workflowCount, 50)
        XCTAssertEqual(diagnostics.eventCount, 50 * 11)
        for handle in handles {
            let history = try await harness.engine.history(of: handle.id)
            XCTAssertEqual(history.map(\.sequence), Array(1...11), "\(handle.id): gapless, in order")
        }
    }

    func testUnopenablePathIsATypedError() {
        XCTAssertThrowsError(try WorkflowStore(path: "/nonexistent-dir/x/y.sqlite")) { error in
            guard case .storage? = error as? WorkflowError else { return XCTFail("got \(error)") }
        }
    }
}

final class StoreFailureTests: XCTestCase {
    /// Two engines on one store race to start the same ids: the losing insert fails its batch,
    /// the writer retries the batch item by item, and neighbours in that batch are unaffected.
    func testAFailedWriteDoesNotTakeItsBatchNeighboursDown() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let rival = try WorkflowEngine(store: harness.store, definition: ProbeWorkflow(), clock: harness.clock,
                                       activities: harness.activities.handler)
        defer { rival.shutdown() }
        let bystander = try await harness.engine.start("bystander", input: "x")
        let outcomes = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
            for index in 0..<40 {
                for engine in [harness.engine, rival] {
                    group.addTask {
                        do throws(WorkflowError) {
                            _ = try await engine.start(WorkflowID("dup-\(index)"), input: "x")
                            return (index, true)
                        } catch {
                            guard error == .alreadyExists(WorkflowID("dup-\(index)")) || isStorage(error) else {
                                throw error
                            }
                            return (index, false)
                        }
                    }
                }
                group.addTask {
                    try await bystander.signal(.add(1))
                    return (-1, true)
                }
            }
            return try await group.reduce(into: [(Int, Bool)]()) { $0.append($1) }
        }
        for index in 0..<40 {
            XCTAssertEqual(outcomes.filter { $0.0 == index && $0.1 }.count, 1, "dup-\(index) started exactly once")
        }
        let total = try await bystander.query(Total.self, ())
        XCTAssertEqual(total, 40, "every bystander signal committed")
        let diagnostics = try await harness.store.diagnostics()
        XCTAssertEqual(diagnostics.workflowCount, 41)
        XCTAssertEqual(diagnostics.eventCount, 41 + 40)
    }
}

private func isStorage(_ error: WorkflowError) -> Bool {
    if case .storage = error { return true }
    return false
}
