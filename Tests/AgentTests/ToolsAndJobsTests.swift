@testable import Agent
import ParleyTesting
import AsyncHTTPClient
import Workflow
import XCTest

/// Digit collection, private digits, HTTP tools, the webhook job and hedging, against a real
/// local HTTP server.
final class ToolsAndJobsTests: XCTestCase {
    private var server: ScriptedHTTPServer!
    private var client: HTTPClient!

    override func setUp() async throws {
        server = try ScriptedHTTPServer()
        client = HTTPClient(eventLoopGroupProvider: .singleton)
    }

    override func tearDown() async throws {
        try await client.shutdown()
        server.stop()
    }

    private func harness(_ agent: AgentDefinition) throws -> AgentHarness {
        let http = AgentHTTPClient(client: client)
        return try AgentHarness(definitions: FixedDefinitions([agent]), brains: StandardBrainProvider(http: http),
                                tools: HTTPToolRunner(http: http))
    }

    private func bankAgent(private digitsPrivate: Bool) throws -> AgentDefinition {
        try definition("""
            name: bank
            digits_private: \(digitsPrivate)
            prompts: {greeting: Welcome to the bank.}
            global_data: {branch: north, account_type: savings}
            tools:
              - {name: get_pin, type: collect_digits, count: 4, timeout: 15s}
              - name: check_balance
                type: http
                url: \(server.baseURL)/tools/balance
                parameters: {type: object, properties: {purpose: {type: string}}}
            intents:
              - name: balance
                keywords: [balance]
                reply: Please key in your four digit PIN.
                tools: [get_pin, check_balance]
                arguments: {purpose: balance}
                result_reply: "Your balance is {{result}}."
            jobs:
              webhook: {url: "\(server.baseURL)/hooks/calls"}
            """)
    }

    func testPrivateDigitsGoToTheToolButNeverToTheTranscriptOrTheWebhook() async throws {
        let agent = try bankAgent(private: true)
        let harness = try harness(agent)
        server.enqueue(.body(status: 200, text: "1,234 euros"), for: "/tools/balance")
        server.enqueue(.body(status: 204, text: ""), for: "/hooks/calls")
        let actions = RecordingCallActions()
        let session = try await harness.start("call-pin", agent, actions: actions)
        try await session.heard("what's my balance")
        try await eventually { actions.spoken.last == "Please key in your four digit PIN." }
        await harness.settle(session)
        for key in ["4", "7", "1", "9"] { try await session.pressed(key) }
        try await eventually { actions.spoken.last == "Your balance is 1,234 euros." }

        let tool = try XCTUnwrap(server.requests(to: "/tools/balance").first?.json)
        XCTAssertEqual(tool["collected_digits"] as? String, "4719", "the tool gets the PIN")
        XCTAssertEqual(tool["purpose"] as? String, "balance")
        XCTAssertEqual(tool["branch"] as? String, "north")

        let state = try await session.handle.state()
        XCTAssertEqual(state.digits, "", "private digits are not in the digits record")
        let transcript = state.turns.map(\.text).joined(separator: " | ")
        XCTAssertFalse(transcript.contains("4719"), transcript)
        XCTAssertTrue(transcript.contains("received 4 digits (kept private)"), transcript)
        for key in ["4", "7", "1", "9"] {
            XCTAssertFalse(state.turns.contains { $0.speaker == .user && $0.text.contains(key) })
        }

        try await session.callerHungUp()
        let outcome = try await session.outcome()
        XCTAssertEqual(outcome.digits, "")
        let hook = try XCTUnwrap(server.requests(to: "/hooks/calls").first)
        XCTAssertFalse(hook.body.contains("4719"), "the webhook transcript has no private digits")
        let report = try XCTUnwrap(hook.json)
        XCTAssertEqual(report["reason"] as? String, "caller hung up")
        XCTAssertEqual(report["agent"] as? String, "bank")
        XCTAssertEqual(report["agent_version"] as? String, agent.version)
        let transcriptEntries = try XCTUnwrap(report["transcript"] as? [[String: Any]])
        XCTAssertEqual(transcriptEntries.first?["text"] as? String, "Welcome to the bank.")
        XCTAssertTrue(transcriptEntries.contains { ($0["tool_result"] as? [String: Any])?["name"] as? String == "check_balance" })
        XCTAssertNotNil(report["summary"] as? String)
        await harness.stop()
    }

    func testPublicDigitsAreRecordedAndAWrongEntryTimesOut() async throws {
        let agent = try bankAgent(private: false)
        let harness = try harness(agent)
        let actions = RecordingCallActions()
        let session = try await harness.start("call-digits", agent, actions: actions)
        try await session.heard("balance please")
        try await eventually { actions.spoken.last == "Please key in your four digit PIN." }
        await harness.settle(session)
        try await session.pressed("1")
        try await session.pressed("2")
        await harness.advance(.seconds(15), session: session)
        try await eventually {
            let state = try await session.handle.state()
            return state.collection == nil && state.activeTool == nil
        }
        let state = try await session.handle.state()
        XCTAssertEqual(state.digits, "12")
        let result = try XCTUnwrap(state.turns.last(where: { $0.toolResult?.name == "get_pin" })?.toolResult)
        XCTAssertFalse(result.ok)
        XCTAssertEqual(result.detail, "timed out: 12")
        XCTAssertTrue(server.requests(to: "/tools/balance").isEmpty, "no balance without a PIN: the next tool is skipped")
        XCTAssertEqual(state.turns.last(where: { $0.toolResult?.name == "check_balance" })?.toolResult?.ok, false)
        await harness.stop()
    }

    func testAFailingToolIsRetriedThenReportedAndTheCallGoesOn() async throws {
        let agent = try definition("""
            name: shop
            tools:
              - {name: stock, type: http, url: "\(server.baseURL)/tools/stock", method: GET}
            intents:
              - {name: stock, keywords: [stock], reply: Checking., tool: stock, result_reply: "{{result}}"}
            prompts: {fallback: "Sorry, that did not work."}
            """)
        let harness = try harness(agent)
        server.enqueue(.body(status: 503, text: "down", headers: [("retry-after", "1")]), for: "/tools/stock")
        server.enqueue(.body(status: 404, text: "unknown item"), for: "/tools/stock")
        let actions = RecordingCallActions()
        let session = try await harness.start("call-stock", agent, actions: actions)
        try await session.heard("is the red bike in stock")
        try await eventually { self.server.requests(to: "/tools/stock").count == 1 }
        await harness.runtime.engine.quiesce()
        harness.clock.advance(by: .seconds(1))
        try await eventually { actions.spoken.last == "Sorry, that did not work." }
        XCTAssertEqual(server.requests(to: "/tools/stock").count, 2, "503 retried once, 404 not retried")
        XCTAssertEqual(server.requests(to: "/tools/stock").first?.method, "GET")
        let state = try await session.handle.state()
        XCTAssertEqual(state.phase, .active)
        let result = try XCTUnwrap(state.turns.last(where: { $0.speaker == .tool })?.toolResult)
        XCTAssertFalse(result.ok)
        XCTAssertTrue(result.detail.contains("HTTP404"), result.detail)
        // The host saw the HTTP tool start once and each attempt end, under the history's id.
        let reports = actions.reports.filter { $0.name == "stock" }
        XCTAssertEqual(reports.count, 3, "\(reports)")
        XCTAssertEqual(reports.first?.phase, .started(arguments: "{}"), "\(reports)")
        XCTAssertEqual(Set(reports.map(\.id)), [result.id], "\(reports)")
        let endings = reports.dropFirst().map { report -> String in
            guard case .finished(let ok, let detail) = report.phase, !ok else { return "?" }
            return String(detail.prefix(10))
        }
        XCTAssertEqual(endings, ["attempt 1:", "attempt 2:"], "\(reports)")
        await harness.stop()
    }

    // MARK: - Hedging

    private struct FixedBrain: AgentBrain {
        let text: String
        let wait: Duration?
        let error: BrainError?

        func respond(to request: BrainRequest) async throws -> BrainResponse {
            if let wait { try await Task.sleep(for: wait) }
            if let error { throw error }
            return BrainResponse(text: text)
        }
    }

    private func request() throws -> BrainRequest {
        BrainRequest(definition: try definition("name: h\n"), turns: [], call: AgentCallContext(version: "v", caller: "", callee: ""))
    }

    func testHedgingTakesTheFirstAnswerAndSurvivesOneFailure() async throws {
        let instantSleep: @Sendable (Duration) async throws -> Void = { _ in }
        let slowPrimary = HedgedBrain(primary: FixedBrain(text: "slow.", wait: .seconds(60), error: nil),
                                      secondary: FixedBrain(text: "fast.", wait: nil, error: nil), after: .zero,
                                      sleep: instantSleep)
        let answer = try await slowPrimary.respond(to: request())
        XCTAssertEqual(answer.text, "fast.", "the hedge wins when the primary hangs (and the primary is cancelled)")

        let failingPrimary = HedgedBrain(primary: FixedBrain(text: "", wait: nil, error: .timeout),
                                         secondary: FixedBrain(text: "backup.", wait: nil, error: nil), after: .zero,
                                         sleep: instantSleep)
        let backup = try await failingPrimary.respond(to: request())
        XCTAssertEqual(backup.text, "backup.")

        let neverHedged = HedgedBrain(primary: FixedBrain(text: "primary.", wait: nil, error: nil),
                                      secondary: FixedBrain(text: "secondary.", wait: nil, error: nil), after: .seconds(60))
        let primary = try await neverHedged.respond(to: request())
        XCTAssertEqual(primary.text, "primary.")

        let bothFail = HedgedBrain(primary: FixedBrain(text: "", wait: nil, error: .http(status: 429, body: "", retryAfter: .seconds(4))),
                                   secondary: FixedBrain(text: "", wait: nil, error: .timeout), after: .zero, sleep: instantSleep)
        do {
            _ = try await bothFail.respond(to: request())
            XCTFail("both failed")
        } catch let error as BrainError {
            XCTAssertEqual(error.activityFailure.nextRetryDelay, .seconds(4), "the primary's error (and its Retry-After) is kept")
        }
    }
}
