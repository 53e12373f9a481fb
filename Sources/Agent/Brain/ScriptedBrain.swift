import Workflow

/// The offline default brain, driven entirely by the agent definition and deterministic: an
/// intent (by keyword, example phrase or key press) gives its reply and tool call; otherwise
/// the best matching sentences of the agent's resources (BM25) answer; otherwise the fallback
/// prompt (a spoken menu) is said. After a tool call it speaks the intent's `result_reply`
/// with the tool's result.
public struct ScriptedBrain: AgentBrain {
    public let definition: AgentDefinition
    public let index: ResourceIndex
    public let matcher: IntentMatcher

    public init(definition: AgentDefinition) {
        self.definition = definition
        index = ResourceIndex(resources: definition.resources)
        matcher = IntentMatcher(intents: definition.intents)
    }

    public func respond(to request: BrainRequest) async throws -> BrainResponse {
        answer(request)
    }

    /// The synchronous core (the benchmark times it).
    public func answer(_ request: BrainRequest) -> BrainResponse {
        let values = request.variables
        if let last = request.turns.last, last.speaker == .tool {
            return afterTool(request.turns, values)
        }
        guard let turn = request.lastUserTurn else {
            return BrainResponse(text: definition.prompts.fallback.render(values))
        }
        if turn.isDTMF {
            if let intent = matcher.match(digits: turn.text) { return perform(intent, values) }
            return BrainResponse(text: definition.prompts.fallback.render(values))
        }
        if let match = matcher.match(turn.text) { return perform(match.intent, values) }
        if let answer = index.answer(turn.text) { return BrainResponse(text: answer) }
        return BrainResponse(text: definition.prompts.fallback.render(values))
    }

    private func perform(_ intent: AgentIntent, _ values: [String: String]) -> BrainResponse {
        let calls = intent.tools.map { BrainToolCall(name: $0, arguments: argumentsFor($0, intent)) }
        return BrainResponse(text: intent.reply?.render(values) ?? "", toolCalls: calls)
    }

    /// The intent's arguments, for the tools that take arguments.
    private func argumentsFor(_ tool: String, _ intent: AgentIntent) -> JSONValue {
        switch definition.tool(named: tool)?.kind {
        case .http?, .transfer?, .sendDTMF?: intent.arguments ?? .object([:])
        default: .object([:])
        }
    }

    /// The turns end with tool results: speak the last one through its intent's result reply.
    private func afterTool(_ turns: [Turn], _ values: [String: String]) -> BrainResponse {
        guard let result = turns.last?.toolResult else {
            return BrainResponse(text: definition.prompts.fallback.render(values))
        }
        guard result.ok else {
            return BrainResponse(text: definition.prompts.fallback.render(values))
        }
        let intent = definition.intents.first { $0.tools.last == result.name }
        guard let template = intent?.resultReply else { return BrainResponse(text: result.detail) }
        var withResult = values
        withResult["result"] = result.detail
        return BrainResponse(text: template.render(withResult))
    }
}
