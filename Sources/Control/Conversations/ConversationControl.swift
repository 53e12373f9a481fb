/// What the control plane can do with conversations. ``WorkflowConversationControl`` serves it
/// from the real ``Workflow/WorkflowEngine``; tests and other hosts may supply their own.
public protocol ConversationControl: Sendable {
    /// Live and finished conversations, newest first.
    func list(_ filter: ConversationFilter) async throws(ControlError) -> [ConversationSummary]
    /// The full log, decoded, with pending timers and activities.
    func history(_ id: String) async throws(ControlError) -> ConversationHistory
    /// Appends a signal; returns once it is durable.
    func signal(_ id: String, _ signal: SignalPayload) async throws(ControlError) -> SignalReceipt
    /// Validates and runs an update. A validator's rejection throws a 422 ``ControlError`` and
    /// writes nothing.
    func update(_ id: String, _ update: UpdatePayload) async throws(ControlError) -> UpdateResultPayload
    /// Answers from the conversation's state (replayed from the log if it has finished).
    func query(_ id: String, _ query: QueryName) async throws(ControlError) -> QueryResult
}

extension ControlError.Code {
    public static let workflowError: Self = "workflow_error"
}

extension ControlError {
    /// A validator refused the update; nothing was written.
    public static func updateRejected(_ reason: String) -> ControlError {
        ControlError(statusCode: 422, code: .updateRejected, message: reason)
    }

    /// The update was accepted (and recorded) but the workflow answered it with a failure.
    public static func updateFailed(_ reason: String) -> ControlError {
        ControlError(statusCode: 409, code: .updateFailed, message: reason)
    }

    public static func conversationNotRunning(_ id: String, status: String) -> ControlError {
        ControlError(statusCode: 409, code: .conversationNotRunning, message: "conversation \(id) is \(status)")
    }
}
