extension WorkflowInstance {
    /// Schedules a timer on the clock. A timer whose time has passed (say, while the process
    /// was down) fires at once.
    func arm(_ timerID: TimerID, _ timer: PendingTimer) {
        let token = core.clock.schedule(at: timer.fireAt) { [self] in
            fire(timerID, generation: timer.generation)
        }
        keepToken(token) { instance in
            guard instance.armedTimers[timerID]?.generation == timer.generation else { return false }
            instance.armedTimers[timerID]?.token = token
            return true
        }
    }

    func arm(_ scopeID: ScopeID, _ deadline: WorkflowTime) {
        let token = core.clock.schedule(at: deadline) { [self] in
            expire(scopeID, deadline: deadline)
        }
        keepToken(token) { instance in
            guard instance.armedScopes[scopeID]?.deadline == deadline else { return false }
            instance.armedScopes[scopeID]?.token = token
            return true
        }
    }

    /// Stores a token unless the thing it belongs to was disarmed meanwhile; then cancels it.
    private func keepToken(_ token: ClockToken, _ store: (WorkflowInstance) -> Bool) {
        lock.lock()
        let kept = store(self)
        lock.unlock()
        if !kept { core.clock.cancel(token) }
    }

    /// A timer came due. Ignored if it was cancelled or moved since it was armed.
    private func fire(_ timerID: TimerID, generation: UInt64) {
        lock.lock()
        defer { lock.unlock() }
        guard machine.status == .running, broken == nil,
              machine.timers[timerID]?.generation == generation else { return }
        // The armed entry stays until the firing commits, so an older step does not re-arm it.
        if armedTimers[timerID]?.generation == generation { armedTimers[timerID]?.token = nil }
        do {
            try submitLocked(.timerFired(timerID), onCommit: nil)
        } catch {
            core.logger.error("timer firing not recorded",
                              metadata: ["workflow": "\(id)", "timer": "\(timerID)", "error": "\(error)"])
        }
    }

    private func expire(_ scopeID: ScopeID, deadline: WorkflowTime) {
        lock.lock()
        defer { lock.unlock() }
        guard machine.status == .running, broken == nil, machine.scopes[scopeID] == deadline else { return }
        if armedScopes[scopeID]?.deadline == deadline { armedScopes[scopeID]?.token = nil }
        do {
            try submitLocked(.scopeExpired(scopeID), onCommit: nil)
        } catch {
            core.logger.error("scope expiry not recorded",
                              metadata: ["workflow": "\(id)", "scope": "\(scopeID)", "error": "\(error)"])
        }
    }

    /// Arms everything a replayed machine has pending: timers, scope deadlines, activities.
    func resume() {
        lock.lock()
        let (timers, scopes, activities) = (machine.timers, machine.scopes, machine.activities)
        lock.unlock()
        execute(reconcile(timers: timers, scopes: scopes, activities: activities), sequence: 0)
    }

    /// The workflow completed or failed (caller holds the lock): resolve every waiter and drop
    /// timers and activities. Returns what to run after the lock is released.
    func finishLocked() -> () -> Void {
        let outcome: Result<W.Result, WorkflowError>
        if let result = machine.result {
            outcome = .success(result)
        } else {
            outcome = .failure(.workflowFailed(machine.failure ?? WorkflowFailure("failed")))
        }
        finalOutcome = outcome
        let waiters = resultWaiters
        resultWaiters.removeAll()
        let pendingUpdates = settleUpdatesLocked(UpdateFailure("workflow ended before answering"))
        let tokens = armedTimers.values.compactMap(\.token) + armedScopes.values.compactMap(\.token)
        let tasks = runningActivities.values.compactMap(\.task)
        armedTimers.removeAll()
        armedScopes.removeAll()
        runningActivities.removeAll()
        return { [core, id] in
            for token in tokens { core.clock.cancel(token) }
            for task in tasks { task.cancel() }
            for resume in pendingUpdates { resume() }
            for waiter in waiters { waiter.resume(returning: outcome) }
            core.unregister(id)
        }
    }

    /// A write failed: the in-memory state is ahead of the log, so the instance stops taking
    /// events and is dropped; a restart rebuilds it from what was committed.
    func fail(with error: WorkflowError) {
        lock.lock()
        guard broken == nil else {
            lock.unlock()
            return
        }
        broken = error
        finalOutcome = .failure(error)
        let waiters = resultWaiters
        resultWaiters.removeAll()
        let pendingUpdates = settleUpdatesLocked(UpdateFailure(error.description))
        let tasks = runningActivities.values.compactMap(\.task)
        let tokens = armedTimers.values.compactMap(\.token) + armedScopes.values.compactMap(\.token)
        lock.unlock()
        if error != .shutDown {
            core.logger.error("workflow stopped after a log write failed",
                              metadata: ["workflow": "\(id)", "error": "\(error)"])
        }
        for token in tokens { core.clock.cancel(token) }
        for task in tasks { task.cancel() }
        for resume in pendingUpdates { resume() }
        for waiter in waiters { waiter.resume(returning: .failure(error)) }
        core.unregister(id)
    }

    /// Answers every unanswered update with `failure` (caller holds the lock): waiting callers
    /// get it at once, later ones when they ask.
    func settleUpdatesLocked(_ failure: UpdateFailure) -> [() -> Void] {
        var resumes: [() -> Void] = []
        for (updateID, slot) in updates where slot.outcome == nil {
            if let continuation = slot.continuation {
                updates[updateID] = nil
                resumes.append { continuation.resume(returning: .failure(failure)) }
            } else {
                updates[updateID]?.outcome = .failure(failure)
            }
        }
        return resumes
    }

    /// Waits for the workflow's result.
    func result() async -> Result<W.Result, WorkflowError> {
        await withCheckedContinuation { continuation in
            lock.lock()
            if let finalOutcome {
                lock.unlock()
                continuation.resume(returning: finalOutcome)
                return
            }
            // Still running, or finished but not yet committed: the commit path resolves it.
            resultWaiters.append(continuation)
            lock.unlock()
        }
    }
}
