/// The typed face of one instance: signals, updates, queries, cancellation and the result.
public struct WorkflowHandle<W: WorkflowDefinition>: Sendable {
    let engine: WorkflowEngine<W>
    public let id: WorkflowID

    /// Appends a signal; returns once it is durable. Signals are handled in arrival order.
    public func signal(_ signal: W.Signal) async throws(WorkflowError) {
        let start = ContinuousClock.now
        try await engine.liveInstance(id).submitAndWait(.signal(signal))
        WorkflowMetrics.record(engine.core.metrics.signalLatency, since: start)
    }

    public func signal<S: SignalDefinition>(_ definition: S.Type, _ input: S.Input) async throws(WorkflowError)
    where S.Workflow == W {
        try await signal(S.signal(input))
    }

    /// Validates and records an update, then waits for its answer.
    public func update<U: UpdateDefinition>(_ definition: U.Type, _ input: U.Input) async throws(WorkflowError) -> U.Output
    where U.Workflow == W {
        try await startUpdate(definition, input).result()
    }

    /// Validates and records an update; returns once it is accepted (durable). A rejected update
    /// throws ``WorkflowError/updateRejected(_:)`` and leaves no trace in the history.
    public func startUpdate<U: UpdateDefinition>(_ definition: U.Type, _ input: U.Input) async throws(WorkflowError)
    -> UpdateHandle<U> where U.Workflow == W {
        let start = ContinuousClock.now
        let instance = try await engine.liveInstance(id)
        let updateID = try await instance.acceptUpdate(U.update(input)) { state throws(UpdateRejection) in
            try U.validate(input, state: state)
        }
        WorkflowMetrics.record(engine.core.metrics.updateLatency, since: start)
        return UpdateHandle(instance: instance, id: updateID)
    }

    /// Answers from the in-memory state; writes nothing.
    public func query<Q: QueryDefinition>(_ definition: Q.Type, _ input: Q.Input) async throws(WorkflowError) -> Q.Output
    where Q.Workflow == W {
        let start = ContinuousClock.now
        let answer = try await engine.liveInstance(id).read { Q.answer(input, state: $0) }
        WorkflowMetrics.record(engine.core.metrics.queryLatency, since: start)
        return answer
    }

    /// The whole current state (a query that returns everything).
    public func state() async throws(WorkflowError) -> W.State {
        let start = ContinuousClock.now
        let state = try await engine.liveInstance(id).read { $0 }
        WorkflowMetrics.record(engine.core.metrics.queryLatency, since: start)
        return state
    }

    /// Asks the workflow to stop; it receives `.cancelRequested` and runs its cleanup.
    public func cancel() async throws(WorkflowError) {
        try await engine.liveInstance(id).submitAndWait(.cancelRequested)
    }

    /// Waits for the workflow to finish and returns its result (from the store if it already did).
    public func result() async throws(WorkflowError) -> W.Result {
        if let instance = engine.core.instance(id) {
            return try await instance.result().get()
        }
        guard let row = try await engine.storedRow(id) else { throw .notFound(id) }
        switch row.status {
        case .running:
            throw .notRunning(id, .running)
        case .completed:
            do {
                return try W.Result(wireBytes: row.result ?? [])
            } catch {
                throw .corruptHistory(id, sequence: 0, detail: "result: \(error)")
            }
        case .failed:
            let failure = (try? WorkflowFailure(wireBytes: row.result ?? [])) ?? WorkflowFailure("failed")
            throw .workflowFailed(failure)
        }
    }
}

/// An accepted update whose answer may still be coming.
public struct UpdateHandle<U: UpdateDefinition>: Sendable {
    let instance: WorkflowInstance<U.Workflow>
    public let id: UpdateID

    /// Waits for the workflow's answer.
    public func result() async throws(WorkflowError) -> U.Output {
        switch await instance.outcome(of: id) {
        case .success(let reply):
            guard let output = U.output(from: reply) else {
                throw .unexpectedReply("\(reply) is not an answer to \(U.self)")
            }
            return output
        case .failure(let failure):
            throw .updateFailed(failure)
        }
    }
}
