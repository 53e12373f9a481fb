import Workflow

/// A tool call of a conversation starting or coming to an end, as the host shows it live (the
/// control plane's `toolCallStarted` / `toolCallFinished` events). The conversation's history
/// stays the record; these are for watching a call as it happens.
public struct ToolCallReport: Sendable, Equatable {
    /// The call's id within its conversation ("call-3").
    public var id: String
    /// The tool's name in the agent definition ("transfer_to_front_desk").
    public var name: String
    public var phase: Phase

    public enum Phase: Sendable, Equatable {
        /// `arguments` summarises what the tool was asked to do (never private digits).
        case started(arguments: String)
        /// `detail` is the outcome as the conversation records it.
        case finished(ok: Bool, detail: String)
    }

    public init(id: String, name: String, phase: Phase) {
        self.id = id
        self.name = name
        self.phase = phase
    }

    /// The start of `invocation`, its arguments summarised.
    public static func started(_ invocation: ToolInvocation) -> ToolCallReport {
        ToolCallReport(id: invocation.id, name: invocation.name, phase: .started(arguments: summary(of: invocation.call)))
    }

    /// The end of `invocation`.
    public static func finished(_ invocation: ToolInvocation, ok: Bool, detail: String) -> ToolCallReport {
        ToolCallReport(id: invocation.id, name: invocation.name, phase: .finished(ok: ok, detail: detail))
    }

    /// Longest argument summary, in characters.
    static let maximumSummary = 200

    /// A short description of what a call asks for. DTMF keys are counted, not shown: they may
    /// be a PIN.
    static func summary(of call: AgentToolCall) -> String {
        let text: String
        switch call {
        case .transfer(let target, .blind): text = "transfer to \(target)"
        case .transfer(let target, .attended): text = "attended transfer to \(target)"
        case .hold: text = "hold"
        case .resume: text = "resume"
        case .hangUp: text = "hang up"
        case .sendDTMF(let keys): text = "send \(keys.count) key\(keys.count == 1 ? "" : "s")"
        case .collectDigits: text = "collect digits"
        case .joinConference(let room): text = "join conference \(room)"
        case .http(_, let arguments): text = arguments
        }
        return shortened(text)
    }

    /// `text` cut to ``maximumSummary`` characters.
    public static func shortened(_ text: String) -> String {
        guard text.count > maximumSummary else { return text }
        return String(text.prefix(maximumSummary - 1)) + "…"
    }
}
