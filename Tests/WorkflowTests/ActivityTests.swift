import Workflow
import XCTest

final class ActivityTests: XCTestCase {
    func testRetryAfterFrom429IsHonouredExactly() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        let start = harness.clock.now()
        try await handle.signal(.activity("llm", payload: "fail429:7000", maximumAttempts: 5,
                                          timeoutMilliseconds: nil, scope: nil))
        await harness.engine.quiesce()
        XCTAssertEqual(harness.activities.attempts(of: "llm").count, 1)
        // The policy's own backoff (1 s) must not apply: Retry-After says 7 s.
        harness.clock.advance(by: .milliseconds(6999))
        await harness.engine.quiesce()
        XCTAssertEqual(harness.activities.attempts(of: "llm").count, 1, "retried before Retry-After")
        harness.clock.advance(by: .milliseconds(1))
        await harness.engine.quiesce()
        let attempts = harness.activities.attempts(of: "llm")
        XCTAssertEqual(attempts.map(\.attempt), [1, 2])
        XCTAssertEqual(attempts.last?.at, start + .seconds(7))
        let state = try await handle.state()
        XCTAssertEqual(state.log.last, "done:llm:after-429")
    }

    func testNonRetryableErrorIsNotRetried() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.activity("llm", payload: "fail400", maximumAttempts: 10,
                                          timeoutMilliseconds: nil, scope: nil))
        await harness.engine.quiesce()
        harness.clock.advance(by: .seconds(120))
        await harness.engine.quiesce()
        XCTAssertEqual(harness.activities.attempts(of: "llm").count, 1)
        let history = try await harness.engine.history(of: "w1")
        guard case .activityFailed(let id, let failure)? = history.last?.event else {
            return XCTFail("expected a recorded failure, got \(String(describing: history.last?.event))")
        }
        XCTAssertEqual(id, "llm")
        XCTAssertEqual(failure.type, "HTTP400")
        XCTAssertEqual(failure.attempts, 1)
    }

    func testBackoffRetriesUntilSuccessAndOnlyTheResultIsLogged() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        let start = harness.clock.now()
        try await handle.signal(.activity("job", payload: "flaky:3", maximumAttempts: 5,
                                          timeoutMilliseconds: nil, scope: nil))
        for _ in 0..<4 {
            await harness.engine.quiesce()
            if let next = harness.clock.nextDeadline { harness.clock.advance(to: next) }
        }
        await harness.engine.quiesce()
        let times = harness.activities.attempts(of: "job").map { $0.at - start }
        XCTAssertEqual(times, [.zero, .seconds(1), .seconds(3), .seconds(7)], "1 s, 2 s, 4 s backoff")
        let kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds, [.started, .signal, .activityCompleted], "attempts are not logged")
        let state = try await handle.state()
        XCTAssertEqual(state.log.last, "done:job:recovered")
    }

    func testGivingUpRecordsTheLastFailure() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.activity("job", payload: "flaky:9", maximumAttempts: 2,
                                          timeoutMilliseconds: nil, scope: nil))
        await harness.engine.quiesce()
        harness.clock.advance(by: .seconds(1))
        await harness.engine.quiesce()
        let state = try await handle.state()
        XCTAssertEqual(state.log.last, "failed:job:HTTP503:2")
    }

    func testTimeoutCancelsTheAttemptAndRetries() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.activity("slow", payload: "hang", maximumAttempts: 2,
                                          timeoutMilliseconds: 500, scope: nil))
        // The attempt is running (not quiescent) until the timeout fires.
        try await waitUntil { harness.activities.attempts(of: "slow").count == 1 }
        harness.clock.advance(by: .milliseconds(500))
        try await waitUntil { harness.clock.scheduledCount > 0 }
        harness.clock.advance(by: .seconds(1))
        try await waitUntil { harness.activities.attempts(of: "slow").count == 2 }
        harness.clock.advance(by: .milliseconds(500))
        await harness.engine.quiesce()
        let state = try await handle.state()
        XCTAssertEqual(state.log.last, "failed:slow:\(ActivityFailure.timeoutType):2")
    }

    func testCancelledActivityResultIsDropped() async throws {
        let harness = try ProbeHarness()
        defer { harness.stop() }
        let handle = try await harness.engine.start("w1", input: "x")
        try await handle.signal(.activity("slow", payload: "hang", maximumAttempts: 1,
                                          timeoutMilliseconds: nil, scope: nil))
        try await waitUntil { harness.activities.attempts(of: "slow").count == 1 }
        try await handle.signal(.cancelActivity("slow"))
        await harness.engine.quiesce()
        let kinds = try await harness.kinds("w1")
        XCTAssertEqual(kinds, [.started, .signal, .signal])
        let machine = try await harness.engine.liveMachine("w1")
        XCTAssertTrue(machine.activities.isEmpty)
    }
}

/// Polls a condition (liveness only: a generous bound, never a timing assertion).
func waitUntil(timeout: Double = 20, file: StaticString = #filePath, line: UInt = #line,
               _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(timeout)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(nanoseconds: 2_000_000)
    }
    XCTFail("condition never held", file: file, line: line)
}
