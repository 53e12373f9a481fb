import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The engine's only source of time. Event stamps come from `now()`, timers and retry delays
/// from `schedule(at:_:)`. Tests inject ``ManualClock``; production uses ``SystemWorkflowClock``.
public protocol WorkflowClock: Sendable {
    /// The current time. Must never go backwards within one process.
    func now() -> WorkflowTime
    /// Calls `action` once, at or after `deadline` (at once if it has passed). The action runs
    /// on a clock-owned thread and must not block.
    func schedule(at deadline: WorkflowTime, _ action: @escaping @Sendable () -> Void) -> ClockToken
    /// Stops a scheduled action if it has not run yet.
    func cancel(_ token: ClockToken)
}

/// A handle on one scheduled action.
public struct ClockToken: Hashable, Sendable {
    public let rawValue: UInt64
    public init(_ rawValue: UInt64) { self.rawValue = rawValue }
}

/// Real time: wall-clock at start plus the monotonic clock's progress since, so stamps never go
/// backwards when NTP steps the wall clock; delays are measured on the monotonic clock.
public final class SystemWorkflowClock: WorkflowClock {
    private let wallAtStart: Int64
    private let monotonicAtStart: UInt64
    private let queue = DispatchQueue(label: "parley.workflow.clock")
    private let pending = Locked<(next: UInt64, items: [UInt64: DispatchWorkItem])>((1, [:]))

    public init() {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        wallAtStart = Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec)
        monotonicAtStart = DispatchTime.now().uptimeNanoseconds
    }

    public func now() -> WorkflowTime {
        let elapsed = DispatchTime.now().uptimeNanoseconds &- monotonicAtStart
        return WorkflowTime(nanosecondsSinceEpoch: wallAtStart &+ Int64(clamping: elapsed))
    }

    public func schedule(at deadline: WorkflowTime, _ action: @escaping @Sendable () -> Void) -> ClockToken {
        let delay = max(0, deadline.nanosecondsSinceEpoch &- now().nanosecondsSinceEpoch)
        let id = pending.withLock { state -> UInt64 in
            defer { state.next += 1 }
            return state.next
        }
        let item = DispatchWorkItem { [pending] in
            let live = pending.withLock { $0.items.removeValue(forKey: id) != nil }
            if live { action() }
        }
        pending.withLock { $0.items[id] = item }
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(clamping: delay)), execute: item)
        return ClockToken(id)
    }

    public func cancel(_ token: ClockToken) {
        let item = pending.withLock { $0.items.removeValue(forKey: token.rawValue) }
        item?.cancel()
    }
}
