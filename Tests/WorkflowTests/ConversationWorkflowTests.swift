import Workflow
import XCTest

final class ConversationWorkflowTests: XCTestCase {
    private let input = ConversationInput(caller: "sip:alice@example.com", callee: "sip:agent@parley")

    func testFinalUtteranceRunsTheModelAndSpeaksItsReply() async throws {
        let harness = try ConversationHarness()
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        try await call.signal(Conversation.Transcript.self, ("I need help", false))
        await harness.engine.quiesce()
        XCTAssertTrue(harness.model.requests.isEmpty, "a partial transcript does not ask the model")
        try await call.signal(Conversation.Transcript.self, ("I need help with my bill", true))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "call-1").count == 2 }
        XCTAssertEqual(harness.effects(of: "call-1"),
                       [.speak("Hello, how can I help?"), .speak("Reply to: I need help with my bill")])
        let turns = try await call.query(Conversation.Turns.self, ())
        XCTAssertEqual(turns.map(\.speaker), [.agent, .user, .agent])
    }

    func testIdlePromptThenGoodbyeHangUpSummaryAndCompletion() async throws {
        let harness = try ConversationHarness(idleAllowsForSpeech: true)
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        // While the greeting plays, the caller's silence does not count yet.
        harness.clock.advance(by: .seconds(10))
        await harness.engine.quiesce()
        let speaking = try await harness.engine.history(of: "call-1").map(\.kind)
        XCTAssertEqual(speaking, [.started], "no idle prompt while the agent is still talking")
        // The host reports the greeting played; the 10 s of silence start now.
        try await call.signal(.spoken)
        harness.clock.advance(by: .seconds(9))
        await harness.engine.quiesce()
        let early = try await harness.engine.history(of: "call-1").map(\.kind)
        XCTAssertEqual(early, [.started, .signal], "no idle event before the timeout")
        await harness.effects.wait { _ in harness.effects(of: "call-1").count == 1 }
        harness.clock.advance(by: .seconds(1))
        await harness.engine.quiesce()
        await harness.effects.wait { _ in harness.effects(of: "call-1").count == 2 }
        XCTAssertEqual(harness.effects(of: "call-1").last, .speak("Are you still there?"))
        try await call.signal(.spoken)
        harness.clock.advance(by: .seconds(10))
        await harness.engine.quiesce()
        let outcome = try await call.result()
        XCTAssertEqual(outcome.reason, .idle)
        XCTAssertEqual(outcome.summary, "summary of 3 turns, digits ")
        XCTAssertEqual(outcome.duration, .seconds(30))
        await harness.effects.wait { _ in harness.effects(of: "call-1").count == 4 }
        XCTAssertEqual(Array(harness.effects(of: "call-1").suffix(2)),
                       [.speak(ConversationSettings().idleGoodbye), .hangUp])
    }

    func testActivityResetsTheIdleCount() async throws {
        let harness = try ConversationHarness()
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        harness.clock.advance(by: .seconds(10))  // first idle: prompt
        await harness.engine.quiesce()
        try await call.signal(Conversation.Digit.self, "4")
        harness.clock.advance(by: .seconds(10))  // idle again, but only the first since the digit
        await harness.engine.quiesce()
        let state = try await call.state()
        XCTAssertEqual(state.phase, .active)
        XCTAssertEqual(state.idleCount, 1)
        XCTAssertEqual(state.digits, "4")
    }

    func testDigitsAreRecordedAndHangUpRunsTheSummary() async throws {
        let harness = try ConversationHarness()
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        for digit in ["1", "2", "#"] { try await call.signal(Conversation.Digit.self, digit) }
        let digits = try await call.query(Conversation.Digits.self, ())
        XCTAssertEqual(digits, "12#")
        try await call.signal(Conversation.HungUp.self, ())
        let outcome = try await call.result()
        XCTAssertEqual(outcome.reason, .callerHungUp)
        XCTAssertEqual(outcome.digits, "12#")
        XCTAssertEqual(outcome.summary, "summary of 1 turns, digits 12#")
        XCTAssertFalse(harness.effects(of: "call-1").contains(.hangUp), "the caller already hung up")
        let list = try await harness.store.list(type: ConversationWorkflow.typeName)
        XCTAssertEqual(list.first?.status, .completed)
    }

    func testMaxDurationEndsTheCallPolitelyAndCancelsTheReplyInFlight() async throws {
        let settings = ConversationSettings(idleTimeout: .seconds(600), maxDuration: .seconds(60))
        let harness = try ConversationHarness(settings: settings)
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        harness.model.hold = true
        try await call.signal(Conversation.Transcript.self, ("tell me a long story", true))
        try await waitUntil { harness.model.requests.count == 1 }
        harness.clock.advance(by: .seconds(60))
        harness.model.hold = false
        let outcome = try await call.result()
        XCTAssertEqual(outcome.reason, .maxDuration)
        await harness.effects.wait { _ in harness.effects(of: "call-1").contains(.hangUp) }
        XCTAssertEqual(harness.effects(of: "call-1"), [.speak(settings.maxDurationGoodbye), .hangUp])
        let state = try await harness.engine.replayStored("call-1").state
        XCTAssertFalse(state?.turns.contains { $0.text.hasPrefix("Reply to") } ?? true,
                       "the cancelled reply is never spoken")
    }

    func testRetryAfterAndFallbackForTheModel() async throws {
        let harness = try ConversationHarness()
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        harness.model.failNext(ActivityFailure(type: "HTTP429", nextRetryDelay: .seconds(3)))
        try await call.signal(Conversation.Transcript.self, ("hello", true))
        await harness.engine.quiesce()
        harness.clock.advance(by: .seconds(3))
        await harness.engine.quiesce()
        XCTAssertEqual(harness.model.requests.count, 2)
        harness.model.failNext(ActivityFailure(type: "HTTP400", message: "bad"))
        try await call.signal(Conversation.Transcript.self, ("again", true))
        await harness.engine.quiesce()
        XCTAssertEqual(harness.model.requests.count, 3, "HTTP400 is non-retryable for the model")
        await harness.effects.wait { _ in harness.effects(of: "call-1").count == 3 }
        XCTAssertEqual(harness.effects(of: "call-1").suffix(2),
                       [.speak("Reply to: hello"), .speak(ConversationSettings().fallbackReply)])
    }

    func testSayAndTransferUpdatesAndTheirValidators() async throws {
        let harness = try ConversationHarness()
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        let turn = try await call.update(Conversation.Say.self, "Please hold on.")
        XCTAssertEqual(turn, 1)
        let recordsBefore = try await harness.store.records(of: "call-1")
        do {
            _ = try await call.update(Conversation.Say.self, "   ")
            XCTFail("blank lines are rejected")
        } catch {
            XCTAssertEqual(error, .updateRejected(UpdateRejection("nothing to say")))
        }
        do {
            _ = try await call.update(Conversation.Transfer.self, "not a target")
            XCTFail("targets with spaces are rejected")
        } catch {
            XCTAssertEqual(error, .updateRejected(UpdateRejection("invalid transfer target \"not a target\"")))
        }
        let recordsAfter = try await harness.store.records(of: "call-1")
        XCTAssertEqual(recordsBefore, recordsAfter, "rejections leave no trace")
        let target = try await call.update(Conversation.Transfer.self, "sip:bob@example.com")
        XCTAssertEqual(target, "sip:bob@example.com")
        let outcome = try await call.result()
        XCTAssertEqual(outcome.reason, .transferred)
        await harness.effects.wait { _ in
            harness.effects(of: "call-1").contains(.transfer(target: "sip:bob@example.com"))
        }
    }

    func testAskIsALongRunningUpdateAnsweredWithTheReply() async throws {
        let harness = try ConversationHarness()
        defer { harness.stop() }
        let call = try await harness.engine.start("call-1", input: input)
        harness.model.hold = true
        let pending = try await call.startUpdate(Conversation.Ask.self, "What are your hours?")
        let kinds = try await harness.engine.history(of: "call-1").map(\.kind)
        XCTAssertEqual(kinds, [.started, .update], "accepted before it is answered")
        harness.model.hold = false
        let answer = try await pending.result()
        XCTAssertEqual(answer, "Reply to: What are your hours?")
    }

    func testLongCallContinuesAsNewAndRecoversFromTheSnapshot() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let settings = ConversationSettings(idleTimeout: .seconds(7200), maxDuration: .seconds(3600),
                                            continueAsNewAfter: 20)
        let first = try ConversationHarness(directory: directory, clock: clock, settings: settings)
        let call = try await first.engine.start("call-1", input: input)
        for index in 0..<45 {
            try await call.signal(Conversation.Digit.self, String(index % 10))
        }
        let live = try await first.engine.liveMachine("call-1")
        XCTAssertEqual(live.run, 3)
        XCTAssertEqual(live.state?.continuations, 2)
        XCTAssertLessThan(live.runLength, 20)
        first.stop()

        let second = try ConversationHarness(directory: directory, clock: clock, settings: settings)
        defer { second.stop() }
        let report = try await second.engine.recover()
        XCTAssertLessThan(report.recordsReplayed, 20, "replay starts at the last snapshot")
        let recovered = try await second.engine.liveMachine("call-1")
        XCTAssertEqual(recovered.encodedState, live.encodedState)
        XCTAssertEqual(recovered.state?.digits.count, 45)
        clock.advance(by: .seconds(3600))
        let outcome = try await second.engine.handle("call-1").result()
        XCTAssertEqual(outcome.reason, .maxDuration, "the scope deadline survived two continue-as-new")
    }
}
