import Control
import Foundation
import Workflow
import XCTest

/// The conversation routes over a real workflow engine and the real conversation workflow.
final class ConversationAPITests: XCTestCase {
    func testListsLiveAndFinishedConversationsWithFilters() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await harness.startConversation("conv-a", caller: "sip:alice@example.com")
        try await harness.startConversation("conv-b", caller: "sip:bob@example.com")
        let finished = try await harness.startConversation("conv-c", caller: "sip:carol@example.com")
        try await finished.signal(Conversation.HungUp.self, ())
        _ = try await finished.result()

        let client = try harness.client()
        let all = try await client.get([ConversationSummary].self, "/conversations")
        XCTAssertEqual(Set(all.map(\.id)), ["conv-a", "conv-b", "conv-c"])
        let byID = Dictionary(uniqueKeysWithValues: all.map { ($0.id, $0) })
        XCTAssertEqual(byID["conv-a"]?.status, .running)
        XCTAssertEqual(byID["conv-a"]?.phase, "active")
        XCTAssertEqual(byID["conv-c"]?.status, .completed)
        XCTAssertEqual(byID["conv-b"]?.caller, "sip:bob@example.com")
        XCTAssertEqual(byID["conv-b"]?.agent, "support", "the version is resolved to the agent's name")
        XCTAssertEqual(byID["conv-b"]?.version, ControlHarness.version)

        let running = try await client.get([ConversationSummary].self, "/conversations", query: [("status", "running")])
        XCTAssertEqual(Set(running.map(\.id)), ["conv-a", "conv-b"])
        let completed = try await client.get([ConversationSummary].self, "/conversations",
                                             query: [("status", "completed")])
        XCTAssertEqual(completed.map(\.id), ["conv-c"])
        let bob = try await client.get([ConversationSummary].self, "/conversations", query: [("caller", "BOB")])
        XCTAssertEqual(bob.map(\.id), ["conv-b"])
        let byAgent = try await client.get([ConversationSummary].self, "/conversations", query: [("agent", "support")])
        XCTAssertEqual(byAgent.count, 3)
        let otherAgent = try await client.get([ConversationSummary].self, "/conversations", query: [("agent", "sales")])
        XCTAssertEqual(otherAgent.count, 0)

        // The manual clock stands still, so every conversation started at the same instant.
        let start = all[0].startedAt
        let inRange = try await client.get([ConversationSummary].self, "/conversations", query: [
            ("since", ControlJSON.formatTimestamp(start)),
            ("until", ControlJSON.formatTimestamp(start.addingTimeInterval(1))),
        ])
        XCTAssertEqual(inRange.count, 3)
        let later = try await client.get([ConversationSummary].self, "/conversations",
                                         query: [("since", ControlJSON.formatTimestamp(start.addingTimeInterval(1)))])
        XCTAssertEqual(later.count, 0)
        let limited = try await client.get([ConversationSummary].self, "/conversations", query: [("limit", "2")])
        XCTAssertEqual(limited.count, 2)

        let bad = try await harness.request(.GET, "/conversations?status=sleeping")
        XCTAssertEqual(bad.status, 400)
        XCTAssertEqual(errorCode(bad), "bad_request")
        let badDate = try await harness.request(.GET, "/conversations?since=yesterday")
        XCTAssertEqual(badDate.status, 400)
    }

    func testHistoryIsTypedJSONWithTimestampsTimersAndTurns() async throws {
        let harness = try await ControlHarness.start(for: self)
        let handle = try await harness.startConversation("conv-1")
        try await handle.signal(Conversation.Transcript.self, ("what are your hours", true))
        await harness.engine.quiesce()
        try await handle.signal(Conversation.Digit.self, "7")

        let response = try await harness.request(.GET, "/conversations/conv-1/history")
        XCTAssertEqual(response.status, 200)
        let object = try XCTUnwrap(try jsonObject(response) as? [String: Any])
        let events = try XCTUnwrap(object["events"] as? [[String: Any]])
        let kinds = events.compactMap { $0["kind"] as? String }
        XCTAssertEqual(kinds, ["started", "signal", "activityCompleted", "signal"])
        let transcript = try XCTUnwrap(events[1]["signal"] as? [String: Any])
        XCTAssertEqual(transcript["type"] as? String, "transcript")
        XCTAssertEqual(transcript["text"] as? String, "what are your hours")
        XCTAssertEqual(transcript["isFinal"] as? Bool, true)
        let output = try XCTUnwrap(events[2]["output"] as? [String: Any])
        XCTAssertEqual(output["type"] as? String, "reply")
        XCTAssertEqual(output["text"] as? String, "You said: what are your hours")
        XCTAssertEqual(events[2]["activity"] as? String, "reply-1")
        let time = try XCTUnwrap(events[0]["time"] as? String)
        XCTAssertEqual(ControlJSON.parseTimestamp(time), Date(timeIntervalSince1970: 1_700_000_000))

        let history = try ControlJSON.decode(ConversationHistory.self, from: response.body)
        XCTAssertEqual(history.events.map(\.sequence), [1, 2, 3, 4])
        XCTAssertEqual(history.events[3].body, .signal(.dtmf(digit: "7")))
        XCTAssertEqual(history.turns.map(\.speaker), ["agent", "user", "agent"])
        XCTAssertEqual(history.turns.last?.text, "You said: what are your hours")
        XCTAssertEqual(history.timers.map(\.name), ["idle"])
        XCTAssertEqual(history.timers.first?.fireAt, Date(timeIntervalSince1970: 1_700_000_010))
        XCTAssertNil(history.outcome)
        XCTAssertEqual(history.conversation.eventCount, 4)

        let missing = try await harness.request(.GET, "/conversations/nobody/history")
        XCTAssertEqual(missing.status, 404)
        XCTAssertEqual(errorCode(missing), "unknown_conversation")
    }

    func testSignalSentOverHTTPReachesTheConversation() async throws {
        let harness = try await ControlHarness.start(for: self)
        let handle = try await harness.startConversation("conv-1")
        let response = try await harness.request(.POST, "/conversations/conv-1/signals",
                                                 body: #"{"type":"dtmf","digit":"5"}"#)
        XCTAssertEqual(response.status, 202, response.text)
        let receipt = try ControlJSON.decode(SignalReceipt.self, from: response.body)
        XCTAssertEqual(receipt.eventCount, 2)

        let history = try await harness.engine.history(of: "conv-1")
        guard case .signal(.dtmf("5"))? = history.last?.event else {
            return XCTFail("the last event is not the digit: \(String(describing: history.last?.event))")
        }
        let digits = try await handle.query(Conversation.Digits.self, ())
        XCTAssertEqual(digits, "5")

        let transcript = try await harness.request(.POST, "/conversations/conv-1/signals",
                                                   body: #"{"type":"transcript","text":"hello there"}"#)
        XCTAssertEqual(transcript.status, 202)
        await harness.engine.quiesce()
        let turns = try await handle.query(Conversation.Turns.self, ())
        XCTAssertEqual(turns.map(\.text), ["Hello, how can I help?", "hello there", "You said: hello there"])

        let badDigit = try await harness.request(.POST, "/conversations/conv-1/signals",
                                                 body: #"{"type":"dtmf","digit":"55"}"#)
        XCTAssertEqual(badDigit.status, 400)
        let unknownType = try await harness.request(.POST, "/conversations/conv-1/signals", body: #"{"type":"wave"}"#)
        XCTAssertEqual(unknownType.status, 400)
        XCTAssertEqual(errorCode(unknownType), "bad_json")
        let notJSON = try await harness.request(.POST, "/conversations/conv-1/signals", body: "{type: dtmf")
        XCTAssertEqual(notJSON.status, 400)
        XCTAssertEqual(errorCode(notJSON), "bad_json")
        let missing = try await harness.request(.POST, "/conversations/nobody/signals", body: #"{"type":"hangUp"}"#)
        XCTAssertEqual(missing.status, 404)
    }

    func testUpdateRejectedByItsValidatorReturns422AndWritesNothing() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await harness.startConversation("conv-1")
        let before = try await harness.engine.history(of: "conv-1").count

        let blank = try await harness.request(.POST, "/conversations/conv-1/updates", body: #"{"type":"say","text":"   "}"#)
        XCTAssertEqual(blank.status, 422, blank.text)
        XCTAssertEqual(errorCode(blank), "update_rejected")
        XCTAssertTrue(blank.text.contains("nothing to say"), blank.text)
        let badTarget = try await harness.request(.POST, "/conversations/conv-1/updates",
                                                  body: #"{"type":"transfer","target":"two words"}"#)
        XCTAssertEqual(badTarget.status, 422)
        await harness.engine.quiesce()
        let after = try await harness.engine.history(of: "conv-1").count
        XCTAssertEqual(after, before, "a rejected update leaves no trace in the log")

        let accepted = try await harness.request(.POST, "/conversations/conv-1/updates",
                                                 body: #"{"type":"say","text":"One moment please"}"#)
        XCTAssertEqual(accepted.status, 200, accepted.text)
        XCTAssertEqual(try ControlJSON.decode(UpdateResultPayload.self, from: accepted.body), .said(turn: 1))
        let history = try await harness.engine.history(of: "conv-1")
        XCTAssertEqual(history.count, before + 1)
        guard case .update(_, .say("One moment please"))? = history.last?.event else {
            return XCTFail("the accepted update is not in the log")
        }

        let asked = try await harness.request(.POST, "/conversations/conv-1/updates",
                                              body: #"{"type":"ask","question":"Is it open?"}"#)
        XCTAssertEqual(try ControlJSON.decode(UpdateResultPayload.self, from: asked.body),
                       .answered(text: "You said: Is it open?"))
    }

    func testQueriesAnswerFromLiveStateAndFromTheLogOnceFinished() async throws {
        let harness = try await ControlHarness.start(for: self)
        let handle = try await harness.startConversation("conv-1")
        try await handle.signal(Conversation.Digit.self, "4")
        try await handle.signal(Conversation.Digit.self, "2")
        let client = try harness.client()
        let digits = try await client.get(QueryResult.self, "/conversations/conv-1/queries/digits")
        XCTAssertEqual(digits, .digits("42"))
        let status = try await client.get(QueryResult.self, "/conversations/conv-1/queries/status")
        XCTAssertEqual(status, .status(phase: "active", endReason: nil))
        let state = try await client.get(QueryResult.self, "/conversations/conv-1/queries/state")
        guard case .state(let info) = state else { return XCTFail("not a state answer: \(state)") }
        XCTAssertEqual(info.caller, "sip:alice@example.com")
        XCTAssertEqual(info.digits, "42")
        XCTAssertEqual(info.turns.count, 1)

        try await handle.signal(Conversation.HungUp.self, ())
        _ = try await handle.result()
        let finished = try await client.get(QueryResult.self, "/conversations/conv-1/queries/status")
        XCTAssertEqual(finished, .status(phase: "ended", endReason: "caller hung up"))
        let turns = try await client.get(QueryResult.self, "/conversations/conv-1/queries/turns")
        guard case .turns(let list) = turns else { return XCTFail("not turns") }
        XCTAssertEqual(list.first?.text, "Hello, how can I help?")

        let signalAfterEnd = try await harness.request(.POST, "/conversations/conv-1/signals", body: #"{"type":"hangUp"}"#)
        XCTAssertEqual(signalAfterEnd.status, 409)
        XCTAssertEqual(errorCode(signalAfterEnd), "conversation_not_running")
        let history = try await client.get(ConversationHistory.self, "/conversations/conv-1/history")
        XCTAssertEqual(history.outcome?.reason, "caller hung up")
        XCTAssertEqual(history.timers, [], "a finished conversation has no armed timers")
        let unknownQuery = try await harness.request(.GET, "/conversations/conv-1/queries/mood")
        XCTAssertEqual(unknownQuery.status, 404)
    }
}
