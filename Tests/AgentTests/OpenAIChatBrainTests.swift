@testable import Agent
import ParleyTesting
import AsyncHTTPClient
import Workflow
import XCTest

/// The OpenAI-compatible brain against a real HTTP server on 127.0.0.1 speaking the
/// chat-completions API from a script.
final class OpenAIChatBrainTests: XCTestCase {
    private var server: ScriptedHTTPServer!
    private var client: HTTPClient!
    private let completions = "/v1/chat/completions"

    override func setUp() async throws {
        server = try ScriptedHTTPServer()
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    override func tearDown() async throws {
        try await client.shutdown()
        server.stop()
    }

    private func agent() throws -> AgentDefinition {
        try definition("""
            name: model-desk
            prompts:
              system: "You answer for Acme. Caller {{caller}}."
              greeting: Hello.
              fallback: Sorry, I can't answer right now.
            providers:
              brain:
                type: openai
                base_url: \(server.baseURL)/v1
                model: test-model
                api_key_env: TEST_LLM_KEY
                timeout: 10s
            resources: [facts.md]
            global_data: {account: secret-account-77}
            tools:
              - {name: operator, type: transfer, target: "1001", description: Connect to a person.}
              - name: lookup
                type: http
                url: \(server.baseURL)/tools/lookup
                parameters: {type: object, properties: {order: {type: string}}, required: [order]}
            """, resources: ["facts.md": "Acme ships orders within two days."])
    }

    private func brain(_ agent: AgentDefinition) throws -> OpenAIChatBrain {
        guard case .openAI(let endpoint, _) = agent.providers.brain else { throw XCTSkip("not an openai agent") }
        return OpenAIChatBrain(endpoint: endpoint, definition: agent, http: AgentHTTPClient(client: client),
                               environment: ["TEST_LLM_KEY": "sk-local-test"])
    }

    private func request(_ agent: AgentDefinition, _ text: String) -> BrainRequest {
        BrainRequest(definition: agent, turns: [Turn(speaker: .user, text: text, at: .seconds(1))],
                     call: AgentCallContext(version: agent.version, caller: "1000", callee: "9000"))
    }

    func testStreamedTextIsAssembledIntoSentences() async throws {
        let agent = try agent()
        server.enqueue(.events(ScriptedHTTPServer.textChunks(["Orders ship", " within two days.", " Anything else?"])),
                       for: completions)
        let response = try await brain(agent).respond(to: request(agent, "How fast do you ship my orders?"))
        XCTAssertEqual(response.sentences, ["Orders ship within two days.", "Anything else?"])
        XCTAssertEqual(response.toolCalls, [])
        let sent = try XCTUnwrap(server.requests(to: completions).first)
        XCTAssertEqual(sent.header("authorization"), "Bearer sk-local-test")
        let body = try XCTUnwrap(sent.json)
        XCTAssertEqual(body["model"] as? String, "test-model")
        XCTAssertEqual(body["stream"] as? Bool, true)
        let messages = try XCTUnwrap(body["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["system", "user"])
        let system = try XCTUnwrap(messages.first?["content"] as? String)
        XCTAssertTrue(system.hasPrefix("You answer for Acme. Caller 1000."))
        XCTAssertTrue(system.contains("Acme ships orders within two days."), "the best resource passage is included")
        let tools = try XCTUnwrap(body["tools"] as? [[String: Any]])
        XCTAssertEqual(tools.compactMap { ($0["function"] as? [String: Any])?["name"] as? String }, ["operator", "lookup"])
        XCTAssertFalse(sent.body.contains("secret-account-77"), "global_data never reaches the model")
    }

    func testAStreamedToolCallBecomesABrainToolCall() async throws {
        let agent = try agent()
        server.enqueue(.events([
            #"{"choices":[{"index":0,"delta":{"role":"assistant","tool_calls":[{"index":0,"id":"call_9","type":"function","function":{"name":"lookup","arguments":""}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"ord"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"er\":\"A-17\"}"}}]}}]}"#,
            #"{"choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}"#,
            "[DONE]",
        ]), for: completions)
        let response = try await brain(agent).respond(to: request(agent, "where is order A-17"))
        XCTAssertEqual(response.sentences, [])
        XCTAssertEqual(response.toolCalls, [BrainToolCall(name: "lookup", arguments: .object(["order": .string("A-17")]))])
        let resolved = try ToolCallResolver.resolve(response.toolCalls[0], in: agent)
        XCTAssertEqual(resolved.call, .http(name: "lookup", arguments: #"{"order":"A-17"}"#))
    }

    func testANonStreamedAnswerIsAcceptedToo() async throws {
        let agent = try agent()
        server.enqueue(.body(status: 200, text: #"{"choices":[{"index":0,"message":{"role":"assistant","content":"Fine, thanks."},"finish_reason":"stop"}]}"#),
                       for: completions)
        let response = try await brain(agent).respond(to: request(agent, "how are you"))
        XCTAssertEqual(response.text, "Fine, thanks.")
    }

    func testErrorsAreTyped() async throws {
        let agent = try agent()
        server.enqueue(.body(status: 429, text: #"{"error":{"message":"rate limited"}}"#, headers: [("retry-after", "2")]),
                       for: completions)
        server.enqueue(.body(status: 400, text: #"{"error":{"message":"bad request"}}"#), for: completions)
        do {
            _ = try await brain(agent).respond(to: request(agent, "hi"))
            XCTFail("a 429 is an error")
        } catch let error as BrainError {
            XCTAssertEqual(error.activityFailure.type, "HTTP429")
            XCTAssertEqual(error.activityFailure.nextRetryDelay, .seconds(2))
        }
        do {
            _ = try await brain(agent).respond(to: request(agent, "hi"))
            XCTFail("a 400 is an error")
        } catch let error as BrainError {
            XCTAssertEqual(error.activityFailure.type, "HTTP400")
            XCTAssertTrue(error.activityFailure.nonRetryable)
        }
        let missingKey = OpenAIChatBrain(endpoint: OpenAIEndpoint(baseURL: server.baseURL + "/v1", model: "m",
                                                                  apiKey: .environment("NOT_SET_ANYWHERE")),
                                         definition: agent, http: AgentHTTPClient(client: client), environment: [:])
        do {
            _ = try await missingKey.respond(to: request(agent, "hi"))
            XCTFail("a missing key is an error")
        } catch let error as BrainError {
            XCTAssertTrue(error.activityFailure.nonRetryable)
        }
    }

    // MARK: - Through the workflow engine

    private func runtime(_ agent: AgentDefinition) throws -> AgentHarness {
        let http = AgentHTTPClient(client: client)
        return try AgentHarness(definitions: FixedDefinitions([agent]),
                                brains: StandardBrainProvider(http: http, environment: ["TEST_LLM_KEY": "k"]),
                                tools: HTTPToolRunner(http: http))
    }

    func testA429IsRetriedAfterRetryAfterAndNotBefore() async throws {
        let agent = try agent()
        let harness = try runtime(agent)
        server.enqueue(.body(status: 429, text: #"{"error":{"message":"slow down"}}"#, headers: [("retry-after", "3")]),
                       for: completions)
        server.enqueue(.events(ScriptedHTTPServer.textChunks(["We ship within two days."])), for: completions)
        let actions = RecordingCallActions()
        let session = try await harness.start("call-429", agent, actions: actions)
        try await session.heard("how fast do you ship")
        try await eventually { self.server.requests(to: self.completions).count == 1 }
        await harness.runtime.engine.quiesce()
        harness.clock.advance(by: .milliseconds(2_900))
        await harness.runtime.engine.quiesce()
        XCTAssertEqual(server.requests(to: completions).count, 1, "no retry before Retry-After")
        harness.clock.advance(by: .milliseconds(100))
        try await eventually { actions.spoken.last == "We ship within two days." }
        XCTAssertEqual(server.requests(to: completions).count, 2)
        let history = try await harness.runtime.engine.history(of: "call-429")
        XCTAssertFalse(history.contains { $0.kind == .activityFailed }, "the retried attempt is not a recorded failure")
        await harness.stop()
    }

    func testA400IsNotRetriedAndTheFallbackIsSaid() async throws {
        let agent = try agent()
        let harness = try runtime(agent)
        server.enqueue(.body(status: 400, text: #"{"error":{"message":"invalid"}}"#), for: completions)
        let actions = RecordingCallActions()
        let session = try await harness.start("call-400", agent, actions: actions)
        try await session.heard("hello?")
        try await eventually { actions.spoken.contains("Sorry, I can't answer right now.") }
        await harness.advance(.seconds(5), session: session)
        XCTAssertEqual(server.requests(to: completions).count, 1, "a 400 is never retried")
        let history = try await harness.runtime.engine.history(of: "call-400")
        guard case .activityFailed(_, let failure)? = history.last(where: { $0.kind == .activityFailed })?.event else {
            return XCTFail("the failure is recorded")
        }
        XCTAssertEqual(failure.type, "HTTP400")
        XCTAssertEqual(failure.attempts, 1)
        await harness.stop()
    }

    func testAModelToolCallRunsTheHTTPToolAndTheModelReadsTheResult() async throws {
        let agent = try agent()
        let harness = try runtime(agent)
        server.enqueue(.events([
            #"{"choices":[{"index":0,"delta":{"content":"Let me check."}}]}"#,
            #"{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"x1","type":"function","function":{"name":"lookup","arguments":"{\"order\":\"A-17\"}"}}]}}]}"#,
            "[DONE]",
        ]), for: completions)
        server.enqueue(.body(status: 200, text: #"{"status":"shipped"}"#), for: "/tools/lookup")
        server.enqueue(.events(ScriptedHTTPServer.textChunks(["Your order has shipped."])), for: completions)
        let actions = RecordingCallActions()
        let session = try await harness.start("call-tool", agent, actions: actions)
        try await session.heard("where is order A-17")
        try await eventually { actions.spoken.last == "Your order has shipped." }
        let toolRequest = try XCTUnwrap(server.requests(to: "/tools/lookup").first?.json)
        XCTAssertEqual(toolRequest["order"] as? String, "A-17")
        XCTAssertEqual(toolRequest["account"] as? String, "secret-account-77", "global_data goes to tools")
        let followUp = try XCTUnwrap(server.requests(to: completions).last?.json)
        let messages = try XCTUnwrap(followUp["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["role"] as? String }, ["system", "assistant", "user", "assistant", "tool"])
        XCTAssertEqual(messages.last?["content"] as? String, #"{"status":"shipped"}"#)
        let callID = ((messages[3]["tool_calls"] as? [[String: Any]])?.first?["id"]) as? String
        XCTAssertEqual(messages.last?["tool_call_id"] as? String, callID)
        XCTAssertFalse(server.requests(to: completions).contains { $0.body.contains("secret-account-77") })
        await harness.stop()
    }
}
