import Workflow

/// What the agent does to its call, implemented by the switch (the host). Calls come one at a
/// time, in the order the conversation decided them. A thrown error means the action failed;
/// the conversation hears about it (a failed transfer brings the caller back to the agent with
/// an apology).
public protocol AgentCallActions: Sendable {
    /// Speaks one sentence and returns when it was played, or when the caller interrupted it
    /// (with the part they heard). Return `.interrupted` only for a real barge-in: a false
    /// interruption (a cough, no words within the agent's `false_interruption_ms`) should
    /// resume the sentence and end in `.finished`, since the session drops the rest of an
    /// interrupted reply.
    func speak(_ text: String, utteranceID: String) async -> SpeechOutcome
    /// Transfers the caller to a dialplan target: at once (blind), or after calling the target
    /// and speaking `announce` to them (attended).
    func transfer(to target: String, mode: TransferMode) async throws
    func hold() async throws
    func resume() async throws
    func hangUp() async
    /// Sends keys to the far end (RFC 4733 telephone events).
    func sendDTMF(_ digits: String) async throws
    /// Moves the call, with the agent, into a conference room.
    func joinConference(_ room: String) async throws
    /// A tool call started or finished (call actions around their run, HTTP tools around their
    /// activity). For watching only; the default ignores it.
    func report(_ toolCall: ToolCallReport)
    /// A step of the call's conversation workflow was committed (a signal received, a timer
    /// started or fired...). For watching only; the default ignores it.
    func report(_ notice: ConversationNotice)
}

extension AgentCallActions {
    public func report(_ toolCall: ToolCallReport) {}
    public func report(_ notice: ConversationNotice) {}
}

/// How speaking a sentence ended.
public enum SpeechOutcome: Sendable, Equatable {
    case finished
    /// The caller barged in; `heard` is what had been played of the sentence.
    case interrupted(heard: String)
}
