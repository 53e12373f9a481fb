import Foundation

/// One running workflow in memory: its machine behind a lock, the timers and activities the
/// runtime has actually armed, and the callers waiting on it. Events are reduced as they arrive
/// (so order is the arrival order) and their commands run only after the writer reports the
/// event committed: nothing leaves the engine before it is durable.
final class WorkflowInstance<W: WorkflowDefinition>: @unchecked Sendable {
    let id: WorkflowID
    let key: Int64
    let core: EngineCore<W>
    let lock = NSLock()

    // Guarded by `lock`.
    var machine: WorkflowMachine<W>
    var broken: WorkflowError?
    var armedTimers: [TimerID: (generation: UInt64, token: ClockToken?)] = [:]
    var armedScopes: [ScopeID: (deadline: WorkflowTime, token: ClockToken?)] = [:]
    var runningActivities: [ActivityID: (generation: UInt64, task: Task<Void, Never>?)] = [:]
    var updates: [UpdateID: UpdateSlot<W.UpdateReply>] = [:]
    var resultWaiters: [CheckedContinuation<Result<W.Result, WorkflowError>, Never>] = []
    var finalOutcome: Result<W.Result, WorkflowError>?

    /// The pending work as it stood right after one event, and what to do once it commits.
    struct Step: Sendable {
        var sequence: UInt64
        var commands: [WorkflowCommand<W>]
        var timers: [TimerID: PendingTimer]
        var activities: [ActivityID: PendingActivity<W.Activity>]
        var scopes: [ScopeID: WorkflowTime]
        var status: WorkflowStatus
        /// The kinds of the records this step appends, counted once they are durable.
        var kinds: [EventKind]
        /// The event itself, for the commit observer.
        var event: WorkflowEvent<W>
        var onCommit: (@Sendable (Result<Void, WorkflowError>) -> Void)?
    }

    init(id: WorkflowID, key: Int64, machine: WorkflowMachine<W>, core: EngineCore<W>) {
        self.id = id
        self.key = key
        self.machine = machine
        self.core = core
    }

    /// Reduces `event` now and queues it for the writer. Throws if the workflow cannot take it.
    func submit(_ event: WorkflowEvent<W>,
                onCommit: (@Sendable (Result<Void, WorkflowError>) -> Void)? = nil) throws(WorkflowError) {
        lock.lock()
        defer { lock.unlock() }
        try submitLocked(event, onCommit: onCommit)
    }

    /// Submits and waits until the event is durable.
    func submitAndWait(_ event: WorkflowEvent<W>) async throws(WorkflowError) {
        let result: Result<Void, WorkflowError> = await withCheckedContinuation { continuation in
            do throws(WorkflowError) {
                try submit(event) { continuation.resume(returning: $0) }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        try result.get()
    }

    /// Caller holds `lock`.
    func submitLocked(_ event: WorkflowEvent<W>,
                      onCommit: (@Sendable (Result<Void, WorkflowError>) -> Void)?) throws(WorkflowError) {
        if let broken { throw broken }
        let transition = try machine.apply(event, at: core.clock.now())
        let step = Step(sequence: transition.records.first?.sequence ?? 0, commands: transition.commands,
                        timers: machine.timers, activities: machine.activities, scopes: machine.scopes,
                        status: machine.status, kinds: transition.records.map(\.kind), event: event,
                        onCommit: onCommit)
        core.busy.begin()
        core.store.append(LogWriter.Item(workflowKey: key, workflowID: id.rawValue, records: transition.records,
                                         rowChanges: transition.rowChanges) { [self] result in
            committed(step, result)
        })
    }

    /// Runs on the writer thread, in commit order.
    private func committed(_ step: Step, _ result: Result<Void, WorkflowError>) {
        defer { core.busy.end() }
        if case .failure(let error) = result {
            fail(with: error)
            step.onCommit?(result)
            return
        }
        core.metrics.appended(step.kinds)
        if let observe = core.commitObserver.withLock({ $0 }) {
            observe(CommittedEvent(workflowID: id, sequence: step.sequence, event: step.event, commands: step.commands))
        }
        // A stopped instance (shut down, or an earlier write failed) starts nothing new.
        lock.lock()
        let stopped = broken != nil
        lock.unlock()
        if stopped {
            step.onCommit?(result)
            return
        }
        var plan = reconcile(timers: step.timers, scopes: step.scopes, activities: step.activities)
        lock.lock()
        for command in step.commands {
            switch command {
            case .emit(let effect):
                plan.effects.append(effect)
            case .answerUpdate(let updateID, let outcome):
                if let resume = answerLocked(updateID, outcome) { plan.answers.append(resume) }
            default:
                break
            }
        }
        if step.status != .running {
            plan.finished = finishLocked()
        }
        lock.unlock()
        // Effects first: the host hears about them before the caller's await returns.
        execute(plan, sequence: step.sequence)
        step.onCommit?(.success(()))
    }

    /// Everything to do outside the lock after one commit.
    struct Plan {
        var effects: [W.Effect] = []
        var answers: [() -> Void] = []
        var cancelTokens: [ClockToken] = []
        var cancelTasks: [Task<Void, Never>] = []
        var armTimers: [(TimerID, PendingTimer)] = []
        var armScopes: [(ScopeID, WorkflowTime)] = []
        var startActivities: [(ActivityID, PendingActivity<W.Activity>)] = []
        var finished: (() -> Void)?
    }

    /// Compares what should be armed with what is, under the lock; the plan does the rest.
    func reconcile(timers: [TimerID: PendingTimer], scopes: [ScopeID: WorkflowTime],
                   activities: [ActivityID: PendingActivity<W.Activity>]) -> Plan {
        var plan = Plan()
        lock.lock()
        defer { lock.unlock() }
        for (timerID, armed) in armedTimers where timers[timerID]?.generation != armed.generation {
            if let token = armed.token { plan.cancelTokens.append(token) }
            armedTimers[timerID] = nil
        }
        for (timerID, timer) in timers where armedTimers[timerID] == nil {
            armedTimers[timerID] = (timer.generation, nil)
            plan.armTimers.append((timerID, timer))
        }
        for (scopeID, armed) in armedScopes where scopes[scopeID] != armed.deadline {
            if let token = armed.token { plan.cancelTokens.append(token) }
            armedScopes[scopeID] = nil
        }
        for (scopeID, deadline) in scopes where armedScopes[scopeID] == nil {
            armedScopes[scopeID] = (deadline, nil)
            plan.armScopes.append((scopeID, deadline))
        }
        for (activityID, running) in runningActivities
        where activities[activityID]?.generation != running.generation {
            if let task = running.task { plan.cancelTasks.append(task) }
            runningActivities[activityID] = nil
        }
        for (activityID, activity) in activities where runningActivities[activityID] == nil {
            runningActivities[activityID] = (activity.generation, nil)
            plan.startActivities.append((activityID, activity))
        }
        return plan
    }

    func execute(_ plan: Plan, sequence: UInt64) {
        for effect in plan.effects {
            core.effects.yield(WorkflowEffect(workflowID: id, sequence: sequence, effect: effect))
        }
        for answer in plan.answers { answer() }
        for token in plan.cancelTokens { core.clock.cancel(token) }
        for task in plan.cancelTasks { task.cancel() }
        for (activityID, activity) in plan.startActivities { start(activityID, activity) }
        for (timerID, timer) in plan.armTimers { arm(timerID, timer) }
        for (scopeID, deadline) in plan.armScopes { arm(scopeID, deadline) }
        plan.finished?()
    }
}
