import Codecs
import Foundation
import ParleyTesting
import XCTest

/// Hold and blind transfer between registered baresip phones through Parley's rooms.
final class HoldTransferTests: XCTestCase {
    private static let users = """
        users:
          - extension: "1001"
            password: alice-secret
          - extension: "1002"
            password: bob-secret
          - extension: "1003"
            password: carol-secret
          - extension: "1004"
            password: dave-secret
        security:
          digest_algorithms: [MD5]
        """

    private func phone(_ user: String, password: String, server: ParleyServer, tone: Double) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-ht-\(user)")
        let file = dir.appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: AudioAnalysis.tone(frequency: tone, seconds: 60, sampleRate: 8000, amplitude: 5000),
                               sampleRate: 8000).serialized()).write(to: file)
        let phone = try Baresip(name: user, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: file,
                                registration: (port: server.sipPort, password: password))
        try phone.start()
        addTeardownBlock { phone.stop() }
        let deadline = Date().addingTimeInterval(20)
        while !server.log.contains("user=\(user) [Switch] registration"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(server.log.contains("user=\(user) [Switch] registration"), phone.output() + server.log)
        return phone
    }

    private func level(_ samples: ArraySlice<Int16>, _ frequency: Double, rate: Int) -> Double {
        AudioAnalysis.amplitude(of: frequency, in: samples, sampleRate: rate)
    }

    /// Samples between `from` and `to` seconds before the end of the recording (clamped).
    private func tail(_ samples: [Int16], rate: Int, from: Double, to: Double) -> ArraySlice<Int16> {
        let start = max(0, samples.count - Int(from * Double(rate)))
        let end = max(start, samples.count - Int(to * Double(rate)))
        return samples[start..<end]
    }

    private func rms(_ samples: ArraySlice<Int16>) -> Double {
        AudioAnalysis.rms(Array(samples))
    }

    private func waitForLog(_ text: String, in server: ParleyServer, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if server.log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    private func recording(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        return (try XCTUnwrap(wav.pcm16Samples), wav.sampleRate)
    }

    func testHoldPlaysMusicToTheOtherPartyAndResumeRestoresTheTones() throws {
        let server = try ParleyServer(name: "hold", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        Thread.sleep(forTimeInterval: 3)
        _ = try alice.command("hold")
        XCTAssertTrue(waitForLog("caller put the call on hold", in: server), alice.output() + server.log)
        Thread.sleep(forTimeInterval: 4)
        _ = try alice.command("resume")
        XCTAssertTrue(waitForLog("caller resumed the call", in: server), alice.output() + server.log)
        Thread.sleep(forTimeInterval: 3)
        alice.stop()
        bob.stop()
        let (heard, rate) = try recording(bob)
        XCTAssertGreaterThan(heard.count, rate * 9, "Bob recorded too little")
        // The recording ends about 3 s after resume; hold covered the 4 s before that.
        let afterResume = tail(heard, rate: rate, from: 2, to: 0.25)
        let onHold = tail(heard, rate: rate, from: 6, to: 4)
        let beforeHold = tail(heard, rate: rate, from: 9, to: 8)
        XCTAssertGreaterThan(level(beforeHold, 1200, rate: rate), 1500, "Bob hears Alice before the hold")
        XCTAssertLessThan(level(onHold, 1200, rate: rate), 200, "Alice's tone must not reach Bob on hold")
        XCTAssertGreaterThan(rms(onHold), 300, "Bob hears the hold music while Alice holds")
        XCTAssertGreaterThan(level(afterResume, 1200, rate: rate), 1500, "Bob hears Alice again after resume")
    }

    func testBlindTransferConnectsTheCallerToTheTarget() throws {
        let server = try ParleyServer(name: "transfer", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: 900)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_ESTABLISHED", timeout: 20), bob.output() + server.log)
        Thread.sleep(forTimeInterval: 3)
        // Bob transfers Alice to Carol: 100 Trying, Carol rings and answers, NOTIFY 200, Bob drops out.
        _ = try bob.command("transfer", params: "sip:1003@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("blind transfer completed", in: server), bob.output() + server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 20), carol.output())
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor stays in the call\n" + bob.output())
        let notifies = server.log.components(separatedBy: "\n").filter { $0.contains("transfer notify") }
            .compactMap { line in line.range(of: "sipfrag=").map { String(line[$0.upperBound...].prefix(3)) } }
        XCTAssertEqual(notifies.first, "100", "\(notifies)")
        XCTAssertEqual(notifies.last, "200", "\(notifies)")
        Thread.sleep(forTimeInterval: 3)
        XCTAssertTrue(alice.messages.allSatisfy { $0.type != "CALL_CLOSED" }, "Alice's call must survive the transfer")
        alice.stop()
        carol.stop()
        let (toAlice, rate) = try recording(alice)
        XCTAssertGreaterThan(toAlice.count, rate * 4, "Alice recorded too little")
        let end = tail(toAlice, rate: rate, from: 2, to: 0.25)
        XCTAssertGreaterThan(level(end, 900, rate: rate), 1500, "Alice hears Carol after the transfer")
        XCTAssertLessThan(level(end, 600, rate: rate), 200, "Alice no longer hears Bob")
        let before = toAlice.prefix(rate * 3).suffix(rate)
        XCTAssertGreaterThan(level(before, 600, rate: rate), 1500, "Alice heard Bob before the transfer")
        let (toCarol, carolRate) = try recording(carol)
        XCTAssertGreaterThan(level(tail(toCarol, rate: carolRate, from: 2, to: 0.25), 1200, rate: carolRate), 1500, "Carol hears Alice")
    }

    func testATransferToAnUnreachableTargetIsReportedAndParleyKeepsTheCall() throws {
        let server = try ParleyServer(name: "transfer-fail", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        Thread.sleep(forTimeInterval: 1)
        // 1004 exists but is not registered: NOTIFY 100 then 480, and Parley itself ends nothing
        // (baresip 1.0 then hangs up on its own: "menu: transfer failure").
        _ = try bob.command("transfer", params: "sip:1004@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("blind transfer failed", in: server), server.log)
        let notifies = server.log.components(separatedBy: "\n").filter { $0.contains("transfer notify") }
            .compactMap { line in line.range(of: "sipfrag=").map { String(line[$0.upperBound...].prefix(3)) } }
        XCTAssertEqual(notifies, ["100", "480"])
        let deadline = Date().addingTimeInterval(20)
        while !bob.output().contains("transfer failed: 480"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(bob.output().contains("transfer failed: 480"), bob.output())
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), alice.output())
        XCTAssertTrue(server.log.contains("reason=callee hung up"), "only the transferor's own BYE ends the call\n" + server.log)
    }

    func testHoldReInvitesAreAnsweredWithTheRightDirections() throws {
        let server = try ParleyServer(name: "hold-sdp")
        addTeardownBlock { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-hold")
        let result = try SIPp.run(scenario: "uac_hold", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "9196", "-p", "\(try FreePorts.sipPort())", "-m", "1",
        ], workingDirectory: work, timeout: 60)
        // check_it fails the call when an answer's direction is wrong.
        XCTAssertEqual(result.successfulCalls, 1, result.output + server.log)
        XCTAssertEqual(result.failedCalls, 0, result.output)
        XCTAssertEqual(server.log.components(separatedBy: "re-INVITE answered").count - 1, 4, server.log)
    }

    func testSessionTimersAnswer422WithMinSEAndHonourSessionExpires() throws {
        let server = try ParleyServer(name: "session-timer")
        addTeardownBlock { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-session-timer")
        let result = try SIPp.run(scenario: "uac_session_timer", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "9196", "-p", "\(try FreePorts.sipPort())", "-m", "1",
        ], workingDirectory: work, timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, result.output + server.log)
        XCTAssertEqual(result.failedCalls, 0, result.output)
    }
}
