import Control
import Foundation
import Workflow
import XCTest

/// Conversations answered by a pinned agent: their name and version come from the input,
/// private digits stay private over the API, and the host's signals (tool results, conference)
/// go through and show in the history.
final class AgentConversationAPITests: XCTestCase {
    @discardableResult
    private func startAgentConversation(_ harness: ControlHarness, id: String, privateDigits: Bool) async throws
    -> WorkflowHandle<ConversationWorkflow> {
        let agent = ConversationAgent(name: "bank", version: "bank-v7",
                                      settings: ConversationSettings(greeting: "Welcome to the bank.",
                                                                     digitsPrivate: privateDigits))
        let handle = try await harness.engine.start(
            WorkflowID(id), input: ConversationInput(caller: "sip:frank@example.com", callee: "sip:bank@parley",
                                                     agent: agent))
        await harness.engine.quiesce()
        return handle
    }

    func testPinnedAgentNameAndVersionAreListedAndFilterable() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await startAgentConversation(harness, id: "conv-bank", privateDigits: false)
        try await harness.startConversation("conv-plain")
        let client = try harness.client()
        let byName = try await client.get([ConversationSummary].self, "/conversations", query: [("agent", "bank")])
        XCTAssertEqual(byName.map(\.id), ["conv-bank"])
        XCTAssertEqual(byName.first?.version, "bank-v7")
        let byVersion = try await client.get([ConversationSummary].self, "/conversations", query: [("agent", "bank-v7")])
        XCTAssertEqual(byVersion.map(\.id), ["conv-bank"])
        let history = try await client.get(ConversationHistory.self, "/conversations/conv-bank/history")
        XCTAssertEqual(history.conversation.agent, "bank")
        XCTAssertEqual(history.turns.first?.text, "Welcome to the bank.")
        let state = try await client.get(QueryResult.self, "/conversations/conv-bank/queries/state")
        guard case .state(let info) = state else { return XCTFail("\(state)") }
        XCTAssertEqual(info.agent, "bank")
        XCTAssertEqual(info.agentVersion, "bank-v7")
    }

    func testPrivateDigitsAreRedactedInTheHistoryAndNeverQueried() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await startAgentConversation(harness, id: "conv-pin", privateDigits: true)
        for digit in ["4", "7", "1"] {
            let response = try await harness.request(.POST, "/conversations/conv-pin/signals",
                                                     body: #"{"type":"dtmf","digit":"\#(digit)"}"#)
            XCTAssertEqual(response.status, 202, response.text)
        }
        let stored = try await harness.engine.history(of: "conv-pin").compactMap { entry -> String? in
            if case .signal(.dtmf(let digit))? = entry.event { return digit }
            return nil
        }
        XCTAssertEqual(stored, ["4", "7", "1"], "the log itself keeps the keys")

        let response = try await harness.request(.GET, "/conversations/conv-pin/history")
        XCTAssertFalse(response.text.contains(#""digit":"4""#), response.text)
        XCTAssertFalse(response.text.contains(#""digit":"7""#))
        let history = try ControlJSON.decode(ConversationHistory.self, from: response.body)
        let shown = history.events.compactMap { event -> String? in
            if case .signal(.dtmf(let digit)) = event.body { return digit }
            return nil
        }
        XCTAssertEqual(shown, Array(repeating: SignalPayload.redactedDigit, count: 3))
        let digits = try await harness.client().get(QueryResult.self, "/conversations/conv-pin/queries/digits")
        XCTAssertEqual(digits, .digits(""), "private digits are never recorded as the conversation's digits")
        let state = try await harness.request(.GET, "/conversations/conv-pin/queries/state")
        XCTAssertFalse(state.text.contains("471"), state.text)
    }

    func testHostSignalsGoThroughAndShowInTheHistory() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await startAgentConversation(harness, id: "conv-1", privateDigits: false)
        let conference = try await harness.request(.POST, "/conversations/conv-1/signals",
                                                   body: #"{"type":"conference","room":"sales"}"#)
        XCTAssertEqual(conference.status, 202, conference.text)
        let result = try await harness.request(.POST, "/conversations/conv-1/signals",
                                               body: #"{"type":"toolResult","id":"t-9","ok":false,"detail":"busy"}"#)
        XCTAssertEqual(result.status, 202, result.text)
        let badRoom = try await harness.request(.POST, "/conversations/conv-1/signals",
                                                body: #"{"type":"conference","room":"two words"}"#)
        XCTAssertEqual(badRoom.status, 400)
        let history = try await harness.client().get(ConversationHistory.self, "/conversations/conv-1/history")
        let signals = history.events.compactMap { event -> SignalPayload? in
            if case .signal(let signal) = event.body { return signal }
            return nil
        }
        XCTAssertEqual(signals, [.conference(room: "sales"), .toolResult(id: "t-9", ok: false, detail: "busy")])
        let pending = try await harness.client().get(QueryResult.self, "/conversations/conv-1/queries/pendingAction")
        XCTAssertEqual(pending, .pendingAction(nil))
    }

    func testToolCallsAndResultsMapToTypedJSON() throws {
        let at = WorkflowTime.seconds(1_700_000_000)
        let call = ToolInvocation(id: "t-1", name: "front_desk", call: .transfer(target: "1001", mode: .blind))
        let turn = Turn(speaker: .agent, text: "Connecting you", at: at, toolCalls: [call])
        let result = Turn(speaker: .tool, text: "", at: at,
                          toolResult: ToolResult(id: "t-1", name: "front_desk", ok: true, detail: "transferred"))
        let encoded = try ControlJSON.encode(QueryResult.turns([turn, result].map { TurnInfo($0) }))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: encoded) as? [String: Any])
        let turns = try XCTUnwrap(object["turns"] as? [[String: Any]])
        let calls = try XCTUnwrap(turns[0]["toolCalls"] as? [[String: Any]])
        XCTAssertEqual(calls.first?["action"] as? String, "transfer")
        XCTAssertEqual(calls.first?["detail"] as? String, "1001 (blind)")
        XCTAssertEqual(turns[1]["speaker"] as? String, "tool")
        XCTAssertEqual((turns[1]["toolResult"] as? [String: Any])?["detail"] as? String, "transferred")
        XCTAssertNil(turns[0]["isDTMF"], "absent fields stay out of the JSON")
    }
}
