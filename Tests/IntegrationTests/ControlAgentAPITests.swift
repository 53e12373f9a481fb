import Control
import Foundation
import ParleyTesting
import XCTest

/// The control API against a live call with the AI receptionist (9000): the call carries its
/// conversation id, the agent's speech shows on the event stream, and signals, updates and
/// queries sent over HTTP reach the very conversation the caller is talking to. The web page,
/// rendered by headless Chromium, shows the call and its transcript.
final class ControlAgentAPITests: XCTestCase {
    func testSignalsUpdatesAndQueriesReachTheLiveConversation() async throws {
        // Long idle timers, so nothing but this test speaks to the caller.
        let agents = try AgentCallSupport.agentsFolder("ctl-agent") { yaml in
            yaml.replacingOccurrences(of: "  idle: 10s", with: "  idle: 120s")
        }
        let server = try ParleyServer(name: "ctl-agent", extraDialplan: AgentCallTests.dialplan,
                                      extraTop: "agents:\n  directory: \(agents.path)\n")
        addTeardownBlock { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let phone = try Baresip(name: "agentcaller", sourceWAV: try AgentCallSupport.wav("ctl-agent", AgentCallSupport.silence(90)))
        try phone.start()
        addTeardownBlock { phone.stop() }
        try phone.dial("sip:9000@127.0.0.1:\(server.sipPort)")
        let established = try await ControlAPI.blocking { phone.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(established, phone.output() + server.log)

        let found = try await ControlAPI.eventually { try await ControlAPI.calls(api).first { $0.to == "9000" && $0.conversationID != nil } }
        let call = try XCTUnwrap(found, server.log)
        let conversation = try XCTUnwrap(call.conversationID)
        let base = "/conversations/\(ControlClient.segment(conversation))"

        // The greeting, spoken on the call, is an event of this call and conversation; once it
        // has been said the conversation records it.
        let greeted = await events.wait {
            $0.contains { $0.conversationID == conversation && $0.callID == call.id && Self.spoken($0).contains("Thank you for calling") }
        }
        XCTAssertTrue(greeted, "\(events.envelopes())")
        let settled = try await ControlAPI.eventually {
            let history = try await api.get(ConversationHistory.self, base + "/history")
            return history.events.contains { $0.body == .signal(.spoken) } ? history : nil
        }
        XCTAssertNotNil(settled, server.log)

        // A query answers from the live state.
        guard case .turns(let turns) = try await api.get(QueryResult.self, base + "/queries/turns") else {
            return XCTFail("a turns query answers with turns")
        }
        XCTAssertEqual(turns.first?.speaker, "agent")
        XCTAssertTrue(turns.first?.text.contains("Thank you for calling") == true, "\(turns)")

        // An update its validator refuses is a 422 and leaves no trace.
        do {
            _ = try await api.post(UpdateResultPayload.self, base + "/updates", body: UpdatePayload.say(text: "   "))
            XCTFail("a blank line must be refused")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 422, "\(error)")
            XCTAssertEqual(ControlAPI.errorCode(error), "update_rejected")
        }
        let afterRefusal = try await api.get(ConversationHistory.self, base + "/history")
        XCTAssertFalse(afterRefusal.events.contains { if case .update = $0.body { return true } else { return false } },
                       "the refused update was written")

        // A signal: the caller's words, as if recognised. The agent answers on the call.
        let receipt = try await api.post(SignalReceipt.self, base + "/signals",
                                         body: SignalPayload.transcript(text: "what are your opening hours", isFinal: true))
        XCTAssertEqual(receipt.conversationID, conversation)
        let answered = await events.wait {
            $0.contains { $0.conversationID == conversation && Self.spoken($0).contains("Monday") }
        }
        XCTAssertTrue(answered, "the agent did not answer the signalled question: \(events.envelopes().map(\.event))")

        // An accepted update: the agent says the line on the call.
        let said = try await api.post(UpdateResultPayload.self, base + "/updates", body: UpdatePayload.say(text: "One moment please"))
        guard case .said = said else { return XCTFail("\(said)") }
        let spokenLine = await events.wait { $0.contains { Self.spoken($0) == "One moment please" } }
        XCTAssertTrue(spokenLine, "\(events.envelopes().map(\.event))")

        let history = try await api.get(ConversationHistory.self, base + "/history")
        XCTAssertTrue(history.turns.contains { $0.speaker == "user" && $0.text == "what are your opening hours" }, "\(history.turns)")
        XCTAssertTrue(history.events.contains { $0.body == .signal(.transcript(text: "what are your opening hours", isFinal: true)) })
        let running = try await api.get([ConversationSummary].self, "/conversations", query: [("status", "running")])
        XCTAssertTrue(running.contains { $0.id == conversation && $0.agent == "receptionist" }, "\(running)")

        try await renderPage(server: server, call: call.id.rawValue)

        // The command line reads the same conversation and validates definitions through the API.
        let url = server.apiURL
        let queried = try await ControlAPI.blocking {
            try ControlAPITests.run(ParleyServer.binary, ["conversation", "query", conversation, "turns", "--url", url])
        }
        XCTAssertTrue(queried.contains("what are your opening hours") && queried.contains("One moment please"), queried)
        let definition = agents.appendingPathComponent("receptionist.yaml").path
        let valid = try await ControlAPI.blocking {
            try ControlAPITests.run(ParleyServer.binary, ["agents", "validate", definition, "--url", url])
        }
        XCTAssertTrue(valid.contains("valid, version"), valid)
        let broken = server.directory.appendingPathComponent("broken.yaml")
        try Data("name: broken\nvoice: [not, a, voice]\n".utf8).write(to: broken)
        let invalid = try await ControlAPI.blocking {
            try ControlAPITests.run(ParleyServer.binary, ["agents", "validate", broken.path, "--url", url])
        }
        XCTAssertTrue(invalid.contains("problem"), invalid)

        // Hung up over HTTP: the conversation ends and its record names it.
        try await api.post("/calls/\(ControlClient.segment(call.id.rawValue))/hangup", body: HangUpRequest())
        let closed = try await ControlAPI.blocking { phone.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(closed, phone.output())
        let record = try await ControlAPI.record(api, callID: call.id.rawValue)
        XCTAssertEqual(record?.conversationID, conversation)
        XCTAssertEqual(record?.disposition, .answered)
        let finished = try await ControlAPI.eventually {
            guard case .status(let phase, _) = try await api.get(QueryResult.self, base + "/queries/status") else { return nil as String? }
            return phase == "active" ? nil : phase
        }
        XCTAssertNotNil(finished, "the conversation kept running after the call ended")
    }

    /// What the agent started to say in this event ("" for other events).
    private static func spoken(_ envelope: ControlEventEnvelope) -> String {
        if case .agentSpeaking(let text) = envelope.event { return text }
        return ""
    }

    /// The web page of the live call in headless Chromium: the call list and the call's
    /// transcript.
    private func renderPage(server: ParleyServer, call: String) async throws {
        guard let dom = try await ControlPage.render(server: server, call: call) else { return }
        XCTAssertTrue(dom.contains("what are your opening hours"), "the caller's turn is on the timeline")
        XCTAssertTrue(dom.contains("Thank you for calling"), "the greeting is on the timeline")
    }
}
