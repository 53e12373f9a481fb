import Workflow

/// Decides what the agent says and which tools it calls next. Brains are small and stateless:
/// everything they need is in the request. Adapters (hedging, fallback) wrap other brains.
public protocol AgentBrain: Sendable {
    func respond(to request: BrainRequest) async throws -> BrainResponse
    /// The end-of-call summary. The default is a short extractive one.
    func summarize(_ request: BrainRequest) async throws -> String
}

extension AgentBrain {
    public func summarize(_ request: BrainRequest) async throws -> String {
        CallSummary.extractive(request)
    }
}

/// What a brain is asked: the agent (without its `global_data`, which the model must never
/// see), the conversation so far, the tools it may call and the values for its prompts.
public struct BrainRequest: Sendable {
    public let definition: AgentDefinition
    public var turns: [Turn]
    public var tools: [AgentToolDefinition]
    /// Placeholder values for this call (caller, callee, agent_name, the file's variables).
    public var variables: [String: String]
    public var call: AgentCallContext

    public init(definition: AgentDefinition, turns: [Turn], call: AgentCallContext, tools: [AgentToolDefinition]? = nil) {
        var visible = definition
        visible.globalData = [:]
        self.definition = visible
        self.turns = turns
        self.tools = tools ?? definition.tools
        self.variables = definition.templateValues(caller: call.caller, callee: call.callee)
        self.call = call
    }

    /// The system prompt with this call's values.
    public var systemPrompt: String {
        definition.prompts.system.render(variables)
    }

    /// The caller's latest words, if the last turn is theirs.
    public var lastUserTurn: Turn? {
        guard let last = turns.last, last.speaker == .user else { return nil }
        return last
    }
}

/// A brain's answer: sentences to say (possibly none) and tool calls by name, in order.
public struct BrainResponse: Sendable, Equatable {
    public var sentences: [String]
    public var toolCalls: [BrainToolCall]

    public init(sentences: [String] = [], toolCalls: [BrainToolCall] = []) {
        self.sentences = sentences
        self.toolCalls = toolCalls
    }

    public init(text: String, toolCalls: [BrainToolCall] = []) {
        self.init(sentences: SentenceSplitter.split(text), toolCalls: toolCalls)
    }

    public var text: String { sentences.joined(separator: " ") }
}

/// A tool call as a brain makes it: the tool's name and its arguments (a JSON object).
public struct BrainToolCall: Sendable, Equatable {
    public var name: String
    public var arguments: JSONValue

    public init(name: String, arguments: JSONValue = .object([:])) {
        self.name = name
        self.arguments = arguments
    }
}

/// Why a brain could not answer. Each case knows how the workflow's retry policy should treat
/// it (``activityFailure``): rate limits wait for Retry-After, client errors are never retried.
public enum BrainError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The provider answered with an HTTP error status.
    case http(status: Int, body: String, retryAfter: Duration?)
    /// The request did not finish in time.
    case timeout
    /// The connection failed or broke.
    case transport(String)
    /// The provider's answer could not be understood.
    case badResponse(String)
    /// The brain is not configured for use (no API key, unknown provider).
    case misconfigured(String)

    public var description: String {
        switch self {
        case .http(let status, let body, let retryAfter):
            "HTTP \(status)\(retryAfter.map { " (retry after \($0))" } ?? ""): \(body.prefix(200))"
        case .timeout: "timed out"
        case .transport(let detail): "connection failed: \(detail)"
        case .badResponse(let detail): "bad response: \(detail)"
        case .misconfigured(let detail): "misconfigured: \(detail)"
        }
    }

    /// The failure the workflow records: type "HTTP429" with the Retry-After delay, "HTTP400"
    /// (and other 4xx) non-retryable, "HTTP5xx", "Timeout", "Transport" retryable.
    public var activityFailure: ActivityFailure {
        switch self {
        case .http(let status, _, let retryAfter) where status == 429:
            return ActivityFailure(type: "HTTP429", message: description, nextRetryDelay: retryAfter)
        case .http(let status, _, _) where status == 408:
            return ActivityFailure(type: "HTTP408", message: description)
        case .http(let status, _, _) where (400..<500).contains(status):
            return ActivityFailure(type: "HTTP\(status)", message: description, nonRetryable: true)
        case .http(let status, _, let retryAfter):
            return ActivityFailure(type: "HTTP\(status)", message: description, nextRetryDelay: retryAfter)
        case .timeout:
            return ActivityFailure(type: "Timeout", message: description)
        case .transport:
            return ActivityFailure(type: "Transport", message: description)
        case .badResponse:
            return ActivityFailure(type: "BadResponse", message: description)
        case .misconfigured:
            return ActivityFailure(type: "Misconfigured", message: description, nonRetryable: true)
        }
    }
}
