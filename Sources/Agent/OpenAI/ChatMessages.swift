import Workflow

/// Builds chat-completions request bodies from a ``BrainRequest``: the system prompt (with
/// the best matching resource passages), the turns as user / assistant / tool messages, and
/// the agent's tools as functions. Every assistant tool call is answered by a tool message
/// (the API rejects a conversation where one is missing), and `global_data` is never included.
public enum ChatMessages {
    public static func messages(for request: BrainRequest, knowledge: [String]) -> [JSONValue] {
        var system = request.systemPrompt
        if !knowledge.isEmpty {
            system += "\n\nFacts from the agent's documents that may help:\n"
                + knowledge.map { "- \($0)" }.joined(separator: "\n")
        }
        var messages: [JSONValue] = [.object(["role": .string("system"), "content": .string(system)])]
        var open: [String] = []
        func closeOpen() {
            for id in open {
                messages.append(.object(["role": .string("tool"), "tool_call_id": .string(id),
                                         "content": .string("no result")]))
            }
            open.removeAll()
        }
        for turn in request.turns {
            switch turn.speaker {
            case .user:
                closeOpen()
                let content = turn.isDTMF ? "[The caller pressed \(turn.text) on the keypad]" : turn.text
                messages.append(.object(["role": .string("user"), "content": .string(content)]))
            case .agent:
                closeOpen()
                var message: [String: JSONValue] = ["role": .string("assistant")]
                let text = turn.interrupted ? "\(turn.text) [the caller interrupted here]" : turn.text
                message["content"] = text.isEmpty ? .null : .string(text)
                if !turn.toolCalls.isEmpty {
                    message["tool_calls"] = .array(turn.toolCalls.map { toolCall($0, request.definition) })
                    open = turn.toolCalls.map(\.id)
                }
                messages.append(.object(message))
            case .tool:
                guard let result = turn.toolResult, let index = open.firstIndex(of: result.id) else { continue }
                open.remove(at: index)
                let content = result.ok ? result.detail : "FAILED: \(result.detail)"
                messages.append(.object(["role": .string("tool"), "tool_call_id": .string(result.id),
                                         "content": .string(content)]))
            }
        }
        closeOpen()
        return messages
    }

    /// An assistant message's record of a call, arguments as the model would have sent them.
    private static func toolCall(_ invocation: ToolInvocation, _ definition: AgentDefinition) -> JSONValue {
        let arguments: String
        switch invocation.call {
        case .http(_, let text): arguments = text
        case .transfer(let target, _):
            // The model picked a choice name, not the dialplan target behind it.
            var choice: String?
            if case .transfer(let tool)? = definition.tool(named: invocation.name)?.kind, tool.target == nil {
                choice = tool.targets.first { $0.value == target }?.key
            }
            arguments = choice.map { JSONValue.object(["target": .string($0)]).description } ?? "{}"
        case .sendDTMF(let keys): arguments = JSONValue.object(["digits": .string(keys)]).description
        default: arguments = "{}"
        }
        return .object([
            "id": .string(invocation.id),
            "type": .string("function"),
            "function": .object(["name": .string(invocation.name), "arguments": .string(arguments)]),
        ])
    }

    /// The agent's tools as chat-completions functions.
    public static func tools(_ tools: [AgentToolDefinition]) -> [JSONValue] {
        tools.map { tool in
            .object([
                "type": .string("function"),
                "function": .object([
                    "name": .string(tool.name),
                    "description": .string(tool.description.isEmpty ? tool.kind.typeName : tool.description),
                    "parameters": ToolCallResolver.parameters(of: tool),
                ]),
            ])
        }
    }

    /// The whole request body.
    public static func body(model: String, messages: [JSONValue], tools: [JSONValue], stream: Bool,
                            temperature: Double?, maxTokens: Int?) -> JSONValue {
        var body: [String: JSONValue] = [
            "model": .string(model),
            "messages": .array(messages),
            "stream": .bool(stream),
        ]
        if !tools.isEmpty {
            body["tools"] = .array(tools)
            body["tool_choice"] = .string("auto")
        }
        if let temperature { body["temperature"] = .number(temperature) }
        if let maxTokens { body["max_tokens"] = .number(Double(maxTokens)) }
        return .object(body)
    }
}
