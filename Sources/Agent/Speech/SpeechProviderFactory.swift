import Foundation
import Logging
import Speech

/// Builds an agent's production speech providers from its definition: the
/// ``OpenAITranscriber`` for `providers.stt: {type: openai}` and the ``OpenAISpeechSynthesizer``
/// for `providers.tts: {type: openai}`. For the embedded engines (pocketsphinx, espeak-ng) it
/// returns nil and the host uses those as before.
///
/// API keys come from the endpoint's `api_key` or `api_key_env` (read from `environment`); a
/// named variable that is unset or empty is a ``SpeechProviderError/missingAPIKey(agent:variable:)``,
/// so a misconfigured agent fails when its call starts rather than with 401s mid-call.
public struct SpeechProviderFactory: Sendable {
    public let http: AgentHTTPClient
    public let environment: [String: String]
    public var transcriberOptions: OpenAITranscriber.Options
    public var synthesizerOptions: OpenAISpeechSynthesizer.Options
    /// Where the providers count failed requests.
    public var metrics = AgentMetrics.disabled
    private let logger: Logger

    public init(http: AgentHTTPClient, environment: [String: String] = ProcessInfo.processInfo.environment,
                transcriberOptions: OpenAITranscriber.Options = OpenAITranscriber.Options(),
                synthesizerOptions: OpenAISpeechSynthesizer.Options = OpenAISpeechSynthesizer.Options(),
                logger: Logger = Logger(label: "parley.agent.speech")) {
        self.http = http
        self.environment = environment
        self.transcriberOptions = transcriberOptions
        self.synthesizerOptions = synthesizerOptions
        self.logger = logger
    }

    /// The transcriber for an `openai` STT choice (nil for pocketsphinx), sending the
    /// definition's language. `onEvent` should route to ``AgentVoiceChannel/receive(_:)``.
    public func transcriber(for definition: AgentDefinition, inputSampleRate: Int,
                            onEvent: @escaping @Sendable (RecognitionEvent) -> Void) throws(SpeechProviderError) -> OpenAITranscriber? {
        guard case .openAI(let endpoint) = definition.providers.speechToText else { return nil }
        let key = try apiKey(for: endpoint, agent: definition.name)
        return try OpenAITranscriber(endpoint: endpoint, apiKey: key, http: http, inputSampleRate: inputSampleRate,
                                     language: definition.language, options: transcriberOptions, metrics: metrics,
                                     logger: logger, onEvent: onEvent)
    }

    /// The synthesizer for an `openai` TTS choice with its voice (nil for espeak-ng).
    public func synthesizer(for definition: AgentDefinition) throws(SpeechProviderError) -> OpenAISpeechSynthesizer? {
        guard case .openAI(let endpoint, let voice) = definition.providers.textToSpeech else { return nil }
        let key = try apiKey(for: endpoint, agent: definition.name)
        return try OpenAISpeechSynthesizer(endpoint: endpoint, apiKey: key, http: http, voice: voice,
                                           options: synthesizerOptions, metrics: metrics, logger: logger)
    }

    /// The key to send: nil when the endpoint needs none.
    public func apiKey(for endpoint: OpenAIEndpoint, agent: String) throws(SpeechProviderError) -> String? {
        switch endpoint.apiKey {
        case .none:
            return nil
        case .literal(let key):
            return key
        case .environment(let name):
            guard let key = environment[name], !key.isEmpty else { throw .missingAPIKey(agent: agent, variable: name) }
            return key
        }
    }
}
