import ParleyConfig

/// `providers:`: the brain (scripted or an OpenAI-compatible endpoint, optionally hedged),
/// speech-to-text and text-to-speech.
extension DefinitionReader {
    mutating func readProviders() throws(ConfigError) -> AgentProviders {
        let map = try top["providers"]?.mapping(allowed: ["brain", "stt", "tts"]) ?? [:]
        return AgentProviders(
            brain: try map["brain"].map { node throws(ConfigError) in try readBrain(node) } ?? .scripted,
            speechToText: try map["stt"].map { node throws(ConfigError) in try readSpeechToText(node) }
                ?? .pocketsphinx(mode: .lm, grammar: nil),
            textToSpeech: try map["tts"].map { node throws(ConfigError) in try readTextToSpeech(node) }
                ?? .espeak(voice: "en-us", wordsPerMinute: nil))
    }

    private static let endpointKeys: Set<String> = [
        "base_url", "model", "api_key", "api_key_env", "temperature", "max_tokens", "timeout",
    ]

    private func readBrain(_ node: AgentConfigNode) throws(ConfigError) -> BrainChoice {
        let type = try typeOf(node, ["scripted", "openai"])
        switch type {
        case "scripted":
            _ = try node.mapping(allowed: ["type"])
            return .scripted
        default:
            let map = try node.mapping(allowed: Self.endpointKeys.union(["type", "hedge"]))
            var hedge: HedgeChoice?
            if let hedgeNode = map["hedge"] {
                let hedgeMap = try hedgeNode.mapping(allowed: Self.endpointKeys.union(["after"]))
                hedge = HedgeChoice(
                    endpoint: try endpoint(hedgeNode, hedgeMap),
                    after: try hedgeMap["after"]?.duration(in: .zero...(.seconds(30))) ?? .milliseconds(1500))
            }
            return .openAI(try endpoint(node, map), hedge: hedge)
        }
    }

    private func typeOf(_ node: AgentConfigNode, _ choices: [String]) throws(ConfigError) -> String {
        guard case .mapping = node.node else { throw node.error("expected a mapping with a 'type'") }
        let map = try node.mapping(allowed: Set(Self.mappingKeys(node)))
        guard let type = map["type"] else { throw node.error("'type' is required (one of: \(choices.joined(separator: ", ")))") }
        return try type.oneOf(choices)
    }

    /// The keys present, so `typeOf` can read `type` before the type's own key check runs.
    private static func mappingKeys(_ node: AgentConfigNode) -> [String] {
        guard case .mapping(let map) = node.node else { return [] }
        return map.compactMap { key, _ in
            if case .scalar(let scalar) = key { return scalar.string }
            return nil
        }
    }

    private func endpoint(_ node: AgentConfigNode, _ map: [String: AgentConfigNode]) throws(ConfigError) -> OpenAIEndpoint {
        guard let base = map["base_url"] else { throw node.error("'base_url' is required") }
        guard let model = map["model"] else { throw node.error("'model' is required") }
        var key = APIKeySource.none
        switch (map["api_key"], map["api_key_env"]) {
        case (.some(let literal), .some):
            throw literal.error("give api_key or api_key_env, not both")
        case (.some(let literal), nil):
            key = .literal(try literal.nonEmptyString())
        case (nil, .some(let variable)):
            let name = try variable.nonEmptyString()
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw variable.error("'\(name)' is not an environment variable name")
            }
            key = .environment(name)
        case (nil, nil):
            break
        }
        var url = try base.httpURL()
        while url.hasSuffix("/") { url.removeLast() }
        return OpenAIEndpoint(
            baseURL: url,
            model: try model.nonEmptyString(),
            apiKey: key,
            temperature: try map["temperature"]?.double(in: 0...2),
            maxTokens: try map["max_tokens"]?.int(in: 1...32_768),
            timeout: try map["timeout"]?.duration(in: .milliseconds(100)...(.seconds(300))) ?? .seconds(20))
    }

    private mutating func readSpeechToText(_ node: AgentConfigNode) throws(ConfigError) -> SpeechToTextChoice {
        switch try typeOf(node, ["pocketsphinx", "openai"]) {
        case "pocketsphinx":
            let map = try node.mapping(allowed: ["type", "mode", "grammar"])
            let modeName = try map["mode"]?.oneOf(SpeechToTextChoice.PocketsphinxMode.allCases.map(\.rawValue)) ?? "lm"
            let mode = SpeechToTextChoice.PocketsphinxMode(rawValue: modeName) ?? .lm
            var grammar: AgentResource?
            if let grammarNode = map["grammar"] {
                guard mode == .grammar else { throw grammarNode.error("a grammar file needs mode: grammar") }
                grammar = try loadResource(grammarNode)
            }
            return .pocketsphinx(mode: mode, grammar: grammar)
        default:
            let map = try node.mapping(allowed: Self.endpointKeys.union(["type"]))
            return .openAI(try endpoint(node, map))
        }
    }

    private func readTextToSpeech(_ node: AgentConfigNode) throws(ConfigError) -> TextToSpeechChoice {
        switch try typeOf(node, ["espeak", "openai"]) {
        case "espeak":
            let map = try node.mapping(allowed: ["type", "voice", "words_per_minute"])
            return .espeak(voice: try map["voice"]?.nonEmptyString() ?? "en-us",
                           wordsPerMinute: try map["words_per_minute"]?.int(in: 80...450))
        default:
            let map = try node.mapping(allowed: Self.endpointKeys.union(["type", "voice"]))
            return .openAI(try endpoint(node, map), voice: try map["voice"]?.nonEmptyString() ?? "alloy")
        }
    }
}
