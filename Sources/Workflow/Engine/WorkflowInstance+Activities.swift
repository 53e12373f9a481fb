extension WorkflowInstance {
    /// Starts an activity's attempt loop in its own task. Retries wait on the engine clock.
    func start(_ activityID: ActivityID, _ pending: PendingActivity<W.Activity>) {
        core.busy.begin()
        let task = Task { [self] in
            await runAttempts(activityID, pending)
        }
        lock.lock()
        let kept = runningActivities[activityID]?.generation == pending.generation
        if kept { runningActivities[activityID]?.task = task }
        lock.unlock()
        if !kept { task.cancel() }
    }

    /// Attempts until success, a non-retryable failure or the policy gives up. Holds one busy
    /// mark while an attempt runs and none while it waits for a retry delay.
    private func runAttempts(_ activityID: ActivityID, _ pending: PendingActivity<W.Activity>) async {
        let policy = pending.options.retry
        // Bounded even with no maximum: a million attempts is years of backoff.
        let limit = min(policy.maximumAttempts ?? 1_000_000, 1_000_000)
        for attempt in 1...max(limit, 1) {
            let context = ActivityContext(workflowID: id, activityID: activityID, attempt: attempt,
                                          scheduledAt: pending.scheduledAt)
            let outcome = await runOnce(pending, context)
            if Task.isCancelled {
                core.busy.end()
                return
            }
            switch outcome {
            case .success(let output):
                finish(activityID, pending.generation, .activityCompleted(activityID, output))
                return
            case .failure(var failure):
                guard attempt < limit, let delay = policy.delay(after: attempt, failure: failure) else {
                    failure.attempts = attempt
                    finish(activityID, pending.generation, .activityFailed(activityID, failure))
                    return
                }
                let busy = core.busy
                let wake = core.clock.now() + delay
                do {
                    try await clockSleep(core.clock, until: wake, scheduled: { busy.end() }, woke: { busy.begin() })
                } catch {
                    return
                }
            }
        }
        core.busy.end()
    }

    /// One attempt, raced against `startToCloseTimeout` on the engine clock.
    private func runOnce(_ pending: PendingActivity<W.Activity>,
                         _ context: ActivityContext) async -> Result<W.ActivityOutput, ActivityFailure> {
        let handler = core.activities
        let activity = pending.activity
        guard let timeout = pending.options.startToCloseTimeout else {
            return await Self.invoke(handler, activity, context)
        }
        let clock = core.clock
        let deadline = clock.now() + timeout
        let race = Locked<(work: Task<Void, Never>?, token: ClockToken?, done: Bool)>((nil, nil, false))
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Result<W.ActivityOutput, ActivityFailure>, Never>) in
                let finish: @Sendable (Result<W.ActivityOutput, ActivityFailure>) -> Void = { result in
                    let (first, token) = race.withLock { s -> (Bool, ClockToken?) in
                        if s.done { return (false, nil) }
                        s.done = true
                        return (true, s.token)
                    }
                    guard first else { return }
                    if let token { clock.cancel(token) }
                    continuation.resume(returning: result)
                }
                let work = Task { finish(await Self.invoke(handler, activity, context)) }
                race.withLock { $0.work = work }
                let token = clock.schedule(at: deadline) {
                    // Decide the outcome before cancelling, so the cancelled work cannot win.
                    finish(.failure(ActivityFailure(type: ActivityFailure.timeoutType,
                                                    message: "attempt \(context.attempt) exceeded \(timeout)")))
                    work.cancel()
                }
                race.withLock { $0.token = token }
            }
        } onCancel: {
            race.withLock { $0.work }?.cancel()
        }
    }

    private static func invoke(_ handler: ActivityHandler<W>, _ activity: W.Activity,
                               _ context: ActivityContext) async -> Result<W.ActivityOutput, ActivityFailure> {
        do {
            return .success(try await handler(activity, context))
        } catch let failure as ActivityFailure {
            return .failure(failure)
        } catch {
            return .failure(ActivityFailure(type: String(describing: type(of: error)), message: "\(error)"))
        }
    }

    /// Records the final result unless the workflow abandoned the activity meanwhile.
    private func finish(_ activityID: ActivityID, _ generation: UInt64, _ event: WorkflowEvent<W>) {
        lock.lock()
        // The entry stays until a commit shows the activity settled, so an older step's
        // reconcile does not start it again.
        if runningActivities[activityID]?.generation == generation { runningActivities[activityID]?.task = nil }
        if machine.status == .running, broken == nil, machine.activities[activityID]?.generation == generation {
            do {
                try submitLocked(event, onCommit: nil)
            } catch {
                core.logger.error("activity result not recorded",
                                  metadata: ["workflow": "\(id)", "activity": "\(activityID)", "error": "\(error)"])
            }
        }
        lock.unlock()
        core.busy.end()
    }
}
