/// One event of a workflow just made durable, with the commands its handling produced, for a
/// host that shows workflows live (the control plane's `workflowEvent` stream). Told on the
/// engine's writer thread, in commit order: observers must return quickly.
public struct CommittedEvent<W: WorkflowDefinition>: Sendable {
    public let workflowID: WorkflowID
    public let sequence: UInt64
    public let event: WorkflowEvent<W>
    public let commands: [WorkflowCommand<W>]
}

extension WorkflowEngine {
    /// Calls `observer` with every event committed from now on (replaces an earlier observer;
    /// nil stops). Replayed history is not reported.
    public func observeCommits(_ observer: (@Sendable (CommittedEvent<W>) -> Void)?) {
        core.commitObserver.withLock { $0 = observer }
    }
}
