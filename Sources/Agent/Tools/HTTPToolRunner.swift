import Foundation
import Workflow

/// Runs HTTP tools and the webhook job. A tool request carries the model's arguments merged
/// with the agent's `global_data` (which wins, so the model cannot override it) and, after a
/// private digit collection, `collected_digits`: as a JSON body, or as query items for GET and
/// DELETE. The response text goes back to the conversation (cut to `maximumResult`
/// characters). Failures are ``BrainError`` values: 4xx are final, 429 and 5xx are retried by
/// the workflow.
public struct HTTPToolRunner: Sendable {
    let http: AgentHTTPClient
    /// Longest result handed back to the conversation.
    public var maximumResult = 4_000

    public init(http: AgentHTTPClient) {
        self.http = http
    }

    public func run(_ tool: HTTPTool, arguments: String, globalData: [String: JSONValue], privateDigits: String,
                    conversationID: String) async throws(BrainError) -> String {
        var merged: [String: JSONValue]
        do {
            guard let object = try JSONValue(parsing: arguments.isEmpty ? "{}" : arguments).objectValue else {
                throw BrainError.badResponse("tool arguments are not a JSON object")
            }
            merged = object
        } catch let error as BrainError {
            throw error
        } catch {
            throw .badResponse("tool arguments are not JSON (\(error))")
        }
        for (key, value) in globalData { merged[key] = value }
        if !privateDigits.isEmpty { merged["collected_digits"] = .string(privateDigits) }
        var headers = tool.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        headers.append(("x-parley-conversation", conversationID))
        var url = tool.url
        var body: [UInt8]?
        if tool.method == "GET" || tool.method == "DELETE" {
            url = try Self.url(tool.url, query: merged)
        } else {
            headers.append(("content-type", "application/json"))
            body = JSONValue.object(merged).jsonBytes
        }
        let response = try await http.send(tool.method, url, headers: headers, body: body, timeout: tool.timeout)
        guard (200..<300).contains(response.status) else {
            throw .http(status: response.status, body: response.text, retryAfter: AgentHTTPClient.retryAfter(response.headers))
        }
        let text = response.text.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.count > maximumResult ? String(text.prefix(maximumResult)) + "…" : text
    }

    /// Posts the end-of-call report; returns the HTTP status.
    public func deliver(_ report: JSONValue, to webhook: WebhookJob, conversationID: String) async throws(BrainError) -> Int {
        var headers = webhook.headers.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        headers.append(("content-type", "application/json"))
        headers.append(("x-parley-conversation", conversationID))
        let response = try await http.send(webhook.method, webhook.url, headers: headers, body: report.jsonBytes,
                                           timeout: webhook.timeout)
        guard (200..<300).contains(response.status) else {
            throw .http(status: response.status, body: response.text, retryAfter: AgentHTTPClient.retryAfter(response.headers))
        }
        return response.status
    }

    static func url(_ base: String, query: [String: JSONValue]) throws(BrainError) -> String {
        guard var components = URLComponents(string: base) else { throw .misconfigured("bad tool URL \(base)") }
        var items = components.queryItems ?? []
        for key in query.keys.sorted() {
            guard let value = query[key] else { continue }
            items.append(URLQueryItem(name: key, value: value.stringValue ?? value.description))
        }
        components.queryItems = items
        guard let url = components.string else { throw .misconfigured("cannot build a URL from \(base)") }
        return url
    }

    /// The webhook's JSON: the call, the summary and the transcript (with tool calls and
    /// results), and the agent's `global_data`.
    public static func report(_ report: CallReport, context: AgentCallContext, definition: AgentDefinition,
                              conversationID: String) -> JSONValue {
        let transcript: [JSONValue] = report.turns.map { turn in
            var entry: [String: JSONValue] = [
                "speaker": .string(["user", "agent", "tool"][Int(turn.speaker.rawValue)]),
                "text": .string(turn.text),
                "at_ms": .number(Double(turn.at.milliseconds)),
            ]
            if turn.interrupted { entry["interrupted"] = .bool(true) }
            if turn.isDTMF { entry["dtmf"] = .bool(true) }
            if !turn.toolCalls.isEmpty {
                entry["tool_calls"] = .array(turn.toolCalls.map {
                    .object(["id": .string($0.id), "name": .string($0.name)])
                })
            }
            if let result = turn.toolResult {
                entry["tool_result"] = .object([
                    "id": .string(result.id), "name": .string(result.name), "ok": .bool(result.ok),
                    "detail": .string(result.detail),
                ])
            }
            return .object(entry)
        }
        return .object([
            "conversation_id": .string(conversationID),
            "agent": .string(definition.name),
            "agent_version": .string(context.version),
            "caller": .string(context.caller),
            "callee": .string(context.callee),
            "reason": .string(report.reason.description),
            "summary": report.summary.map(JSONValue.string) ?? .null,
            "started_at_ms": .number(Double(report.startedAt.milliseconds)),
            "ended_at_ms": .number(Double(report.endedAt.milliseconds)),
            "transcript": .array(transcript),
            "global_data": .object(definition.globalData),
        ])
    }
}
