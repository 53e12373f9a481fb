/// One entry of a workflow's history, as the reducer sees it. Only these are written to the
/// log; commands are derived again from them on replay.
public enum WorkflowEvent<W: WorkflowDefinition>: Sendable {
    case started(W.Input)
    case signal(W.Signal)
    /// An update that passed its validator.
    case update(UpdateID, W.Update)
    case timerFired(TimerID)
    case activityCompleted(ActivityID, W.ActivityOutput)
    /// The activity failed for good: non-retryable, out of attempts, or timed out on its last try.
    case activityFailed(ActivityID, ActivityFailure)
    /// The scope's deadline passed; its timers and activities are already cancelled.
    case scopeExpired(ScopeID)
    /// Someone asked the workflow to stop; it decides how (cleanup still runs).
    case cancelRequested
}

/// The log's numeric kinds; stored per row so inspection can filter without decoding.
public enum EventKind: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case started = 1
    case signal = 2
    case update = 3
    case timerFired = 4
    case activityCompleted = 5
    case activityFailed = 6
    case scopeExpired = 7
    case cancelRequested = 8
    /// The first record of a continued run: the state and pending work carried over.
    case snapshot = 9

    public var description: String {
        switch self {
        case .started: "started"
        case .signal: "signal"
        case .update: "update"
        case .timerFired: "timerFired"
        case .activityCompleted: "activityCompleted"
        case .activityFailed: "activityFailed"
        case .scopeExpired: "scopeExpired"
        case .cancelRequested: "cancelRequested"
        case .snapshot: "snapshot"
        }
    }
}

extension WorkflowEvent {
    public var kind: EventKind {
        switch self {
        case .started: .started
        case .signal: .signal
        case .update: .update
        case .timerFired: .timerFired
        case .activityCompleted: .activityCompleted
        case .activityFailed: .activityFailed
        case .scopeExpired: .scopeExpired
        case .cancelRequested: .cancelRequested
        }
    }

    /// The payload stored beside the kind.
    public func payload() -> [UInt8] {
        var writer = WireWriter()
        switch self {
        case .started(let input): input.encode(to: &writer)
        case .signal(let signal): signal.encode(to: &writer)
        case .update(let id, let update):
            id.encode(to: &writer)
            update.encode(to: &writer)
        case .timerFired(let id): id.encode(to: &writer)
        case .activityCompleted(let id, let output):
            id.encode(to: &writer)
            output.encode(to: &writer)
        case .activityFailed(let id, let failure):
            id.encode(to: &writer)
            failure.encode(to: &writer)
        case .scopeExpired(let id): id.encode(to: &writer)
        case .cancelRequested: break
        }
        return writer.bytes
    }

    /// Decodes a stored payload of `kind` (not `.snapshot`, which the machine reads itself).
    public init(kind: EventKind, payload: [UInt8]) throws(WireError) {
        var reader = WireReader(payload)
        switch kind {
        case .started: self = .started(try reader.read())
        case .signal: self = .signal(try reader.read())
        case .update: self = .update(try reader.read(), try reader.read())
        case .timerFired: self = .timerFired(try reader.read())
        case .activityCompleted: self = .activityCompleted(try reader.read(), try reader.read())
        case .activityFailed: self = .activityFailed(try reader.read(), try reader.read())
        case .scopeExpired: self = .scopeExpired(try reader.read())
        case .cancelRequested: self = .cancelRequested
        case .snapshot: throw WireError(.unknownTag(UInt64(kind.rawValue)), offset: 0, context: "WorkflowEvent")
        }
        try reader.expectEnd("WorkflowEvent.\(kind)")
    }
}
