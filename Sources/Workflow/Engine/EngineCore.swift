import Logging

/// What the activity code learns about the attempt it runs.
public struct ActivityContext: Sendable {
    public let workflowID: WorkflowID
    public let activityID: ActivityID
    /// 1 for the first attempt; restarts at 1 after a crash (attempts are not logged).
    public let attempt: Int
    /// When the workflow asked for the activity.
    public let scheduledAt: WorkflowTime
}

/// Runs a workflow's activities. Throw ``ActivityFailure`` to control retries (its type for
/// non-retryable matching, `nextRetryDelay` for Retry-After); any other error is retryable and
/// named after its type.
public typealias ActivityHandler<W: WorkflowDefinition> =
    @Sendable (W.Activity, ActivityContext) async throws -> W.ActivityOutput

/// An effect on its way to the host, emitted only after the event that caused it is durable.
public struct WorkflowEffect<W: WorkflowDefinition>: Sendable {
    public let workflowID: WorkflowID
    /// Sequence number of the event whose handling emitted it.
    public let sequence: UInt64
    public let effect: W.Effect
}

/// What every instance of one engine shares.
final class EngineCore<W: WorkflowDefinition>: Sendable {
    let store: WorkflowStore
    let clock: any WorkflowClock
    let activities: ActivityHandler<W>
    let effects: AsyncStream<WorkflowEffect<W>>.Continuation
    let busy = BusyTracker()
    let logger: Logger
    let metrics: WorkflowMetrics
    /// Told of every committed event (``WorkflowEngine/observeCommits(_:)``).
    let commitObserver = Locked<(@Sendable (CommittedEvent<W>) -> Void)?>(nil)
    let live = Locked<[WorkflowID: WorkflowInstance<W>]>([:])

    init(store: WorkflowStore, clock: any WorkflowClock, activities: @escaping ActivityHandler<W>,
         effects: AsyncStream<WorkflowEffect<W>>.Continuation, logger: Logger, metrics: WorkflowMetrics = .disabled) {
        self.metrics = metrics
        self.store = store
        self.clock = clock
        self.activities = activities
        self.effects = effects
        self.logger = logger
    }

    func instance(_ id: WorkflowID) -> WorkflowInstance<W>? {
        live.withLock { $0[id] }
    }

    func unregister(_ id: WorkflowID) {
        _ = live.withLock { $0.removeValue(forKey: id) }
    }
}
