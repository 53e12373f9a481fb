import Workflow

/// # Agent
///
/// Parley's built-in AI participant: versioned agent definitions (`conf/agents/*.yaml`), the
/// brains that decide what to say and which tools to call (a deterministic scripted brain and
/// an OpenAI-compatible chat model), HTTP tools and end-of-call jobs, and ``AgentSession``,
/// which runs one call's conversation on the durable ``ConversationWorkflow`` and carries out
/// its effects through ``AgentCallActions``. It owns no audio and no SIP: the switch implements
/// ``AgentCallActions`` and the speech side feeds transcripts, barge-ins and DTMF in.
///
/// An `AgentDefinition` is one loaded, validated version of an agent file; its `version` is the
/// sha256 of the normalised file and its resources. Conversations pin the version they
/// started with.
public struct AgentDefinition: Sendable, Equatable {
    public var name: String
    public var description: String
    /// The extension that reaches the agent ("9000"), if it has one.
    public var extensionNumber: String?
    /// Content hash (hex sha256) of the normalised file and resources.
    public var version: String
    /// The file it was loaded from.
    public var source: String
    public var language: String
    public var voice: String?
    /// Values for `{{name}}` placeholders besides the built-in ones.
    public var variables: [String: String]
    public var prompts: AgentPrompts
    public var tools: [AgentToolDefinition]
    public var intents: [AgentIntent]
    public var resources: [AgentResource]
    public var jobs: AgentJobs
    public var timeouts: AgentTimeouts
    public var bargeIn: BargeInSettings
    public var providers: AgentProviders
    /// Keep DTMF out of transcripts and away from the model.
    public var digitsPrivate: Bool
    /// A key press is a turn of its own (menus).
    public var digitsEndTurn: Bool
    /// In a conference, answer only when addressed by this name.
    public var addressName: String?
    /// Passed to tools with every request, never shown to the model.
    public var globalData: [String: JSONValue]

    /// Placeholders every prompt may use.
    public static let builtInVariables: Set<String> = ["agent_name", "caller", "callee", "language"]

    public func tool(named name: String) -> AgentToolDefinition? {
        tools.first { $0.name == name }
    }

    /// Placeholder values for one call: the built-ins and the definition's own variables.
    public func templateValues(caller: String, callee: String) -> [String: String] {
        var values = variables
        values["agent_name"] = name
        values["caller"] = caller
        values["callee"] = callee
        values["language"] = language
        return values
    }

    /// Phrases a grammar-based recogniser should expect (intent examples and keywords).
    public var recognitionPhrases: [String] {
        var phrases: [String] = []
        for intent in intents {
            for phrase in intent.examples + intent.keywords where !phrases.contains(phrase) { phrases.append(phrase) }
        }
        return phrases
    }
}

/// The agent's fixed lines. `system` instructs a language model; the others are spoken.
public struct AgentPrompts: Sendable, Equatable {
    public var system: PromptTemplate
    public var greeting: PromptTemplate?
    /// Said when the brain has no answer (the scripted brain's spoken menu).
    public var fallback: PromptTemplate
    public var idle: PromptTemplate
    /// Said when the agent hangs up (its own goodbye, a second idle timeout).
    public var goodbye: PromptTemplate
    public var transferFailed: PromptTemplate
    public var maxDuration: PromptTemplate
    /// Said by the speech side when a reply is slow to come (nil: never).
    public var holding: PromptTemplate?
}

/// A text or markdown file the agent can search, relative to its definition file.
public struct AgentResource: Sendable, Equatable {
    public var path: String
    public var text: String

    public init(path: String, text: String) {
        self.path = path
        self.text = text
    }
}

public struct AgentTimeouts: Sendable, Equatable {
    public var idle: Duration
    /// After the idle prompt (nil: `idle` again).
    public var secondIdle: Duration?
    public var maxDuration: Duration
    /// How long the caller waits for a reply before the holding line.
    public var holding: Duration
}

/// When the caller may interrupt the agent. Applied by the speech side.
public struct BargeInSettings: Sendable, Equatable {
    public var enabled: Bool
    /// Speech shorter than this does not interrupt.
    public var minSpeech: Duration
    /// An interruption followed by this much silence without words resumes the agent.
    public var falseInterruption: Duration
}

/// After-call work.
public struct AgentJobs: Sendable, Equatable {
    public var summary: Bool
    public var webhook: WebhookJob?
}

/// Where the call report is posted.
public struct WebhookJob: Sendable, Equatable {
    public var url: String
    public var method: String
    public var headers: [String: String]
    public var timeout: Duration
}

extension AgentDefinition {
    /// The conversation settings for one call, prompts rendered with the call's values.
    public func conversationSettings(caller: String, callee: String) -> ConversationSettings {
        let values = templateValues(caller: caller, callee: callee)
        let defaults = ConversationSettings()
        var toolOptions = defaults.toolOptions
        let longestTool = tools.compactMap { tool -> Duration? in
            if case .http(let http) = tool.kind { return http.timeout }
            return nil
        }.max()
        if let longestTool { toolOptions.startToCloseTimeout = longestTool + .seconds(1) }
        var webhookOptions = defaults.webhookOptions
        if let webhook = jobs.webhook { webhookOptions.startToCloseTimeout = webhook.timeout + .seconds(1) }
        var replyOptions = defaults.replyOptions
        if case .openAI(let endpoint, _) = providers.brain {
            replyOptions.startToCloseTimeout = endpoint.timeout + .seconds(1)
        }
        return ConversationSettings(
            greeting: prompts.greeting.map { $0.render(values) },
            idleTimeout: timeouts.idle,
            secondIdleTimeout: timeouts.secondIdle,
            idlePrompt: prompts.idle.render(values),
            idleGoodbye: prompts.goodbye.render(values),
            maxDuration: timeouts.maxDuration,
            maxDurationGoodbye: prompts.maxDuration.render(values),
            cancelGoodbye: prompts.goodbye.render(values),
            fallbackReply: prompts.fallback.render(values),
            goodbye: prompts.goodbye.render(values),
            transferFailedPrompt: prompts.transferFailed.render(values),
            digitsPrivate: digitsPrivate,
            digitEndsTurn: digitsEndTurn,
            addressName: addressName,
            replyOptions: replyOptions,
            summaryOptions: defaults.summaryOptions,
            toolOptions: toolOptions,
            webhook: jobs.webhook != nil,
            webhookOptions: webhookOptions)
    }

    /// The pin a conversation for this call starts with.
    public func conversationAgent(caller: String, callee: String) -> ConversationAgent {
        ConversationAgent(name: name, version: version, settings: conversationSettings(caller: caller, callee: callee))
    }
}
