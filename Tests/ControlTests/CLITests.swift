import ArgumentParser
import Control
import Foundation
import Workflow
import XCTest

/// The command structs, parsed from arguments as `parley` would and run in-process against a
/// real server.
final class CLITests: XCTestCase {
    private static func run(_ arguments: [String], harness: ControlHarness, token: String? = nil) async throws -> String {
        var full = arguments + ["--url", harness.baseURL]
        if let token { full += ["--token", token] }
        let parsed = try ControlCLI.parseAsRoot(full)
        guard let command = parsed as? any ControlCommand else {
            throw ControlClientError.usage("\(arguments) is not a control command: \(type(of: parsed))")
        }
        let client = try command.options.makeClient(environment: [:])
        return try await command.execute(with: client)
    }

    func testCallsTableAndCallOperations() async throws {
        let harness = try await ControlHarness.start(for: self, token: "tok")
        let table = try await Self.run(["calls"], harness: harness, token: "tok")
        let lines = table.split(separator: "\n")
        XCTAssertEqual(lines.count, 3)
        XCTAssertTrue(lines[0].hasPrefix("ID   STATE     DIR"), String(lines[0]))
        XCTAssertTrue(lines[1].hasPrefix("c-1  answered  inbound   sip:alice@example.com"), String(lines[1]))
        XCTAssertTrue(lines[1].contains("L16,PCMU"), String(lines[1]))
        XCTAssertTrue(lines[1].hasSuffix("conv-1"))

        let json = try await Self.run(["calls", "--json"], harness: harness, token: "tok")
        let decoded = try ControlJSON.decode([LiveCall].self, from: Data(json.utf8))
        XCTAssertEqual(decoded.count, 2)

        let id = try await Self.run(["call", "originate", "--to", "1001", "--connect", "agent:support"], harness: harness,
                               token: "tok")
        XCTAssertEqual(id, "c-101\n")
        _ = try await Self.run(["call", "hold", "c-1", "--leg", "l-1"], harness: harness, token: "tok")
        _ = try await Self.run(["call", "resume", "c-1"], harness: harness, token: "tok")
        _ = try await Self.run(["call", "transfer", "c-1", "--attended-with", "c-2"], harness: harness, token: "tok")
        _ = try await Self.run(["call", "dtmf", "c-1", "123"], harness: harness, token: "tok")
        _ = try await Self.run(["call", "hangup", "c-2"], harness: harness, token: "tok")
        XCTAssertEqual(harness.switchControl.operations, [
            .originate(OriginateRequest(to: "1001", connectTo: "agent:support")),
            .hold("c-1", "l-1"), .resume("c-1", nil), .transfer("c-1", .attended(withCall: "c-2")),
            .dtmf("c-1", DTMFRequest(digits: "123")), .hangUp("c-2", HangUpRequest()),
        ])
        let detail = try await Self.run(["call", "show", "c-1"], harness: harness, token: "tok")
        XCTAssertTrue(detail.contains("l-1  answered  sip:alice@192.0.2.10:5062  PCMU   yes   1.0"), detail)

        do {
            _ = try await Self.run(["call", "hold", "c-9"], harness: harness, token: "tok")
            XCTFail("holding an unknown call succeeded")
        } catch let error as ControlClientError {
            XCTAssertEqual(error, .api(status: 404, code: "unknown_call", message: "no call c-9"))
        }
        do {
            _ = try await Self.run(["calls"], harness: harness, token: "wrong")
            XCTFail("a wrong token was accepted")
        } catch let error as ControlClientError {
            guard case .api(401, "unauthorized", _) = error else { return XCTFail("\(error)") }
        }
        XCTAssertThrowsError(try ControlCLI.parseAsRoot(["call", "transfer", "c-1"]), "needs --to or --attended-with")
    }

    func testConversationCommands() async throws {
        let harness = try await ControlHarness.start(for: self)
        try await harness.startConversation("conv-1", caller: "sip:alice@example.com")
        try await harness.startConversation("conv-2", caller: "sip:bob@example.com")

        let list = try await Self.run(["conversation", "list", "--caller", "bob"], harness: harness)
        XCTAssertTrue(list.contains("conv-2"), list)
        XCTAssertFalse(list.contains("conv-1"), list)

        let signal = try await Self.run(["conversation", "signal", "conv-1", "transcript", "opening hours please"],
                                   harness: harness)
        // The reply activity may already have completed (2 or 3 events): only the start is fixed.
        XCTAssertTrue(signal.hasPrefix("signalled conv-1 ("), signal)
        await harness.engine.quiesce()
        let history = try await Self.run(["conversation", "history", "conv-1"], harness: harness)
        XCTAssertTrue(history.contains("signal             transcript: opening hours please"), history)
        XCTAssertTrue(history.contains("activityCompleted  reply-1 reply: You said: opening hours please"), history)
        XCTAssertTrue(history.contains("timer idle fires at"), history)

        let said = try await Self.run(["conversation", "update", "conv-1", "say", "Please hold"], harness: harness)
        XCTAssertEqual(said, "queued as turn 3\n")
        do {
            _ = try await Self.run(["conversation", "update", "conv-1", "transfer", "two words"], harness: harness)
            XCTFail("the validator should have refused")
        } catch let error as ControlClientError {
            guard case .api(422, "update_rejected", let message) = error else { return XCTFail("\(error)") }
            XCTAssertTrue(message.contains("invalid transfer target"), message)
        }
        _ = try await Self.run(["conversation", "signal", "conv-1", "dtmf", "9"], harness: harness)
        let digits = try await Self.run(["conversation", "query", "conv-1", "digits"], harness: harness)
        XCTAssertEqual(digits, "9\n")
        let turns = try await Self.run(["conversation", "query", "conv-1", "turns"], harness: harness)
        XCTAssertTrue(turns.contains("user     opening hours please"), turns)
        let status = try await Self.run(["conversation", "query", "conv-1", "status"], harness: harness)
        XCTAssertEqual(status, "active\n")
        do {
            _ = try await Self.run(["conversation", "signal", "conv-1", "wave"], harness: harness)
            XCTFail("an unknown signal kind was sent")
        } catch let error as ControlClientError {
            guard case .usage = error else { return XCTFail("\(error)") }
        }
    }

    func testAgentsAndCallRecordExport() async throws {
        let harness = try await ControlHarness.start(for: self)
        let agents = try await Self.run(["agents", "list"], harness: harness)
        XCTAssertTrue(agents.contains("support  agent-hash-1  2         Front desk"), agents)

        let good = harness.directory.path("good.yaml")
        try "name: support\ngreeting: hi\n".write(toFile: good, atomically: true, encoding: .utf8)
        let valid = try await Self.run(["agents", "validate", good], harness: harness)
        XCTAssertEqual(valid, "\(good): valid, version hash-of-27\n")
        let bad = harness.directory.path("bad.yaml")
        try "greeting: hi\nprompt: TODO\n".write(toFile: bad, atomically: true, encoding: .utf8)
        let invalid = try await Self.run(["agents", "validate", bad], harness: harness)
        XCTAssertEqual(invalid, "\(bad): 2 problem(s)\n  line 1, name: missing name\n  line 2: unfinished\n")

        let start = Date(timeIntervalSince1970: 1_700_000_000)
        try await harness.callRecords.insert(CallRecord(
            callID: "c-1", from: "Smith, John", to: "1000", direction: .inbound, startedAt: start,
            answeredAt: start.addingTimeInterval(1), endedAt: start.addingTimeInterval(61), disposition: .answered))
        try await harness.callRecords.insert(CallRecord(
            callID: "c-2", from: "1001", to: "1002", direction: .internal, startedAt: start.addingTimeInterval(3600),
            endedAt: start.addingTimeInterval(3630), disposition: .noAnswer))
        let file = harness.directory.path("export.csv")
        let wrote = try await Self.run(["cdr", "export", "--since", "2023-11-14", "--until", "2023-11-14T23:00:00Z",
                                   "--output", file], harness: harness)
        XCTAssertTrue(wrote.hasPrefix("wrote "), wrote)
        let csv = try String(contentsOfFile: file, encoding: .utf8)
        let rows = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(rows.count, 2, csv)
        XCTAssertTrue(rows[1].hasPrefix("c-1,\"Smith, John\",1000,inbound,"), rows[1])
        let list = try await Self.run(["cdr", "list", "--disposition", "no_answer"], harness: harness)
        XCTAssertTrue(list.contains("c-2   1001  1002"), list)
        XCTAssertFalse(list.contains("c-1 "), list)
    }

    func testEventsCommandFollowsTheStream() async throws {
        let harness = try await ControlHarness.start(for: self)
        let reader = Task { try await CLITests.run(["events", "--count", "2", "--types", "dtmf"], harness: harness) }
        for _ in 0..<2_000 where harness.events.subscriberCount < 1 { try await Task.sleep(for: .milliseconds(5)) }
        harness.events.publish(.callAnswered, call: "c-1")
        harness.events.publish(.dtmf(digit: "4"), call: "c-1", conversation: "conv-1")
        harness.events.publish(.dtmf(digit: "2"), call: "c-1")
        let output = try await reader.value
        let lines = output.split(separator: "\n").map { String($0.dropFirst(25)) }
        XCTAssertEqual(lines, ["dtmf call c-1 conv conv-1 4", "dtmf call c-1 2"], output)
    }

    func testClientOptionsReadTheEnvironment() throws {
        let options = try ClientOptions.parse([])
        let client = try options.makeClient(environment: ["PARLEY_API_URL": "http://127.0.0.1:9999/base/",
                                                          "PARLEY_API_TOKEN": "env-token"])
        XCTAssertEqual(client.port, 9999)
        XCTAssertEqual(client.basePath, "/base")
        XCTAssertEqual(client.token, "env-token")
        let flags = try ClientOptions.parse(["--url", "http://localhost:8089", "--token", "flag"])
        XCTAssertEqual(try flags.makeClient(environment: ["PARLEY_API_TOKEN": "env"]).token, "flag")
        XCTAssertThrowsError(try ControlClient(baseURL: "https://example.com"))
        XCTAssertThrowsError(try ControlClient(baseURL: "not a url"))
    }
}
