import Agent
import Speech

/// What the switch needs to put AI agents in calls; built by the composition root (the switch
/// works without it: calls to `agent` extensions are then refused with 503).
public struct AgentServices: Sendable {
    /// Runs each call's conversation workflow.
    public let runtime: AgentRuntime
    /// The loaded agent definitions (by name and by extension).
    public let catalog: AgentCatalog
    /// Pocketsphinx sessions, one per call.
    public let recognizer: SpeechRecognizer
    /// The espeak-ng worker every agent speaks through.
    public let synthesizer: SpeechSynthesizer
    /// OpenAI-compatible speech-to-text and text-to-speech for definitions that choose them (nil:
    /// such definitions fall back to pocketsphinx and espeak-ng, with a warning).
    public let remoteSpeech: SpeechProviderFactory?

    public init(runtime: AgentRuntime, catalog: AgentCatalog, recognizer: SpeechRecognizer = SpeechRecognizer(),
                synthesizer: SpeechSynthesizer = .shared, remoteSpeech: SpeechProviderFactory? = nil) {
        self.runtime = runtime
        self.catalog = catalog
        self.recognizer = recognizer
        self.synthesizer = synthesizer
        self.remoteSpeech = remoteSpeech
    }
}

/// Why a call action the agent asked for did not happen (reported back to the conversation).
enum AgentCallError: Error, CustomStringConvertible {
    /// The call ended (or left the agent) before the action could run.
    case callGone
    /// Another transfer is still ringing.
    case transferInProgress
    /// The dialplan does not know the number.
    case unknownTarget(String)
    /// The dialplan sends the number somewhere an agent cannot transfer to.
    case unsupportedTarget(String, kind: String)
    /// Nobody answered at the target (final status of its best fork).
    case unreachable(String, status: Int)
    /// The action's argument is unusable.
    case invalid(String)

    var description: String {
        switch self {
        case .callGone: return "the call has ended"
        case .transferInProgress: return "another transfer is still ringing"
        case .unknownTarget(let target): return "no extension \(target) in the dialplan"
        case .unsupportedTarget(let target, let kind): return "extension \(target) is \(kind), which a call cannot be transferred to"
        case .unreachable(let target, let status): return "\(target) did not answer (\(status))"
        case .invalid(let reason): return reason
        }
    }
}
