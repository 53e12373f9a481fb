/// What a reducer asks the engine to do. Commands are not written to the log: they are run
/// after the event that produced them is durable, and derived again on replay.
public enum WorkflowCommand<W: WorkflowDefinition>: Sendable {
    /// Arms (or moves) a durable timer. A timer in a scope is cancelled with the scope.
    case startTimer(TimerID, at: WorkflowTime, scope: ScopeID? = nil)
    case cancelTimer(TimerID)
    /// Runs an activity with retries; its final result comes back as an event.
    case runActivity(ActivityID, W.Activity, ActivityOptions = ActivityOptions(), scope: ScopeID? = nil)
    /// Abandons an activity: a late result is dropped, a running attempt is cancelled.
    case cancelActivity(ActivityID)
    /// Starts a phase that must end by `deadline`; when it passes, the scope's timers and
    /// activities are cancelled and `.scopeExpired` is delivered so cleanup can run.
    case openScope(ScopeID, deadline: WorkflowTime)
    /// Ends a phase normally: its deadline no longer applies; its work goes on unscoped.
    case closeScope(ScopeID)
    /// Cancels a phase now, like its deadline passing, but without an event.
    case cancelScope(ScopeID)
    /// Answers an accepted update.
    case answerUpdate(UpdateID, UpdateOutcome<W.UpdateReply>)
    /// Hands an effect to the host, after the event is durable. Not repeated on replay.
    case emit(W.Effect)
    case complete(W.Result)
    case fail(WorkflowFailure)
    /// Starts a new run from `state`, carrying armed timers, open scopes and unfinished
    /// activities over, so replay starts here instead of at the first event.
    case continueAsNew(W.State)
}

/// An update's answer.
public enum UpdateOutcome<Reply: Sendable>: Sendable {
    case success(Reply)
    case failure(UpdateFailure)
}

/// How an activity is run.
public struct ActivityOptions: Sendable, Equatable, WireCodable {
    public var retry: RetryPolicy
    /// Limit for one attempt; a timed-out attempt counts as a retryable failure.
    public var startToCloseTimeout: Duration?

    public init(retry: RetryPolicy = RetryPolicy(), startToCloseTimeout: Duration? = nil) {
        self.retry = retry
        self.startToCloseTimeout = startToCloseTimeout
    }

    public func encode(to writer: inout WireWriter) {
        retry.encode(to: &writer)
        startToCloseTimeout.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireError) {
        retry = try reader.read()
        startToCloseTimeout = try reader.read()
    }
}
