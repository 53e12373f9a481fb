/// Counts work in flight (queued commits, running activity attempts) so tests can wait until an
/// engine driven by a manual clock has nothing left to do but wait for time to move.
final class BusyTracker: Sendable {
    private let state = Locked<(count: Int, waiters: [CheckedContinuation<Void, Never>])>((0, []))

    func begin() {
        state.withLock { $0.count += 1 }
    }

    func end() {
        let ready = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.count -= 1
            guard s.count <= 0 else { return [] }
            s.count = 0
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for waiter in ready { waiter.resume() }
    }

    /// Returns once nothing is in flight.
    func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.count == 0 { return true }
                s.waiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }
}

/// Sleeps on an engine clock; cancellation ends the sleep early with `CancellationError`.
/// `scheduled` runs once the wake-up is registered with the clock (so a caller can stop
/// counting itself busy only when a manual clock can already see the deadline); `woke` runs
/// on the clock's thread when the deadline passes, before the sleeper resumes.
func clockSleep(_ clock: any WorkflowClock, until deadline: WorkflowTime,
                scheduled: @Sendable () -> Void = {}, woke: @escaping @Sendable () -> Void = {}) async throws {
    let box = Locked<(continuation: CheckedContinuation<Void, any Error>?, token: ClockToken?, done: Bool)>((nil, nil, false))
    try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let cancelled = box.withLock { s -> Bool in
                if s.done { return true }
                s.continuation = continuation
                return false
            }
            if cancelled {
                scheduled()
                continuation.resume(throwing: CancellationError())
                return
            }
            let token = clock.schedule(at: deadline) {
                let waiting = box.withLock { s -> CheckedContinuation<Void, any Error>? in
                    s.done = true
                    defer { s.continuation = nil }
                    return s.continuation
                }
                if let waiting {
                    woke()
                    waiting.resume()
                }
            }
            box.withLock { $0.token = token }
            scheduled()
        }
    } onCancel: {
        let (waiting, token) = box.withLock { s -> (CheckedContinuation<Void, any Error>?, ClockToken?) in
            s.done = true
            defer { s.continuation = nil }
            return (s.continuation, s.token)
        }
        if let token { clock.cancel(token) }
        waiting?.resume(throwing: CancellationError())
    }
}
