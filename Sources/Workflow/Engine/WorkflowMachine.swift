/// The sans-I/O core of one workflow instance: folds events into the definition's state and
/// keeps the engine's own bookkeeping (armed timers, unfinished activities, open scopes) as a
/// pure function of the history. The live runtime and replay both drive this same type, so a
/// replay rebuilds exactly what the live run had.
public struct WorkflowMachine<W: WorkflowDefinition>: Sendable {
    public let workflowID: WorkflowID
    public let definition: W
    public internal(set) var state: W.State?
    public internal(set) var status: WorkflowStatus = .running
    /// Sequence number the next record gets.
    public internal(set) var nextSequence: UInt64 = 1
    /// Current run (1 at start, +1 per continue-as-new).
    public internal(set) var run: Int = 1
    /// Records in the current run.
    public internal(set) var runLength: Int = 0
    public internal(set) var timers: [TimerID: PendingTimer] = [:]
    public internal(set) var activities: [ActivityID: PendingActivity<W.Activity>] = [:]
    public internal(set) var scopes: [ScopeID: WorkflowTime] = [:]
    public internal(set) var result: W.Result?
    public internal(set) var failure: WorkflowFailure?
    var nextGeneration: UInt64 = 1

    public init(workflowID: WorkflowID, definition: W) {
        self.workflowID = workflowID
        self.definition = definition
    }

    /// What one applied event produced: the records to append (the event, plus a snapshot after
    /// continue-as-new), the commands to run once they are durable, and any row change.
    struct Transition: Sendable {
        var records: [LogRecord] = []
        var commands: [WorkflowCommand<W>] = []
        var rowChanges: [RowChange] = []
    }

    /// Applies a new event stamped `time`. Refuses events after the workflow ended and any event
    /// before `.started` (the history must begin with it).
    mutating func apply(_ event: WorkflowEvent<W>, at time: WorkflowTime) throws(WorkflowError) -> Transition {
        guard status == .running else { throw .notRunning(workflowID, status) }
        var transition = Transition()
        let sequence = nextSequence
        transition.records.append(LogRecord(sequence: sequence, run: run, time: time, kind: event.kind,
                                            payload: event.payload()))
        nextSequence += 1
        runLength += 1
        if case .started(let input) = event {
            guard state == nil else { throw .alreadyExists(workflowID) }
            state = definition.initialState(input: input)
            transition.rowChanges.append(.insert(type: W.typeName, version: definition.version, createdAt: time))
        }
        guard var current = state else { throw .notStarted(workflowID) }
        forget(event)
        var context = WorkflowContext(workflowID: workflowID, now: time, sequence: sequence,
                                      historyLength: runLength)
        let commands = definition.reduce(state: &current, event: event, context: &context)
        state = current
        transition.commands = commands
        for command in commands {
            record(command, at: time, into: &transition)
        }
        return transition
    }

    /// Drops the bookkeeping an event settles, before the reducer sees it.
    private mutating func forget(_ event: WorkflowEvent<W>) {
        switch event {
        case .timerFired(let id): timers[id] = nil
        case .activityCompleted(let id, _), .activityFailed(let id, _): activities[id] = nil
        case .scopeExpired(let id): cancelScope(id)
        case .started, .signal, .update, .cancelRequested: break
        }
    }

    private mutating func record(_ command: WorkflowCommand<W>, at time: WorkflowTime, into transition: inout Transition) {
        switch command {
        case .startTimer(let id, let fireAt, let scope):
            timers[id] = PendingTimer(fireAt: fireAt, scope: scope, generation: takeGeneration())
        case .cancelTimer(let id):
            timers[id] = nil
        case .runActivity(let id, let activity, let options, let scope):
            activities[id] = PendingActivity(activity: activity, options: options, scope: scope,
                                             generation: takeGeneration(), scheduledAt: time)
        case .cancelActivity(let id):
            activities[id] = nil
        case .openScope(let id, let deadline):
            scopes[id] = deadline
        case .closeScope(let id):
            scopes[id] = nil
            for (timerID, timer) in timers where timer.scope == id { timers[timerID]?.scope = nil }
            for (activityID, activity) in activities where activity.scope == id {
                activities[activityID]?.scope = nil
            }
        case .cancelScope(let id):
            cancelScope(id)
        case .answerUpdate, .emit:
            break
        case .complete(let result):
            guard status == .running else { return }
            self.result = result
            finish(.completed, result: result.wireBytes(), at: time, into: &transition)
        case .fail(let failure):
            guard status == .running else { return }
            self.failure = failure
            finish(.failed, result: failure.wireBytes(), at: time, into: &transition)
        case .continueAsNew(let newState):
            guard status == .running else { return }
            state = newState
            run += 1
            runLength = 1
            let snapshot = LogRecord(sequence: nextSequence, run: run, time: time, kind: .snapshot,
                                     payload: snapshotPayload())
            nextSequence += 1
            transition.records.append(snapshot)
            transition.rowChanges.append(.continued(run: run, snapshotSequence: snapshot.sequence))
        }
    }

    private mutating func finish(_ status: WorkflowStatus, result: [UInt8], at time: WorkflowTime,
                                 into transition: inout Transition) {
        self.status = status
        timers.removeAll()
        activities.removeAll()
        scopes.removeAll()
        transition.rowChanges.append(.finish(status, result: result, at: time))
    }

    private mutating func cancelScope(_ id: ScopeID) {
        scopes[id] = nil
        timers = timers.filter { $0.value.scope != id }
        activities = activities.filter { $0.value.scope != id }
    }

    private mutating func takeGeneration() -> UInt64 {
        defer { nextGeneration += 1 }
        return nextGeneration
    }
}
