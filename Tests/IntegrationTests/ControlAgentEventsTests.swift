import Control
import Foundation
import ParleyTesting
import XCTest

/// A live agent call seen from the control plane: a key the caller presses (sent as a
/// conversation signal over HTTP) makes the receptionist call its transfer tool, and the event
/// stream carries that tool call's start and then its end, with the call's and the
/// conversation's ids. The same work shows in `GET /metrics`.
final class ControlAgentEventsTests: XCTestCase {
    func testToolCallsStreamAsStartedThenFinished() async throws {
        let agents = try AgentCallSupport.agentsFolder("ctl-tools") { yaml in
            yaml.replacingOccurrences(of: "  idle: 10s", with: "  idle: 120s")
        }
        let server = try ParleyServer(name: "ctl-tools", extraDialplan: AgentCallTests.dialplan,
                                      extraTop: "agents:\n  directory: \(agents.path)\n")
        addTeardownBlock { server.stop() }
        let api = try server.api()
        let events = try await EventRecorder.start(api)
        addTeardownBlock { events.stop() }
        let phone = try Baresip(name: "toolcaller", sourceWAV: try AgentCallSupport.wav("ctl-tools", AgentCallSupport.silence(60)))
        try phone.start()
        addTeardownBlock { phone.stop() }
        try phone.dial("sip:9000@127.0.0.1:\(server.sipPort)")
        let established = try await ControlAPI.blocking { phone.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(established, phone.output() + server.log)
        let found = try await ControlAPI.eventually { try await ControlAPI.calls(api).first { $0.to == "9000" && $0.conversationID != nil } }
        let call = try XCTUnwrap(found, server.log)
        let conversation = try XCTUnwrap(call.conversationID)
        let greeted = await events.wait { $0.contains { if case .agentSpeaking = $0.event { return true } else { return false } } }
        XCTAssertTrue(greeted, "\(events.envelopes())")

        // 0 is the receptionist's front-desk key: its intent calls transfer_to_front_desk.
        let base = "/conversations/\(ControlClient.segment(conversation))"
        _ = try await api.post(SignalReceipt.self, base + "/signals", body: SignalPayload.dtmf(digit: "0"))
        let finished = await events.wait { Self.toolEvents($0, conversation: conversation).contains { $0.phase == "finished" } }
        XCTAssertTrue(finished, "no toolCallFinished: \(events.envelopes().map(\.event))\n\(server.log)")
        let tools = Self.toolEvents(events.envelopes(), conversation: conversation)
        XCTAssertEqual(tools.map(\.phase), ["started", "finished"], "\(tools)")
        XCTAssertEqual(Set(tools.map(\.tool)), ["transfer_to_front_desk"], "\(tools)")
        XCTAssertEqual(Set(tools.map(\.id)).count, 1, "start and end name the same call: \(tools)")
        XCTAssertEqual(tools.first?.detail, "transfer to 1001", "the start summarises the arguments")
        XCTAssertTrue(tools.allSatisfy { $0.callID == call.id.rawValue }, "\(tools)")
        // The conversation's own steps stream too: the key arrived as a signal before the tool
        // call it caused, and the idle timer was armed (with its deadline).
        let mine = events.envelopes().filter { $0.conversationID == conversation }
        let dtmfSignal = mine.firstIndex { $0.event == .workflowEvent(kind: "signalReceived", detail: "dtmf", firesAt: nil) }
        let toolStart = mine.firstIndex { if case .toolCallStarted = $0.event { return true } else { return false } }
        XCTAssertNotNil(dtmfSignal, "\(mine.map(\.event))")
        XCTAssertLessThan(dtmfSignal ?? .max, toolStart ?? -1, "the signal is committed before its tool call runs")
        let timers = mine.compactMap { envelope -> Date? in
            guard case .workflowEvent("timerStarted", "idle", let firesAt) = envelope.event else { return nil }
            return firesAt.map { $0 > envelope.time ? $0 : .distantPast }
        }
        XCTAssertFalse(timers.isEmpty, "no idle timer started: \(mine.map(\.event))")
        XCTAssertFalse(timers.contains(.distantPast), "a started timer is due after it started")

        // The history records the same call under the same id.
        let history = try await api.get(ConversationHistory.self, base + "/history")
        let recorded = history.turns.flatMap { $0.toolCalls ?? [] }.map(\.id)
        XCTAssertTrue(recorded.contains(tools.first?.id ?? "?"), "\(recorded) vs \(tools)")

        // The same work in the metrics: the signal sent over HTTP, a query, the events the
        // engine appended, and the greeting's synthesis (asked for while nothing else was queued).
        _ = try await api.get(QueryResult.self, base + "/queries/turns")
        let text = String(decoding: try await api.raw(.GET, "/metrics").body, as: UTF8.self)
        for histogram in ["parley_workflow_signal_latency_seconds", "parley_workflow_query_latency_seconds",
                          "parley_tts_latency_seconds"] {
            let count = MetricsScrape.sample(text, histogram + "_count") ?? 0
            let sum = MetricsScrape.sample(text, histogram + "_sum") ?? -1
            XCTAssertGreaterThanOrEqual(count, 1, "\(histogram) saw nothing:\n\(text)")
            XCTAssertTrue(sum > 0 && sum / max(count, 1) < 30, "\(histogram): \(sum) s over \(count)")
        }
        // At least the DTMF signal, the tool's result and the spoken notices.
        let signals = MetricsScrape.sample(text, #"parley_workflow_events_total{kind="signal"}"#) ?? 0
        XCTAssertGreaterThanOrEqual(signals, 2, text)
        XCTAssertEqual(MetricsScrape.sample(text, #"parley_workflow_events_total{kind="started"}"#), 1, text)
        XCTAssertEqual(MetricsScrape.sample(text, #"parley_workflow_events_total{kind="snapshot"}"#), 0, text)

        // The web page's timeline has the tool call (the live event's argument summary) beside
        // the conversation's own record of it.
        if let dom = try await ControlPage.render(server: server, call: call.id.rawValue) {
            XCTAssertTrue(dom.contains("tool transfer_to_front_desk"), "no tool row:\n\(dom.prefix(4000))")
            XCTAssertTrue(dom.contains("transfer to 1001"), "the tool call's live row is missing")
            XCTAssertTrue(dom.contains("result transfer_to_front_desk"), "the tool's result row is missing")
            XCTAssertTrue(dom.contains("timerStarted"), "the idle timer's start is not on the timeline")
        }
    }

    /// One tool event of a conversation, flattened for assertions.
    struct ToolEvent: Equatable {
        var phase: String
        var tool: String
        var id: String
        var detail: String?
        var callID: String?
    }

    static func toolEvents(_ envelopes: [ControlEventEnvelope], conversation: String) -> [ToolEvent] {
        envelopes.filter { $0.conversationID == conversation }.compactMap { envelope in
            switch envelope.event {
            case .toolCallStarted(let tool, let id, let arguments):
                return ToolEvent(phase: "started", tool: tool, id: id, detail: arguments, callID: envelope.callID?.rawValue)
            case .toolCallFinished(let tool, let id, _, let result):
                return ToolEvent(phase: "finished", tool: tool, id: id, detail: result, callID: envelope.callID?.rawValue)
            default:
                return nil
            }
        }
    }
}
