/// An accepted update waiting for its answer: either the answer arrived first (`outcome`) or
/// the caller did (`continuation`).
struct UpdateSlot<Reply: Sendable>: Sendable {
    var outcome: UpdateOutcome<Reply>?
    var continuation: CheckedContinuation<UpdateOutcome<Reply>, Never>?
}

extension WorkflowInstance {
    /// Validates against the current state and, if accepted, records the update. Returns once
    /// the update is durable. A rejection throws and writes nothing.
    func acceptUpdate(_ update: W.Update,
                      validate: (W.State) throws(UpdateRejection) -> Void) async throws(WorkflowError) -> UpdateID {
        let result: Result<UpdateID, WorkflowError> = await withCheckedContinuation { continuation in
            lock.lock()
            defer { lock.unlock() }
            do throws(WorkflowError) {
                if let broken { throw broken }
                guard machine.status == .running, let state = machine.state else {
                    throw .notRunning(id, machine.status)
                }
                do throws(UpdateRejection) {
                    try validate(state)
                } catch {
                    throw .updateRejected(error)
                }
                let updateID = UpdateID(machine.nextSequence)
                updates[updateID] = UpdateSlot()
                do throws(WorkflowError) {
                    try submitLocked(.update(updateID, update)) { committed in
                        continuation.resume(returning: committed.map { updateID })
                    }
                } catch {
                    updates[updateID] = nil
                    throw error
                }
            } catch {
                continuation.resume(returning: .failure(error))
            }
        }
        return try result.get()
    }

    /// Waits for the workflow to answer an accepted update.
    func outcome(of updateID: UpdateID) async -> UpdateOutcome<W.UpdateReply> {
        await withCheckedContinuation { continuation in
            lock.lock()
            guard let slot = updates[updateID] else {
                lock.unlock()
                continuation.resume(returning: .failure(UpdateFailure("unknown or already collected \(updateID)")))
                return
            }
            if let outcome = slot.outcome {
                updates[updateID] = nil
                lock.unlock()
                continuation.resume(returning: outcome)
                return
            }
            updates[updateID]?.continuation = continuation
            lock.unlock()
        }
    }

    /// Records an answer (caller holds the lock); returns the resumption to run outside it.
    func answerLocked(_ updateID: UpdateID, _ outcome: UpdateOutcome<W.UpdateReply>) -> (() -> Void)? {
        guard let slot = updates[updateID] else { return nil }
        if let continuation = slot.continuation {
            updates[updateID] = nil
            return { continuation.resume(returning: outcome) }
        }
        updates[updateID]?.outcome = outcome
        return nil
    }

    /// Runs a read-only function on the current state; writes nothing.
    func read<T>(_ body: (W.State) -> T) throws(WorkflowError) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let state = machine.state else { throw .notStarted(id) }
        return body(state)
    }

    /// A copy of the machine, for inspection and tests.
    func machineSnapshot() -> WorkflowMachine<W> {
        lock.lock()
        defer { lock.unlock() }
        return machine
    }
}
