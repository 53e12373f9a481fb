@testable import Agent
import Workflow
import XCTest

/// End to end: a real WorkflowEngine on a temporary SQLite file (manual clock), the scripted
/// receptionist, and a recording implementation of the host's call actions.
final class AgentSessionTests: XCTestCase {
    /// The greeting, as spoken: two sentences.
    private static let greeting = ["Thank you for calling Lindenbrook Bicycle Works.", "How can I help you?"]

    private func receptionist() throws -> (AgentDefinition, AgentHarness) {
        let agent = try RepoAgents.receptionist()
        return (agent, try AgentHarness(definitions: FixedDefinitions([agent])))
    }

    func testGreetingThenAQuestionIsAnsweredSentenceBySentence() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        let session = try await harness.start("call-1", agent, actions: actions)
        try await eventually { actions.spoken.count == 2 }
        XCTAssertEqual(actions.spoken, Self.greeting)
        try await session.heard("What are your hours?")
        try await eventually { actions.spoken.count == 4 }
        XCTAssertEqual(Array(actions.spoken.suffix(2)),
                       ["We are open Monday to Friday from 9 am to 6 pm.", "On Saturdays we are open from 10 am to 2 pm."],
                       "a two-sentence reply is spoken as two utterances")
        let turns = try await session.turns()
        XCTAssertEqual(turns.map(\.speaker), [.agent, .user, .agent])
        let state = try await session.handle.state()
        XCTAssertEqual(state.input.agent?.version, agent.version, "the conversation is pinned to the definition's hash")
        let history = try await harness.runtime.engine.history(of: "call-1")
        guard case .started(let input)? = history.first?.event else { return XCTFail("history starts with the input") }
        XCTAssertEqual(input.agent?.version, agent.version)
        await harness.stop()
    }

    func testOperatorIntentTransfersAndTheResultIsRecorded() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        let session = try await harness.start("call-1", agent, actions: actions)
        try await session.heard("Can I talk to a human please?")
        let outcome = try await session.outcome()
        XCTAssertEqual(outcome.reason, .transferred)
        try await eventually { actions.actions.count == 5 }
        XCTAssertEqual(actions.actions, Self.greeting.map(RecordingCallActions.Action.speak) + [
            .speak("Of course."), .speak("I'll put you through to the front desk now."),
            .transfer("1001", .blind),
        ], "the reply is spoken before the transfer, in order")
        let turns = try await harness.runtime.engine.replayStored("call-1").state?.turns ?? []
        XCTAssertEqual(turns.map(\.speaker), [.agent, .user, .agent, .tool])
        XCTAssertEqual(turns[2].toolCalls.map(\.call), [.transfer(target: "1001", mode: .blind)])
        XCTAssertEqual(turns[3].toolResult?.ok, true)
        XCTAssertEqual(turns[3].toolResult?.id, turns[2].toolCalls.first?.id)
        XCTAssertFalse(actions.actions.contains(.hangUp), "a transferred call is not hung up by the agent")
        // The host heard of the tool call around its run, under the history's id, and of the
        // workflow's steps as they were committed.
        let id = try XCTUnwrap(turns[2].toolCalls.first?.id)
        XCTAssertEqual(actions.reports, [
            ToolCallReport(id: id, name: "transfer_to_front_desk", phase: .started(arguments: "transfer to 1001")),
            ToolCallReport(id: id, name: "transfer_to_front_desk", phase: .finished(ok: true, detail: "transferred to 1001")),
        ])
        let notices = actions.notices
        XCTAssertEqual(notices.first, ConversationNotice(kind: "started", detail: ""), "\(notices)")
        XCTAssertTrue(notices.contains(ConversationNotice(kind: "signalReceived", detail: "transcript")), "\(notices)")
        XCTAssertTrue(notices.contains(ConversationNotice(kind: "signalReceived", detail: "toolResult")), "\(notices)")
        XCTAssertTrue(notices.contains { $0.kind == "timerStarted" && $0.detail == "idle" && $0.firesAt != nil }, "\(notices)")
        XCTAssertTrue(notices.contains { $0.kind == "activityCompleted" }, "the brain's reply is an activity: \(notices)")
        await harness.stop()
    }

    func testAFailedTransferBringsTheCallerBackWithAnApology() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        actions.failNextTransfer("486 Busy Here")
        let session = try await harness.start("call-1", agent, actions: actions)
        try await session.pressed("0")
        try await eventually { actions.spoken.contains { $0.hasPrefix("I'm sorry, nobody at the front desk") } }
        let state = try await session.handle.state()
        XCTAssertEqual(state.phase, .active, "the call goes on")
        XCTAssertNil(state.activeTool)
        let tool = try XCTUnwrap(state.turns.last(where: { $0.speaker == .tool })?.toolResult)
        XCTAssertFalse(tool.ok)
        XCTAssertTrue(tool.detail.contains("486 Busy Here"))
        XCTAssertNotNil(state.idleDeadline, "the agent listens again")
        // And it still answers.
        try await session.heard("how much is a basic tune-up")
        try await eventually { actions.spoken.last?.contains("45 euros") == true }
        await harness.stop()
    }

    func testIdlePromptThenGoodbyeAndHangUp() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        let session = try await harness.start("call-1", agent, actions: actions)
        try await eventually { actions.spoken.count == 2 }
        await harness.advance(.seconds(9), session: session)
        XCTAssertEqual(actions.spoken, Self.greeting, "nothing before the idle timeout")
        await harness.advance(.seconds(1), session: session)
        try await eventually { actions.spoken.count == 3 }
        XCTAssertEqual(actions.spoken.last, "Are you still there?")
        await harness.advance(.seconds(7), session: session)
        XCTAssertEqual(actions.spoken.count, 3, "the second wait is second_idle (8 s)")
        harness.clock.advance(by: .seconds(1))
        let outcome = try await session.outcome()
        XCTAssertEqual(outcome.reason, .idle)
        XCTAssertEqual(outcome.duration, .seconds(18))
        try await eventually { actions.actions.last == .hangUp }
        XCTAssertEqual(Array(actions.actions.suffix(3)),
                       [.speak("Thank you for calling Lindenbrook Bicycle Works."), .speak("Goodbye!"), .hangUp])
        XCTAssertTrue(outcome.summary?.contains("Caller 1000 spoke 0 times") ?? false, "\(String(describing: outcome.summary))")
        await harness.stop()
    }

    func testGoodbyeIntentHangsUpAfterSayingGoodbye() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        let session = try await harness.start("call-1", agent, actions: actions)
        try await session.heard("ok thanks, bye")
        let outcome = try await session.outcome()
        XCTAssertEqual(outcome.reason, .agentHungUp)
        try await eventually { actions.actions.last == .hangUp }
        XCTAssertEqual(actions.spoken.filter { $0 == "Goodbye!" }.count, 1, "the goodbye is said once")
        XCTAssertTrue(outcome.summary?.contains("end_call (ok)") ?? false, "\(String(describing: outcome.summary))")
    }

    func testAKeyPressIsATurnOfItsOwn() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        let session = try await harness.start("call-1", agent, actions: actions)
        try await session.pressed("2")
        try await eventually { actions.spoken.contains { $0.contains("14 Canal Street") } }
        let state = try await session.handle.state()
        XCTAssertEqual(state.digits, "2")
        XCTAssertEqual(state.turns[1], Turn(speaker: .user, text: "2", at: state.turns[1].at, isDTMF: true))
        await harness.stop()
    }

    func testBargeInKeepsOnlyWhatTheCallerHeard() async throws {
        let (agent, harness) = try receptionist()
        let actions = RecordingCallActions()
        actions.interrupt("We are open Monday to Friday from 9 am to 6 pm.", heard: "We are open Monday")
        let session = try await harness.start("call-1", agent, actions: actions)
        try await session.heard("What are your hours?")
        try await eventually {
            let turns = try await session.turns()
            return turns.last?.interrupted == true
        }
        let turns = try await session.turns()
        XCTAssertEqual(turns.last?.text, "We are open Monday")
        XCTAssertFalse(actions.spoken.contains("On Saturdays we are open from 10 am to 2 pm."),
                       "the rest of an interrupted reply is dropped")
        await harness.stop()
    }

    func testACrashKeepsTheHistoryAndTheCallGoesOn() async throws {
        let agent = try RepoAgents.receptionist()
        let directory = try TempDirectory()
        let clock = ManualClock()
        let definitions = FixedDefinitions([agent])
        let first = try AgentHarness(directory: directory, clock: clock, definitions: definitions)
        let actions = RecordingCallActions()
        let session = try await first.start("call-1", agent, actions: actions)
        try await session.heard("What is your address?")
        try await eventually { actions.spoken.contains { $0.contains("Canal Street") } }
        try await eventually { try await session.turns().count == 3 }
        await first.settle(session)
        let before = try await session.turns()
        let recordsBefore = try await first.runtime.engine.history(of: "call-1").count
        await first.stop()  // the process dies: nothing is finished or cleaned up

        let second = try AgentHarness(directory: directory, clock: clock, definitions: definitions)
        let report = try await second.runtime.recover()
        XCTAssertEqual(report.recovered, ["call-1"])
        let newActions = RecordingCallActions()
        let resumed = try await second.runtime.attach("call-1", actions: newActions)
        let after = try await resumed.turns()
        XCTAssertEqual(after, before, "replay rebuilds the same transcript")
        let records = try await second.runtime.engine.history(of: "call-1").count
        XCTAssertEqual(records, recordsBefore)
        try await resumed.heard("how much does a full service cost")
        try await eventually { newActions.spoken.last?.contains("95 euros") == true }
        // The idle timer was re-armed by the replay.
        await second.advance(.seconds(10), session: resumed)
        try await eventually { newActions.spoken.last == "Are you still there?" }
        await second.stop()
    }

    func testAnOldConversationKeepsItsVersionAfterAReload() async throws {
        let directory = try TempDirectory()
        try directory.write("agents/desk.yaml", """
            name: desk
            prompts:
              greeting: Hello from version one.
              idle: Still there, says version one?
            resources: [facts.md]
            """)
        try directory.write("agents/facts.md", "We open at nine in the morning.")
        let catalog = try AgentCatalog(directory: directory.url.appendingPathComponent("agents"),
                                       databasePath: directory.path("agents.sqlite"))
        catalog.reload()
        let harness = try AgentHarness(directory: directory, definitions: catalog)
        let oldActions = RecordingCallActions()
        let oldCall = try await harness.start("old", try XCTUnwrap(catalog.current(named: "desk")), actions: oldActions)

        try directory.write("agents/desk.yaml", """
            name: desk
            prompts:
              greeting: Hello from version two.
              idle: Still there, says version two?
            resources: [facts.md]
            """)
        try directory.write("agents/facts.md", "We open at eight in the morning.")
        XCTAssertEqual(catalog.reload().changed, ["desk"])
        let newActions = RecordingCallActions()
        _ = try await harness.start("new", try XCTUnwrap(catalog.current(named: "desk")), actions: newActions)
        try await eventually { newActions.spoken == ["Hello from version two."] }

        try await oldCall.heard("when do you open")
        try await eventually { oldActions.spoken.count == 2 }
        XCTAssertEqual(oldActions.spoken, ["Hello from version one.", "We open at nine in the morning."],
                       "the old call answers from the resources of its own version")
        await harness.advance(.seconds(10), session: oldCall)
        try await eventually { oldActions.spoken.last == "Still there, says version one?" }
        await harness.stop()
    }

    func testInAConferenceTheAgentAnswersOnlyWhenAddressed() async throws {
        let agent = try definition("""
            name: robin
            address_name: Robin
            prompts: {greeting: ~}
            resources: [facts.md]
            """, resources: ["facts.md": "The meeting room is on the second floor."])
        let harness = try AgentHarness(definitions: FixedDefinitions([agent]))
        let actions = RecordingCallActions()
        let session = try await harness.start("conf-1", agent, actions: actions)
        try await session.conference("standup")
        try await session.heard("where is the meeting room")
        try await session.heard("Robin, where is the meeting room?")
        try await eventually { actions.spoken.count == 1 }
        await harness.settle(session)
        XCTAssertEqual(actions.spoken, ["The meeting room is on the second floor."], "only the addressed question is answered")
        let state = try await session.handle.state()
        XCTAssertEqual(state.turns.filter { $0.speaker == .user }.count, 2, "the unaddressed line is still in the transcript")
        XCTAssertNil(state.idleDeadline, "no idle prompts in a conference")
        await harness.stop()
    }

    func testCallActionsFromAnIntentRunInOrder() async throws {
        let agent = try definition("""
            name: ops
            variables: {shop: Acme}
            prompts: {greeting: ~}
            tools:
              - {name: wait, type: hold}
              - {name: dial_menu, type: send_dtmf, digits: "1#"}
              - {name: back, type: resume}
              - {name: standup, type: join_conference, room: daily-standup}
              - {name: boss, type: transfer, target: "2001", mode: attended, announce: "A caller from {{shop}} for you"}
            intents:
              - {name: menu, keywords: [menu], reply: One moment., tools: [wait, dial_menu, back]}
              - {name: meeting, keywords: [meeting], reply: Joining., tool: standup}
              - {name: manager, keywords: [manager], tool: boss}
            """)
        let harness = try AgentHarness(definitions: FixedDefinitions([agent]))
        let actions = RecordingCallActions()
        let session = try await harness.start("ops-1", agent, actions: actions)
        try await session.heard("go through the menu")
        try await eventually { actions.actions.count == 4 }
        XCTAssertEqual(actions.actions, [.speak("One moment."), .hold, .sendDTMF("1#"), .resume])
        try await eventually {
            let state = try await session.handle.state()
            return state.turns.compactMap(\.toolResult).count == 3 && state.activeTool == nil
        }
        let afterMenu = try await session.handle.state()
        XCTAssertFalse(afterMenu.onHold)
        XCTAssertEqual(afterMenu.turns.compactMap(\.toolResult).map(\.ok), [true, true, true])
        try await session.heard("join the meeting")
        try await eventually { actions.actions.last == .joinConference("daily-standup") }
        try await eventually {
            let state = try await session.handle.state()
            return state.room == "daily-standup"
        }
        try await session.heard("get me the manager")
        try await eventually { actions.actions.last == .transfer("2001", .attended(announce: "A caller from Acme for you")) }
        let outcome = try await session.outcome()
        XCTAssertEqual(outcome.reason, .transferred)
        await harness.stop()
    }

    func testATransferInFlightAtACrashRunsAgainWhenTheCallIsReattached() async throws {
        let agent = try RepoAgents.receptionist()
        let directory = try TempDirectory()
        let clock = ManualClock()
        let definitions = FixedDefinitions([agent])
        let first = try AgentHarness(directory: directory, clock: clock, definitions: definitions)
        let actions = RecordingCallActions()
        actions.blockTransfers = true
        let session = try await first.start("call-1", agent, actions: actions)
        try await session.heard("operator please")
        try await eventually { actions.actions.last == .transfer("1001", .blind) }
        await first.stop()

        let second = try AgentHarness(directory: directory, clock: clock, definitions: definitions)
        _ = try await second.runtime.recover()
        let newActions = RecordingCallActions()
        let resumed = try await second.runtime.attach("call-1", actions: newActions)
        let outcome = try await resumed.outcome()
        XCTAssertEqual(outcome.reason, .transferred)
        XCTAssertEqual(newActions.actions, [.transfer("1001", .blind)], "only the pending action runs again, nothing is re-spoken")
        await second.stop()
    }

    func testAnAbandonedConversationStillFinishesWithItsSummary() async throws {
        let agent = try RepoAgents.receptionist()
        let directory = try TempDirectory()
        let definitions = FixedDefinitions([agent])
        let first = try AgentHarness(directory: directory, definitions: definitions)
        let session = try await first.start("call-1", agent, actions: RecordingCallActions())
        try await session.heard("what are your prices")
        await first.settle(session)
        await first.stop()
        let second = try AgentHarness(directory: directory, definitions: definitions)
        _ = try await second.runtime.recover()
        try await second.runtime.abandon("call-1")
        let outcome = try await second.runtime.engine.handle("call-1").result()
        XCTAssertEqual(outcome.reason, .callerHungUp)
        XCTAssertTrue(outcome.summary?.contains("what are your prices") ?? false)
        await second.stop()
    }
}
