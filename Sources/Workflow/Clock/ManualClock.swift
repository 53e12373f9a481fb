/// A clock that moves only when told to. `advance(by:)` runs every action that became due, in
/// deadline order (ties in scheduling order), on the caller's thread before it returns. Used by
/// tests and by the crash harness, whose clock the test drives over a pipe.
///
/// A timer the engine re-arms after a commit is scheduled on the writer thread, possibly after
/// `advance` returned: to cross several cascading deadlines, advance step by step and call
/// `WorkflowEngine.quiesce()` between steps.
public final class ManualClock: WorkflowClock {
    private struct Entry {
        let deadline: WorkflowTime
        let order: UInt64
        let action: @Sendable () -> Void
    }

    private let state: Locked<(now: WorkflowTime, next: UInt64, entries: [UInt64: Entry])>

    public init(start: WorkflowTime = .seconds(1_700_000_000)) {
        state = Locked((start, 1, [:]))
    }

    public func now() -> WorkflowTime {
        state.withLock { $0.now }
    }

    public func schedule(at deadline: WorkflowTime, _ action: @escaping @Sendable () -> Void) -> ClockToken {
        let (token, runNow) = state.withLock { s -> (UInt64, Bool) in
            defer { s.next += 1 }
            if deadline <= s.now { return (s.next, true) }
            s.entries[s.next] = Entry(deadline: deadline, order: s.next, action: action)
            return (s.next, false)
        }
        if runNow { action() }
        return ClockToken(token)
    }

    public func cancel(_ token: ClockToken) {
        _ = state.withLock { $0.entries.removeValue(forKey: token.rawValue) }
    }

    /// Moves time forward and fires what became due. Actions scheduled by fired actions that
    /// are already due fire too, up to a bound so a misbehaving action cannot loop forever.
    public func advance(by duration: Duration) {
        advance(to: now() + duration)
    }

    public func advance(to target: WorkflowTime) {
        for _ in 0..<100_000 {
            let next = state.withLock { s -> Entry? in
                guard let entry = s.entries.values
                    .filter({ $0.deadline <= target })
                    .min(by: { ($0.deadline, $0.order) < ($1.deadline, $1.order) }) else {
                    if target > s.now { s.now = target }
                    return nil
                }
                s.entries.removeValue(forKey: entry.order)
                if entry.deadline > s.now { s.now = entry.deadline }
                return entry
            }
            guard let entry = next else { return }
            entry.action()
        }
    }

    /// Moves time forward in one step, as if the process had been frozen: everything that came
    /// due fires afterwards, stamped with the new time (not at its own deadline). Models a
    /// process that was down or stalled past its timers.
    public func jump(by duration: Duration) {
        state.withLock { s in s.now = s.now + duration }
        advance(to: now())
    }

    /// How many actions wait for a future time (timers, retry delays, timeouts).
    public var scheduledCount: Int {
        state.withLock { $0.entries.count }
    }

    /// The earliest pending deadline, if any.
    public var nextDeadline: WorkflowTime? {
        state.withLock { $0.entries.values.map(\.deadline).min() }
    }
}
