extension WorkflowMachine {
    /// Rebuilds the machine from stored records, oldest first. A history may start at a run's
    /// snapshot (what recovery loads) or at `.started`. A snapshot the machine regenerates
    /// itself (from a replayed continue-as-new) must match the stored bytes exactly, which
    /// catches a definition that no longer replays its own history.
    public mutating func replay(_ record: LogRecord) throws(WorkflowError) {
        if record.kind == .snapshot {
            if record.sequence < nextSequence {
                guard snapshotPayload() == record.payload else {
                    throw .nonDeterminism(workflowID, sequence: record.sequence,
                                          detail: "continue-as-new snapshot differs from the recorded one")
                }
                return
            }
            try restore(fromSnapshot: record)
            return
        }
        guard record.sequence == nextSequence else {
            throw .corruptHistory(workflowID, sequence: record.sequence,
                                  detail: "expected sequence \(nextSequence)")
        }
        let event: WorkflowEvent<W>
        do {
            event = try WorkflowEvent(kind: record.kind, payload: record.payload)
        } catch {
            throw .corruptHistory(workflowID, sequence: record.sequence, detail: error.description)
        }
        _ = try apply(event, at: record.time)
    }

    /// Applies a new event with no storage and no runtime: the sans-I/O entry point for tests
    /// and tools. Returns the records the engine would append and the commands it would run.
    public mutating func step(_ event: WorkflowEvent<W>, at time: WorkflowTime) throws(WorkflowError)
    -> (records: [LogRecord], commands: [WorkflowCommand<W>]) {
        let transition = try apply(event, at: time)
        return (transition.records, transition.commands)
    }

    /// Replays a whole history and returns the machine.
    public static func replaying(_ records: [LogRecord], workflowID: WorkflowID,
                                 definition: W) throws(WorkflowError) -> WorkflowMachine {
        var machine = WorkflowMachine(workflowID: workflowID, definition: definition)
        for record in records { try machine.replay(record) }
        return machine
    }

    /// The state's bytes, for byte-exact determinism checks.
    public var encodedState: [UInt8] {
        state?.wireBytes() ?? []
    }

    /// Everything a continued run starts from: state plus the engine's bookkeeping.
    func snapshotPayload() -> [UInt8] {
        var writer = WireWriter(capacity: 256)
        state.encode(to: &writer)
        timers.encode(to: &writer)
        activities.encode(to: &writer)
        scopes.encode(to: &writer)
        writer.write(varint: nextGeneration)
        return writer.bytes
    }

    private mutating func restore(fromSnapshot record: LogRecord) throws(WorkflowError) {
        var reader = WireReader(record.payload)
        do {
            state = try reader.read()
            timers = try reader.read()
            activities = try reader.read()
            scopes = try reader.read()
            nextGeneration = try reader.readVarint("snapshot.generation")
            try reader.expectEnd("snapshot")
        } catch {
            throw .corruptHistory(workflowID, sequence: record.sequence, detail: error.description)
        }
        guard state != nil else {
            throw .corruptHistory(workflowID, sequence: record.sequence, detail: "snapshot without state")
        }
        status = .running
        run = record.run
        runLength = 1
        nextSequence = record.sequence + 1
    }
}
