/// Which engines the agent uses.
public struct AgentProviders: Sendable, Equatable {
    public var brain: BrainChoice
    public var speechToText: SpeechToTextChoice
    public var textToSpeech: TextToSpeechChoice
}

public enum BrainChoice: Sendable, Equatable {
    /// Intents, resource answers and the fallback: offline and deterministic.
    case scripted
    /// An OpenAI-compatible chat-completions endpoint, optionally hedged with a second one.
    case openAI(OpenAIEndpoint, hedge: HedgeChoice?)
}

/// A second endpoint raced against the first when it has not answered within `after`.
public struct HedgeChoice: Sendable, Equatable {
    public var endpoint: OpenAIEndpoint
    public var after: Duration
}

/// An OpenAI-compatible API (OpenAI, or a local llama.cpp, Ollama or vLLM server).
public struct OpenAIEndpoint: Sendable, Equatable {
    /// The API root, ending in `/v1` ("https://api.openai.com/v1").
    public var baseURL: String
    public var model: String
    public var apiKey: APIKeySource
    public var temperature: Double?
    public var maxTokens: Int?
    public var timeout: Duration

    public init(baseURL: String, model: String, apiKey: APIKeySource = .none, temperature: Double? = nil,
                maxTokens: Int? = nil, timeout: Duration = .seconds(20)) {
        self.baseURL = baseURL
        self.model = model
        self.apiKey = apiKey
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.timeout = timeout
    }
}

/// Where an API key comes from. Keys in environment variables stay out of the stored
/// definition (and its hash).
public enum APIKeySource: Sendable, Equatable {
    case none
    case literal(String)
    case environment(String)

    /// The key, reading environment variables from `environment`.
    public func resolve(_ environment: [String: String]) -> String? {
        switch self {
        case .none: nil
        case .literal(let key): key
        case .environment(let name): environment[name]
        }
    }
}

public enum SpeechToTextChoice: Sendable, Equatable {
    public enum PocketsphinxMode: String, Sendable, Equatable, CaseIterable {
        /// A JSGF grammar (a resource file, or one built from the intents' phrases).
        case grammar
        /// The general language model.
        case lm
    }

    case pocketsphinx(mode: PocketsphinxMode, grammar: AgentResource?)
    case openAI(OpenAIEndpoint)
}

public enum TextToSpeechChoice: Sendable, Equatable {
    case espeak(voice: String, wordsPerMinute: Int?)
    case openAI(OpenAIEndpoint, voice: String)
}
