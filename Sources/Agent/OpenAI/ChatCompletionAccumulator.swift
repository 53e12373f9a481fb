/// Builds one chat-completions answer from its streamed chunks (or from a whole non-streamed
/// body): the assistant's text and its tool calls, whose names and argument text arrive in
/// fragments keyed by `index`.
public struct ChatCompletionAccumulator: Sendable {
    public struct ToolCall: Sendable, Equatable {
        public var id: String
        public var name: String
        public var arguments: String
    }

    public private(set) var text = ""
    private var calls: [Int: ToolCall] = [:]
    public private(set) var finishReason: String?
    public private(set) var done = false

    public init() {}

    public var toolCalls: [ToolCall] {
        calls.keys.sorted().compactMap { calls[$0] }
    }

    /// Takes one event's data: a JSON chunk, or `[DONE]`.
    public mutating func consume(event data: String) throws(BrainError) {
        let trimmed = data.trimmingCharacters(in: .whitespaces)
        if trimmed == "[DONE]" {
            done = true
            return
        }
        guard !trimmed.isEmpty else { return }
        let chunk: JSONValue
        do {
            chunk = try JSONValue(parsing: trimmed)
        } catch {
            throw .badResponse("stream chunk is not JSON (\(error))")
        }
        try consume(chunk: chunk)
    }

    /// Takes a parsed chunk or a complete (non-streamed) response.
    public mutating func consume(chunk: JSONValue) throws(BrainError) {
        if let error = chunk["error"] {
            throw .badResponse("provider error: \(error["message"]?.stringValue ?? error.description)")
        }
        guard let choice = chunk["choices"]?.arrayValue?.first else { return }
        if let reason = choice["finish_reason"]?.stringValue { finishReason = reason }
        // Streams send `delta`; whole responses send `message`.
        let part = choice["delta"] ?? choice["message"]
        guard let part else { return }
        if let content = part["content"]?.stringValue { text += content }
        for (position, fragment) in (part["tool_calls"]?.arrayValue ?? []).enumerated() {
            let index = fragment["index"]?.intValue ?? position
            var call = calls[index] ?? ToolCall(id: "", name: "", arguments: "")
            if let id = fragment["id"]?.stringValue, !id.isEmpty { call.id = id }
            if let function = fragment["function"] {
                // The name arrives whole in the first fragment; some servers repeat it.
                if let name = function["name"]?.stringValue, call.name.isEmpty { call.name = name }
                if let arguments = function["arguments"]?.stringValue { call.arguments += arguments }
            }
            calls[index] = call
        }
    }
}
