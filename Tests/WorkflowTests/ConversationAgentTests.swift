import Workflow
import XCTest

/// Agent-pinned conversations: tool calls one at a time, results as signals, HTTP tools as
/// activities, digit collection, and the encodings that must stay compatible with histories
/// recorded before any of this existed.
final class ConversationAgentTests: XCTestCase {
    private func call(_ name: String, _ call: AgentToolCall) -> ToolInvocation {
        ToolInvocation(name: name, call: call)
    }

    func testOldEncodingsAreUnchangedAndNewOnesRoundTrip() throws {
        let plain = Turn(speaker: .agent, text: "hi", at: .seconds(1))
        XCTAssertEqual(plain.wireBytes(), [1, 2, 0x68, 0x69, 0x80, 0xA8, 0xD6, 0xB9, 0x07, 0], "a plain turn keeps its first layout")
        let rich = Turn(speaker: .agent, text: "", at: .seconds(2),
                        toolCalls: [ToolInvocation(id: "call-1", name: "t", call: .transfer(target: "1", mode: .attended(announce: "x")))])
        XCTAssertEqual(rich.wireBytes().first, 0x81)
        XCTAssertEqual(try Turn(wireBytes: rich.wireBytes()), rich)
        let toolTurn = Turn(speaker: .tool, text: "ok", at: .seconds(3), toolResult: ToolResult(id: "call-1", name: "t", ok: true, detail: "ok"))
        XCTAssertEqual(try Turn(wireBytes: toolTurn.wireBytes()), toolTurn)
        let keyed = Turn(speaker: .user, text: "5", at: .seconds(4), isDTMF: true)
        XCTAssertEqual(try Turn(wireBytes: keyed.wireBytes()), keyed)

        let legacyInput = ConversationInput(caller: "a", callee: "b")
        XCTAssertEqual(legacyInput.wireBytes(), [1, 0x61, 1, 0x62])
        let pinned = ConversationAgentHarness.input()
        let started = WorkflowEvent<ConversationWorkflow>.started(pinned)
        guard case .started(let decoded) = try WorkflowEvent<ConversationWorkflow>(kind: .started, payload: started.payload()) else {
            return XCTFail("started")
        }
        XCTAssertEqual(decoded, pinned)

        var state = ConversationState(input: legacyInput, startedAt: .seconds(1))
        state.continuations = 3
        let legacyBytes = state.wireBytes()
        XCTAssertEqual(legacyBytes.last, 6, "without agent fields the state ends with continuations (zig-zag 3)")
        XCTAssertEqual(try ConversationState(wireBytes: legacyBytes), state)
        state.input = pinned
        state.onHold = true
        state.room = "r"
        state.toolQueue = [call("h", .hold)]
        state.collection = DigitCollection(spec: DigitCollectionSpec(mode: .grammar("XX")), keys: "1", deadline: .seconds(9))
        state.privateDigits = "42"
        XCTAssertEqual(try ConversationState(wireBytes: state.wireBytes()), state)
        XCTAssertEqual(try ConversationState(wireBytes: state.wireBytes()).continuations, 3)

        for signal in [ConversationSignal.toolResult(id: "call-1", ok: false, detail: "busy"), .conference(room: nil), .conference(room: "x")] {
            XCTAssertEqual(try ConversationSignal(wireBytes: signal.wireBytes()), signal)
        }
        let context = AgentCallContext(version: "v", caller: "a", callee: "b", room: "r")
        for activity in [ConversationActivity.agentReply(context, turns: [rich]),
                         .tool(context, call("x", .http(name: "x", arguments: "{}")), privateDigits: "1"),
                         .agentSummary(context, turns: []),
                         .webhook(context, CallReport(reason: .agentHungUp, summary: nil, turns: [toolTurn],
                                                      startedAt: .seconds(1), endedAt: .seconds(2)))] {
            XCTAssertEqual(try ConversationActivity(wireBytes: activity.wireBytes()), activity)
        }
        for output in [ConversationActivityOutput.agentReply(text: "a", calls: [call("c", .collectDigits(DigitCollectionSpec(mode: .count(4))))]),
                       .toolOutput("o"), .delivered(status: 204)] {
            XCTAssertEqual(try ConversationActivityOutput(wireBytes: output.wireBytes()), output)
        }
    }

    func testCallActionsRunOneAtATimeInOrderWithTheirResults() async throws {
        let harness = try ConversationAgentHarness()
        defer { harness.stop() }
        harness.model.reply("One moment.", [call("wait", .hold), call("keys", .sendDTMF("12")), call("back", .resume)])
        let handle = try await harness.engine.start("c1", input: ConversationAgentHarness.input())
        try await handle.signal(.transcript("check my order", isFinal: true))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "c1").count == 3 }
        XCTAssertEqual(harness.effects(of: "c1"), [.speak("Hi."), .speak("One moment."),
                                                 .action(ToolInvocation(id: "call-1", name: "wait", call: .hold))],
                       "only the first action is handed out")
        var state = try await handle.state()
        XCTAssertNil(state.idleDeadline, "no idle prompt while an action runs")
        try await handle.signal(.toolResult(id: "call-1", ok: true, detail: "on hold"))
        state = try await handle.state()
        XCTAssertTrue(state.onHold)
        try await handle.signal(.toolResult(id: "call-99", ok: true, detail: "stale"))
        try await handle.signal(.toolResult(id: "call-2", ok: true, detail: "sent"))
        try await handle.signal(.toolResult(id: "call-3", ok: true, detail: "resumed"))
        await harness.effects.wait { _ in harness.effects(of: "c1").count == 5 }
        XCTAssertEqual(Array(harness.effects(of: "c1").suffix(2)), [
            .action(ToolInvocation(id: "call-2", name: "keys", call: .sendDTMF("12"))),
            .action(ToolInvocation(id: "call-3", name: "back", call: .resume)),
        ])
        state = try await handle.state()
        XCTAssertFalse(state.onHold)
        XCTAssertNil(state.activeTool)
        XCTAssertNotNil(state.idleDeadline, "listening again")
        XCTAssertEqual(state.turns.compactMap(\.toolResult).map(\.detail), ["on hold", "sent", "resumed"], "the stale result is ignored")
        XCTAssertEqual(harness.model.replyRequests.count, 1, "call actions that worked need no second model call")
        let pending = try await handle.query(Conversation.PendingAction.self, ())
        XCTAssertNil(pending)
    }

    func testAnHTTPToolRunsAsAnActivityAndTheModelReadsItsResult() async throws {
        let harness = try ConversationAgentHarness()
        defer { harness.stop() }
        harness.model.reply("", [call("lookup", .http(name: "lookup", arguments: #"{"id":1}"#))])
        harness.model.reply("It has shipped.")
        let handle = try await harness.engine.start("c1", input: ConversationAgentHarness.input())
        try await handle.signal(.transcript("where is my parcel", isFinal: true))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "c1").last == .speak("It has shipped.") }
        let second = try XCTUnwrap(harness.model.replyRequests.last)
        XCTAssertEqual(second.map(\.speaker), [.agent, .user, .agent, .tool])
        XCTAssertEqual(second.last?.toolResult, ToolResult(id: "call-1", name: "lookup", ok: true, detail: "result of lookup"))
        XCTAssertEqual(harness.effects(of: "c1"), [.speak("Hi."), .speak("It has shipped.")], "an empty reply text is not spoken")
        let kinds = try await harness.engine.history(of: "c1").map(\.kind)
        XCTAssertEqual(kinds, [.started, .signal, .activityCompleted, .activityCompleted, .activityCompleted])
    }

    func testAModelThatKeepsCallingToolsIsStoppedWithTheFallback() async throws {
        let harness = try ConversationAgentHarness()
        defer { harness.stop() }
        harness.model.alwaysReply("", [call("loop", .http(name: "loop", arguments: "{}"))])
        let settings = ConversationSettings(greeting: nil, fallbackReply: "Let me start over.", maxToolRounds: 3)
        let handle = try await harness.engine.start("c1", input: ConversationAgentHarness.input(settings))
        try await handle.signal(.transcript("go", isFinal: true))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "c1") == [.speak("Let me start over.")] }
        XCTAssertEqual(harness.model.replyRequests.count, 3)
    }

    func testSpeechWhileAnActionRunsIsKeptForTheNextModelCall() async throws {
        let harness = try ConversationAgentHarness()
        defer { harness.stop() }
        harness.model.reply("Connecting.", [call("sales", .transfer(target: "2001", mode: .blind))])
        harness.model.reply("Sorry about that.")
        let handle = try await harness.engine.start("c1", input: ConversationAgentHarness.input())
        try await handle.signal(.transcript("sales please", isFinal: true))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "c1").count == 3 }
        try await handle.signal(.transcript("hello? anyone?", isFinal: true))
        let waiting = try await handle.query(Conversation.PendingAction.self, ())
        XCTAssertEqual(waiting?.call, .transfer(target: "2001", mode: .blind))
        XCTAssertEqual(harness.model.replyRequests.count, 1, "no reply while the transfer is under way")
        try await handle.signal(.toolResult(id: "call-1", ok: false, detail: "busy"))
        await harness.effects.wait { _ in harness.effects(of: "c1").last == .speak(ConversationSettings().transferFailedPrompt) }
        let state = try await handle.state()
        XCTAssertEqual(state.turns.filter { $0.speaker == .user }.map(\.text), ["sales please", "hello? anyone?"])
        XCTAssertEqual(state.phase, .active)
    }

    func testDigitCollectionEndsOnGrammarTerminatorOrCount() async throws {
        let harness = try ConversationAgentHarness()
        defer { harness.stop() }
        let grammar = DigitCollectionSpec(mode: .grammar("1X."), terminator: "#", timeout: .seconds(30))
        harness.model.reply("Enter the code.", [call("code", .collectDigits(grammar))])
        harness.model.reply("Thanks.")
        let handle = try await harness.engine.start("c1", input: ConversationAgentHarness.input())
        try await handle.signal(.transcript("I have a code", isFinal: true))
        await harness.engine.quiesce()
        for key in ["1", "2", "3", "#"] { try await handle.signal(.dtmf(key)) }
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "c1").last == .speak("Thanks.") }
        var state = try await handle.state()
        XCTAssertEqual(state.turns.compactMap(\.toolResult).last, ToolResult(id: "call-1", name: "code", ok: true, detail: "123"))
        XCTAssertEqual(state.digits, "123#")
        XCTAssertNil(state.collection)
        XCTAssertTrue(state.turns.filter { $0.speaker == .user }.allSatisfy { !$0.isDTMF }, "collected keys are not turns")

        harness.model.reply("Your PIN.", [call("pin", .collectDigits(DigitCollectionSpec(mode: .count(2))))])
        harness.model.reply("Got it.")
        try await handle.signal(.transcript("another", isFinal: true))
        await harness.engine.quiesce()
        try await handle.signal(.dtmf("5"))
        try await handle.signal(.dtmf("0"))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "c1").last == .speak("Got it.") }
        state = try await handle.state()
        XCTAssertEqual(state.turns.compactMap(\.toolResult).last?.detail, "50")
    }
}
