import Foundation
import Workflow
import XCTest

/// Replays recorded histories checked into Fixtures/ and demands byte-identical state. Set
/// WORKFLOW_RECORD_FIXTURES=1 to re-record them after an intended change (and bump the agent
/// version the fixtures use, since old histories must keep replaying with the old logic).
final class DeterminismTests: XCTestCase {
    static let fixtureVersion = "fixture-agent-v1"
    static let settings = ConversationSettings(
        greeting: "Welcome to Parley.", idleTimeout: .seconds(8), maxDuration: .seconds(120),
        continueAsNewAfter: 12)

    private static var fixtures: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    }

    private var recording: Bool { ProcessInfo.processInfo.environment["WORKFLOW_RECORD_FIXTURES"] == "1" }

    func testRecordedConversationHistoriesReplayToTheRecordedState() async throws {
        for name in ["conversation-full", "conversation-idle"] {
            let (archive, expected) = try await fixture(name)
            XCTAssertEqual(archive.version, Self.fixtureVersion)
            let definition = ConversationWorkflow(settings: Self.settings, version: archive.version, idleAllowsForSpeech: false)
            let first = try WorkflowMachine.replaying(archive.records, workflowID: archive.workflowID, definition: definition)
            let second = try WorkflowMachine.replaying(archive.records, workflowID: archive.workflowID, definition: definition)
            XCTAssertEqual(HistoryArchive.hex(first.encodedState), expected, "\(name): state differs from the recording")
            XCTAssertEqual(first.encodedState, second.encodedState)
            XCTAssertEqual(first.status, .completed, name)
        }
    }

    /// Running the scripted call again must write exactly the recorded history, record for record.
    func testLiveRunReproducesTheRecordedHistory() async throws {
        for name in ["conversation-full", "conversation-idle"] {
            let (archive, _) = try await fixture(name)
            let rerun = try await Self.record(name)
            XCTAssertEqual(rerun.0.records, archive.records, "\(name): the live run diverged from the recording")
        }
    }

    func testReplayDetectsATamperedSnapshot() async throws {
        var (archive, _) = try await fixture("conversation-full")
        guard let index = archive.records.firstIndex(where: { $0.kind == .snapshot }) else {
            return XCTFail("the full fixture must contain a continue-as-new snapshot")
        }
        archive.records[index].payload[archive.records[index].payload.count - 1] ^= 0x01
        let definition = ConversationWorkflow(settings: Self.settings, version: archive.version, idleAllowsForSpeech: false)
        XCTAssertThrowsError(try WorkflowMachine.replaying(archive.records, workflowID: archive.workflowID,
                                                           definition: definition)) { error in
            guard case .nonDeterminism? = error as? WorkflowError else { return XCTFail("got \(error)") }
        }
    }

    func testArchiveTextRoundTripsAndRejectsGarbage() async throws {
        let (archive, _) = try await fixture("conversation-idle")
        XCTAssertEqual(try HistoryArchive(text: archive.text), archive)
        XCTAssertThrowsError(try HistoryArchive(text: "hello"))
        let broken = archive.text.replacingOccurrences(of: "record 2 ", with: "record x ")
        XCTAssertThrowsError(try HistoryArchive(text: broken)) { error in
            XCTAssertEqual((error as? HistoryArchive.ParseError)?.line, 6)
        }
    }

    // MARK: - Fixtures

    private func fixture(_ name: String) async throws -> (HistoryArchive, String) {
        let historyURL = Self.fixtures.appendingPathComponent("\(name).history")
        let stateURL = Self.fixtures.appendingPathComponent("\(name).state")
        if recording {
            let (archive, state) = try await Self.record(name)
            try archive.text.write(to: historyURL, atomically: true, encoding: .utf8)
            try (HistoryArchive.hex(state) + "\n").write(to: stateURL, atomically: true, encoding: .utf8)
        }
        let archive = try HistoryArchive(text: String(contentsOf: historyURL, encoding: .utf8))
        let state = try String(contentsOf: stateURL, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (archive, state)
    }

    /// The scripted calls behind the fixtures, on a manual clock.
    private static func record(_ name: String) async throws -> (HistoryArchive, [UInt8]) {
        let harness = try ConversationHarness(settings: settings, version: fixtureVersion, idleAllowsForSpeech: false)
        defer { harness.stop() }
        let clock = harness.clock
        let call = try await harness.engine.start("fixture-call", input: ConversationInput(caller: "alice", callee: "agent"))
        if name == "conversation-full" {
            try await call.signal(Conversation.Transcript.self, ("I would", false))
            clock.advance(by: .milliseconds(700))
            try await call.signal(Conversation.Transcript.self, ("I would like my balance", true))
            await harness.engine.quiesce()
            for digit in ["4", "2"] {
                clock.advance(by: .milliseconds(300))
                try await call.signal(Conversation.Digit.self, digit)
            }
            try await call.signal(.bargeIn(heard: "Reply to"))
            harness.model.failNext(ActivityFailure(type: "HTTP429", nextRetryDelay: .milliseconds(1500)))
            try await call.signal(Conversation.Transcript.self, ("and my last payment", true))
            await harness.engine.quiesce()
            clock.advance(by: .milliseconds(1500))
            await harness.engine.quiesce()
            _ = try await call.update(Conversation.Say.self, "One moment please.")
            _ = try await call.update(Conversation.Ask.self, "Is there a fee?")
            clock.advance(by: .seconds(8))
            await harness.engine.quiesce()
            try await call.signal(Conversation.HungUp.self, ())
        } else {
            clock.advance(by: .seconds(8))
            await harness.engine.quiesce()
            clock.advance(by: .seconds(8))
        }
        _ = try await call.result()
        await harness.engine.quiesce()
        let archive = try await harness.engine.archive(of: "fixture-call")
        let machine = try await harness.engine.replayStored("fixture-call")
        return (archive, machine.encodedState)
    }
}
