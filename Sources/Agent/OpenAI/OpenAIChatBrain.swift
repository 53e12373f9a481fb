import Foundation
import Logging
import NIOCore

/// A brain on any OpenAI-compatible `/v1/chat/completions` endpoint (OpenAI, or a local
/// llama.cpp, Ollama or vLLM server): streams the answer (server-sent events) and takes tool
/// calls (function calling) built from the agent's tools. The best matching resource passages
/// (BM25) go into the system prompt. Errors are ``BrainError`` values, which the activity
/// runner turns into failures the workflow's retry policy understands (429 waits for
/// Retry-After, 400 is never retried, 5xx and timeouts are retried).
public struct OpenAIChatBrain: AgentBrain {
    public let endpoint: OpenAIEndpoint
    let http: AgentHTTPClient
    let environment: [String: String]
    let index: ResourceIndex
    let logger: Logger
    let metrics: AgentMetrics
    /// Resource passages put into the system prompt.
    public var knowledgePassages = 3

    public init(endpoint: OpenAIEndpoint, definition: AgentDefinition, http: AgentHTTPClient,
                environment: [String: String] = ProcessInfo.processInfo.environment,
                metrics: AgentMetrics = .disabled, logger: Logger = Logger(label: "parley.agent.openai")) {
        self.endpoint = endpoint
        self.metrics = metrics
        self.http = http
        self.environment = environment
        self.index = ResourceIndex(resources: definition.resources)
        self.logger = logger
    }

    public var completionsURL: String { endpoint.baseURL + "/chat/completions" }

    public func respond(to request: BrainRequest) async throws -> BrainResponse {
        let query = request.turns.last(where: { $0.speaker == .user && !$0.isDTMF })?.text ?? ""
        let knowledge = query.isEmpty ? [] : index.search(query, limit: knowledgePassages).map(\.passage.text)
        let body = ChatMessages.body(
            model: endpoint.model, messages: ChatMessages.messages(for: request, knowledge: knowledge),
            tools: ChatMessages.tools(request.tools), stream: true,
            temperature: endpoint.temperature, maxTokens: endpoint.maxTokens)
        let answer = try await complete(body)
        var calls: [BrainToolCall] = []
        for call in answer.toolCalls {
            let trimmed = call.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
            do {
                calls.append(BrainToolCall(name: call.name, arguments: trimmed.isEmpty ? .object([:]) : try JSONValue(parsing: trimmed)))
            } catch {
                logger.warning("tool call with unreadable arguments dropped",
                               metadata: ["tool": "\(call.name)", "error": "\(error)"])
            }
        }
        return BrainResponse(text: answer.text.trimmingCharacters(in: .whitespacesAndNewlines), toolCalls: calls)
    }

    public func summarize(_ request: BrainRequest) async throws -> String {
        let transcript = request.turns.compactMap { turn -> String? in
            switch turn.speaker {
            case .user: "Caller: \(turn.isDTMF ? "[pressed \(turn.text)]" : turn.text)"
            case .agent: turn.text.isEmpty ? nil : "Agent: \(turn.text)"
            case .tool: turn.toolResult.map { "[\($0.name): \($0.ok ? "ok" : "failed")]" }
            }
        }.joined(separator: "\n")
        let messages: [JSONValue] = [
            .object(["role": .string("system"), "content": .string(
                "Summarize this phone call in at most three sentences for the call record: what the caller wanted and what happened.")]),
            .object(["role": .string("user"), "content": .string(transcript)]),
        ]
        let body = ChatMessages.body(model: endpoint.model, messages: messages, tools: [], stream: true,
                                     temperature: endpoint.temperature, maxTokens: endpoint.maxTokens)
        return try await complete(body).text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Sends a request and reads the answer, streamed or whole, timing it and counting failures.
    func complete(_ body: JSONValue) async throws(BrainError) -> ChatCompletionAccumulator {
        let start = ContinuousClock.now
        do {
            let answer = try await exchange(body, start: start)
            AgentMetrics.record(metrics.llmReply, since: start)
            return answer
        } catch {
            // A hedged request that lost the race is cancelled: no provider error.
            if !Task.isCancelled { metrics.providerError(service: "llm", kind: AgentMetrics.kind(of: error)) }
            throw error
        }
    }

    /// One request and its answer; the first chunk of a streamed answer is timed from `start`.
    private func exchange(_ body: JSONValue, start: ContinuousClock.Instant) async throws(BrainError) -> ChatCompletionAccumulator {
        var headers = [("content-type", "application/json"), ("accept", "text/event-stream, application/json")]
        if let key = endpoint.apiKey.resolve(environment) {
            headers.append(("authorization", "Bearer \(key)"))
        } else if case .environment(let name) = endpoint.apiKey {
            throw .misconfigured("environment variable \(name) holding the API key is not set")
        }
        let response = try await http.stream("POST", completionsURL, headers: headers, body: body.jsonBytes,
                                             timeout: endpoint.timeout)
        guard (200..<300).contains(response.status) else {
            let bytes = try await AgentHTTPClient.collect(response.body, limit: 16_384)
            throw .http(status: response.status, body: String(decoding: bytes, as: UTF8.self),
                        retryAfter: AgentHTTPClient.retryAfter(response.headers))
        }
        var answer = ChatCompletionAccumulator()
        let contentType = response.headers.first(name: "content-type")?.lowercased() ?? ""
        if contentType.contains("text/event-stream") {
            var parser = ServerSentEventParser()
            var first = true
            do {
                for try await chunk in response.body {
                    if first {
                        first = false
                        AgentMetrics.record(metrics.llmFirstChunk, since: start)
                    }
                    for event in parser.feed(chunk.readableBytesView) {
                        try answer.consume(event: event)
                    }
                    if answer.done { break }
                }
            } catch let error as BrainError {
                throw error
            } catch {
                throw AgentHTTPClient.map(error)
            }
            if !answer.done, let last = parser.finish() { try answer.consume(event: last) }
        } else {
            let bytes = try await AgentHTTPClient.collect(response.body, limit: 4 << 20)
            AgentMetrics.record(metrics.llmFirstChunk, since: start)
            do {
                try answer.consume(chunk: try JSONValue(parsing: bytes))
            } catch let error as BrainError {
                throw error
            } catch {
                throw .badResponse("response is not JSON (\(error))")
            }
        }
        return answer
    }
}
