import Foundation
import Logging
import ParleyConfig
import ParleyTesting
import Switch
import XCTest

/// The switch's public control API, in-process: what it refuses and why, and the events it
/// reports, with a SIPp phone registering and calling the echo test.
final class SwitchControlAPITests: XCTestCase {
    /// Collects the switch's events from any thread.
    private final class Events: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [SwitchEvent] = []
        func add(_ event: SwitchEvent) { lock.withLock { list.append(event) } }
        var all: [SwitchEvent] { lock.withLock { list } }
    }

    private func makeSwitch(_ name: String) throws -> (Switch, UInt16, Events) {
        let (parley, sipPort) = try InProcessSwitch.make(name, extraYAML: """
            dialplan:
              - extension: "9196"
                action: echo
              - extension: "7000"
                action: reject
                code: 486
            """)
        let events = Events()
        parley.onEvent = { events.add($0) }
        try parley.start()
        addTeardownBlock { parley.shutdown(timeout: .seconds(2)) }
        return (parley, sipPort, events)
    }

    private func expect(_ expected: CallControlError, file: StaticString = #filePath, line: UInt = #line,
                        _ work: () async throws(CallControlError) -> Void) async {
        do {
            try await work()
            XCTFail("expected \(expected)", file: file, line: line)
        } catch {
            XCTAssertEqual(error, expected, file: file, line: line)
        }
    }

    func testRefusalsNameWhatIsWrong() async throws {
        let (parley, _, _) = try makeSwitch("control-refusals")
        let calls = await parley.calls()
        XCTAssertEqual(calls, [])
        let rooms = await parley.rooms()
        XCTAssertEqual(rooms, [])
        XCTAssertEqual(parley.registrations().count, 0)
        await expect(.unknownCall("nope")) { () async throws(CallControlError) in try await parley.hangUp(callID: "nope") }
        await expect(.unknownCall("nope")) { () async throws(CallControlError) in _ = try await parley.call("nope") }
        await expect(.unknownCall("nope")) { () async throws(CallControlError) in try await parley.transfer(callID: "nope", to: "1002") }
        await expect(.invalid("'12x' is not a sequence of DTMF keys (0-9 * # A-D)")) { () async throws(CallControlError) in
            try await parley.sendDTMF(callID: "nope", digits: "12x")
        }
        await expect(.unknownTarget("4711")) { () async throws(CallControlError) in
            _ = try await parley.originate(to: "1001", connectTo: "4711")
        }
        await expect(.unreachable(target: "7000", status: 486)) { () async throws(CallControlError) in
            _ = try await parley.originate(to: "1001", connectTo: "7000")
        }
        await expect(.unreachable(target: "1001", status: 480)) { () async throws(CallControlError) in
            _ = try await parley.originate(to: "1001", connectTo: "9196")
        }
        await expect(.notSupported("originate rings users, trunk numbers and SIP URIs; 9196 is none")) { () async throws(CallControlError) in
            _ = try await parley.originate(to: "9196", connectTo: "1001")
        }
        await expect(.invalid("'bad room' is not a conference room name")) { () async throws(CallControlError) in
            _ = try await parley.originate(to: "1001", connectTo: "room:bad room")
        }
        await expect(.unknownRoom("call-1")) { () async throws(CallControlError) in
            try await parley.perform(.mute(true), member: "1", room: "call-1")
        }
        await expect(.invalid("a sound is named by its path inside the sounds folder")) { () async throws(CallControlError) in
            try await parley.play(sound: "../etc/passwd", to: .room("x"))
        }
        await expect(.unknownCall("nope")) { () async throws(CallControlError) in
            _ = try await parley.startRecording(.call("nope"))
        }
    }

    func testAnEchoCallReportsItsStartAnswerAndEndWithMediaCounters() async throws {
        let (parley, sipPort, events) = try makeSwitch("control-events")
        let work = try PeerFiles.scratchDirectory("sipp-control-events")
        let media = try FreePorts.udpRange(count: 4)
        let callID = "control-events-\(UUID().uuidString.prefix(8))"
        let result = try SIPp.run(scenario: "uac_rtp_echo", arguments: [
            "127.0.0.1:\(sipPort)", "-s", "9196", "-p", "\(try FreePorts.sipPort())", "-mp", "\(media.lowerBound)",
            "-m", "1", "-d", "2000", "-cid_str", callID,
        ], workingDirectory: work, timeout: 30)
        XCTAssertEqual(result.successfulCalls, 1, result.output)
        let deadline = Date().addingTimeInterval(10)
        var ended: CallEndReport?
        while Date() < deadline, ended == nil {
            for event in events.all where event.callID == callID {
                if case .callEnded(let report) = event.kind { ended = report }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        let report = try XCTUnwrap(ended, "no end reported: \(events.all.map(\.kind))")
        let kinds = events.all.filter { $0.callID == callID }.map { event -> String in
            switch event.kind {
            case .callIncoming: "incoming"
            case .callAnswered: "answered"
            case .callEnded: "ended"
            default: "other"
            }
        }
        XCTAssertEqual(kinds, ["incoming", "answered", "ended"])
        XCTAssertEqual(report.disposition, .answered)
        XCTAssertEqual(report.to, "9196")
        XCTAssertEqual(report.direction, .inbound)
        XCTAssertEqual(report.codecs, ["PCMU"])
        XCTAssertEqual(report.cause, "caller hung up")
        let quality = try XCTUnwrap(report.quality)
        XCTAssertGreaterThan(quality.packetsReceived, 50)
        XCTAssertGreaterThan(quality.packetsSent, 50)
        XCTAssertNotNil(report.answeredAt)
        XCTAssertGreaterThanOrEqual(report.endedAt, report.answeredAt ?? .distantFuture)
    }
}
