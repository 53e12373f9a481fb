/// Everything the engine can refuse or fail with, each case carrying what it is about.
public enum WorkflowError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(WorkflowID)
    case alreadyExists(WorkflowID)
    case notStarted(WorkflowID)
    case notRunning(WorkflowID, WorkflowStatus)
    /// No registered definition has the version this instance started with.
    case unknownVersion(type: String, version: String)
    case updateRejected(UpdateRejection)
    case updateFailed(UpdateFailure)
    /// The workflow's reply was not of the kind the update definition expects.
    case unexpectedReply(String)
    case workflowFailed(WorkflowFailure)
    case corruptHistory(WorkflowID, sequence: UInt64, detail: String)
    case nonDeterminism(WorkflowID, sequence: UInt64, detail: String)
    case storage(String)
    /// The engine was shut down before the operation finished.
    case shutDown

    public var description: String {
        switch self {
        case .notFound(let id): "workflow \(id) not found"
        case .alreadyExists(let id): "workflow \(id) already exists"
        case .notStarted(let id): "workflow \(id) has no started event"
        case .notRunning(let id, let status): "workflow \(id) is \(status)"
        case .unknownVersion(let type, let version): "no \(type) definition with version \(version)"
        case .updateRejected(let rejection): rejection.description
        case .updateFailed(let failure): failure.description
        case .unexpectedReply(let detail): "unexpected update reply: \(detail)"
        case .workflowFailed(let failure): failure.description
        case .corruptHistory(let id, let seq, let detail): "history of \(id) is corrupt at \(seq): \(detail)"
        case .nonDeterminism(let id, let seq, let detail): "workflow \(id) replayed differently at \(seq): \(detail)"
        case .storage(let detail): "storage: \(detail)"
        case .shutDown: "workflow engine shut down"
        }
    }
}
