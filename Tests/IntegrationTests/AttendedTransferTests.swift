import Codecs
import Foundation
import ParleyTesting
import XCTest

/// Attended transfer (REFER with Replaces, RFC 3891/5589) and INVITE with Replaces through Parley.
/// A (1001) and C (1003) are baresip phones playing tones and recording what they hear; B (1002)
/// is one sipp instance handling both of its dialogs (scenarios `xfer_*` in Tests/Peers/sipp).
final class AttendedTransferTests: XCTestCase {
    private static let users = """
        users:
          - extension: "1001"
            password: alice-secret
          - extension: "1002"
            password: bob-secret
          - extension: "1003"
            password: carol-secret
        security:
          digest_algorithms: [MD5]
        """

    private static let aliceTone = 1200.0
    private static let carolTone = 900.0

    // MARK: REFER with Replaces

    func testAttendedTransferFromTheCalleeLegConnectsTheCallerWithTheTarget() throws {
        try attendedTransfer(scenario: "xfer_attended_b")
    }

    func testAttendedTransferFromTheCallerLegConnectsTheCallerWithTheTarget() throws {
        try attendedTransfer(scenario: "xfer_attended_b_caller")
    }

    /// B holds A, calls C, and REFERs one call naming the other: Parley must NOTIFY 200 (the
    /// scenario checks it), BYE both of B's dialogs, and A and C must hear each other.
    private func attendedTransfer(scenario: String) throws {
        let server = try ParleyServer(name: "attended", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: Self.carolTone)
        let (bob, messages) = try transferor(scenario: scenario, server: server)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(waitForLog("attended transfer completed", in: server, timeout: 40), server.log)
        let result = try bob.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, "B must see NOTIFY 200 and a BYE on each dialog\n" + result.output + server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 5), carol.output())
        // Both BYEs B received are for different dialogs: call 1 and its own call 2 ("c2///…").
        let byes = SIPpMessageLog(contentsOf: messages).received("BYE").compactMap { $0.header("Call-ID") }
        XCTAssertEqual(byes.count, 2, "\(byes)")
        XCTAssertEqual(Set(byes).count, 2, "\(byes)")
        XCTAssertEqual(byes.filter { $0.hasPrefix("c2///") }.count, 1, "\(byes)")
        let notifies = SIPpMessageLog(contentsOf: messages).received("NOTIFY")
        XCTAssertEqual(notifies.map { $0.body.hasPrefix("SIP/2.0 200") }, [true], notifies.map(\.body).description)
        XCTAssertTrue(server.log.contains("referred-by=<sip:1002@"), "Referred-By is logged\n" + server.log)

        Thread.sleep(forTimeInterval: 3)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "A's call must survive the transfer\n" + alice.output())
        XCTAssertFalse(carol.messages.contains { $0.type == "CALL_CLOSED" }, "C's call must survive the transfer\n" + carol.output())
        alice.stop()
        carol.stop()
        let (toAlice, rate) = try recording(alice)
        let aliceEnd = tail(toAlice, rate: rate, from: 2, to: 0.25)
        XCTAssertGreaterThan(level(aliceEnd, Self.carolTone, rate: rate), 1500, "A hears C after the transfer")
        let (toCarol, carolRate) = try recording(carol)
        let carolEnd = tail(toCarol, rate: carolRate, from: 2, to: 0.25)
        XCTAssertGreaterThan(level(carolEnd, Self.aliceTone, rate: carolRate), 1500, "C hears A after the transfer")
    }

    /// Semi-attended: B REFERs A's call naming its consultation call while C still rings. A hears
    /// ringback, B's dialogs end (NOTIFY 200, 480 to the consultation INVITE, BYE; the scenario
    /// checks them), and when C answers 5 s later A and C talk.
    func testAttendedTransferToAStillRingingTargetConnectsWhenItAnswers() throws {
        let server = try ParleyServer(name: "semi-attended", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let carol = try ringingCarol(server: server)
        let (bob, _) = try transferor(scenario: "xfer_semi_attended_b", server: server)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(waitForLog("attended transfer to a ringing target", in: server, timeout: 40), server.log)
        let result = try bob.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, "B must see NOTIFY 200, 480 on call 2 and BYE on call 1\n" + result.output + server.log)
        XCTAssertTrue(waitForLog("blind transfer completed", in: server, timeout: 30), "C answers A\n" + server.log)
        Thread.sleep(forTimeInterval: 6)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "A's call must survive the transfer\n" + alice.output())
        _ = try alice.command("hangup")
        XCTAssertEqual(try carol.finish(timeout: 30).successfulCalls, 1, "A's hang-up reaches C\n" + server.log)
        alice.stop()
        let (toAlice, rate) = try recording(alice)
        // Ringback (440 + 480 Hz, 2 s on, 4 s off) while C rang; C's plain 440 Hz at the end.
        let seconds = toAlice.count / rate
        let ringback = (0..<max(0, seconds - 1)).map { level(toAlice[($0 * rate)..<(($0 + 1) * rate)], 480, rate: rate) }.max() ?? 0
        XCTAssertGreaterThan(ringback, 1000, "A hears ringback while C rings")
        let end = tail(toAlice, rate: rate, from: 5.5, to: 0.5)
        XCTAssertGreaterThan(level(end, 440, rate: rate), 1000, "A hears C after C answered")
        XCTAssertLessThan(level(end, 480, rate: rate), 300, "the ringback stops when C answers")
    }

    /// Semi-attended from the called party: B called A (B is a trunk peer Parley trusts by
    /// address, so one sipp instance can place both its calls without digests), consults C and,
    /// while C rings, REFERs its own dialog with A naming the consultation. A's leg becomes a call
    /// of its own: A hears ringback, B's dialogs end (the scenario checks NOTIFY 200, 480, BYE),
    /// and when C answers A and C talk; A's hang-up reaches C.
    func testSemiAttendedTransferByTheCallerHandsTheCalleeToTheRingingTarget() throws {
        let bobPort = try FreePorts.sipPort()
        let server = try semiAttendedServer("semi-attended-caller", bobPort: bobPort)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let carol = try ringingCarol(server: server)
        let work = try PeerFiles.scratchDirectory("sipp-xfer_semi_attended_b_caller")
        let bob = try SIPp.start(scenario: "xfer_semi_attended_b_caller", arguments: [
            "127.0.0.1:\(server.sipPort)", "-p", "\(bobPort)", "-m", "1",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { bob.stop() }
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(waitForLog("attended transfer to a ringing target", in: server, timeout: 40), server.log)
        let result = try bob.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, "B must see NOTIFY 200, 480 on call 2 and BYE on call 1\n" + result.output + server.log)
        XCTAssertTrue(server.log.contains("callee leg became a call of its own"), server.log)
        XCTAssertTrue(waitForLog("blind transfer completed", in: server, timeout: 30), "C answers A\n" + server.log)
        Thread.sleep(forTimeInterval: 6)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "A's call must survive the transfer\n" + alice.output())
        _ = try alice.command("hangup")
        XCTAssertEqual(try carol.finish(timeout: 30).successfulCalls, 1, "A's hang-up reaches C\n" + server.log)
        alice.stop()
        let (toAlice, rate) = try recording(alice)
        let seconds = toAlice.count / rate
        let ringback = (0..<max(0, seconds - 1)).map { level(toAlice[($0 * rate)..<(($0 + 1) * rate)], 480, rate: rate) }.max() ?? 0
        XCTAssertGreaterThan(ringback, 1000, "A hears ringback while C rings")
        let end = tail(toAlice, rate: rate, from: 5.5, to: 0.5)
        XCTAssertGreaterThan(level(end, 440, rate: rate), 1000, "A hears C after C answered")
        XCTAssertLessThan(level(end, 480, rate: rate), 300, "the ringback stops when C answers")
    }

    /// The same hand-over, but C declines after ringing (486): A's former party is gone, so
    /// Parley ends A's call; nothing is left behind.
    func testSemiAttendedTransferByTheCallerEndsTheCalleesCallWhenTheTargetDeclines() throws {
        let bobPort = try FreePorts.sipPort()
        let server = try semiAttendedServer("semi-attended-caller-busy", bobPort: bobPort)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let carol = try ringingCarol(server: server, scenario: "uas_ring_then_busy")
        let work = try PeerFiles.scratchDirectory("sipp-xfer_semi_attended_b_caller-busy")
        let bob = try SIPp.start(scenario: "xfer_semi_attended_b_caller", arguments: [
            "127.0.0.1:\(server.sipPort)", "-p", "\(bobPort)", "-m", "1",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { bob.stop() }
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(waitForLog("attended transfer to a ringing target", in: server, timeout: 40), server.log)
        XCTAssertEqual(try bob.finish(timeout: 60).successfulCalls, 1, server.log)
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 30), "A's call ends when C declines\n" + alice.output() + server.log)
        XCTAssertEqual(try carol.finish(timeout: 30).successfulCalls, 1, "C's 486 is acknowledged\n" + server.log)
        XCTAssertTrue(waitForLog("transfer target did not answer (486)", in: server), server.log)
        XCTAssertFalse(server.log.contains("blind transfer completed"), server.log)
    }

    func testAttendedTransferNamingAnUnknownDialogIsReportedAs481AndChangesNothing() throws {
        let server = try ParleyServer(name: "attended-unknown", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: Self.carolTone)
        let (bob, messages) = try transferor(scenario: "xfer_attended_b_unknown", server: server)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        // The scenario checks NOTIFY 481, then hangs up call 2 and call 1 itself: each BYE must
        // find its dialog still there (200), so nothing was torn down.
        let result = try bob.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, result.output + server.log)
        XCTAssertTrue(server.log.contains("attended transfer refused"), server.log)
        XCTAssertFalse(server.log.contains("attended transfer completed"), server.log)
        XCTAssertEqual(SIPpMessageLog(contentsOf: messages).received("BYE").count, 0, "Parley must not end B's calls")
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), "B's BYE on call 1 ends A's call\n" + alice.output())
        XCTAssertTrue(carol.waitForEvent("CALL_CLOSED", timeout: 20), "B's BYE on call 2 ends C's call\n" + carol.output())
    }

    // MARK: INVITE with Replaces

    func testAnInviteWithReplacesTakesTheReplacedLegsPlaceAndEndsIt() throws {
        let server = try ParleyServer(name: "replaces", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let (bob, messages) = try transferor(scenario: "xfer_replaces_handoff", server: server, authUser: "1002")
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        // The new dialog gets 200, the replaced one a BYE (both checked by the scenario), then it
        // streams 440 Hz for 4 s and hangs up, which must end A's call too.
        let result = try bob.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, result.output + server.log)
        XCTAssertTrue(server.log.contains("call replaced"), server.log)
        XCTAssertEqual(SIPpMessageLog(contentsOf: messages).received("BYE").count, 1)
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), "the replacing leg's BYE ends A's call\n" + alice.output() + server.log)
        alice.stop()
        let (toAlice, rate) = try recording(alice)
        let lastSeconds = tail(toAlice, rate: rate, from: 3, to: 0.5)
        XCTAssertGreaterThan(level(lastSeconds, 440, rate: rate), 1500, "A hears the replacing leg's tone")
    }

    /// RFC 3891 §3: a Replaces naming an early dialog *we* initiated (a fork still ringing) is
    /// accepted: the fork is cancelled and the waiting caller is answered, bridged with the new leg.
    func testAnInviteWithReplacesNamingARingingForkPicksTheCallUp() throws {
        let server = try ParleyServer(name: "replaces-pickup", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: Self.aliceTone)
        let (bob, messages) = try transferor(scenario: "xfer_replaces_pickup", server: server, authUser: "1002")
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        // The scenario checks: 200 to the new INVITE, CANCEL of the ringing one; then 440 Hz for 4 s.
        let result = try bob.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, result.output + server.log)
        XCTAssertTrue(server.log.contains("pickup=true"), server.log)
        XCTAssertEqual(SIPpMessageLog(contentsOf: messages).received("CANCEL").count, 1)
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(alice.messages.contains { $0.type == "CALL_ESTABLISHED" }, "A's call was answered by the pickup\n" + alice.output())
        alice.stop()
        let (toAlice, rate) = try recording(alice)
        XCTAssertGreaterThan(level(tail(toAlice, rate: rate, from: 3, to: 0.5), 440, rate: rate), 1500, "A hears the picking-up leg's tone")
    }

    func testAnInviteWithReplacesNamingNoDialogIsChallengedThenRefusedWith481() throws {
        let server = try ParleyServer(name: "replaces-unknown", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-replaces-unknown")
        let result = try SIPp.run(scenario: "uac_replaces_unknown", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1003", "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-au", "1001", "-ap", "alice-secret", "-key", "from_user", "1001", "-auth_uri", "1003@127.0.0.1:\(server.sipPort)",
        ], workingDirectory: work, timeout: 30)
        XCTAssertEqual(result.successfulCalls, 1, "expected 407 then 481\n" + result.output + server.log)
        XCTAssertTrue(server.log.contains("Replaces names no dialog of ours"), server.log)
    }

    // MARK: helpers

    /// C: 1003 registered at a sipp UAS that rings 5 s, then answers streaming 440 Hz.
    /// Parley for the called party's semi-attended transfer: B is a trunk peer at `bobPort`
    /// trusted by address, so one sipp instance can place both its calls without digests.
    private func semiAttendedServer(_ name: String, bobPort: UInt16) throws -> ParleyServer {
        try ParleyServer(name: name, extraTop: Self.users + """

            trunks:
              - name: peer
                registrar: sip:127.0.0.1:\(bobPort)
                register: false
            inbound:
              - did: "1001"
                extension: "1001"
              - did: "1003"
                extension: "1003"
            """)
    }

    private func ringingCarol(server: ParleyServer, scenario: String = "uas_ring_late") throws -> SIPpInstance {
        let carolPort = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-\(scenario)")
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1003", "-au", "1003", "-ap", "carol-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(carolPort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output + server.log)
        let carol = try SIPp.start(scenario: scenario, arguments: [
            "-p", "\(carolPort)", "-m", "1", "-mp", "\(try FreePorts.sipPort())",
        ], workingDirectory: work, timeout: 90)
        addTeardownBlock { carol.stop() }
        XCTAssertTrue(FreePorts.waitUntilBound(carolPort, udp: true, timeout: 10))
        return carol
    }

    /// B: registers 1002 at a free port, then runs `scenario` there (listening for Parley's
    /// INVITE); returns the instance and its message log. `authUser` is the user part of the
    /// request URI of B's authenticated INVITE: sipp's digest uri is host:port unless told, and
    /// Parley checks it against the request URI.
    private func transferor(scenario: String, server: ParleyServer, authUser: String = "1003") throws -> (SIPpInstance, URL) {
        let port = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-\(scenario)")
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1002", "-au", "1002", "-ap", "bob-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(port)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output + server.log)
        let messages = work.appendingPathComponent("messages.log")
        let instance = try SIPp.start(scenario: scenario, arguments: [
            "127.0.0.1:\(server.sipPort)", "-p", "\(port)", "-au", "1002", "-ap", "bob-secret", "-m", "1",
            "-auth_uri", "\(authUser)@127.0.0.1:\(server.sipPort)", "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { instance.stop() }
        return (instance, messages)
    }

    private func phone(_ user: String, password: String, server: ParleyServer, tone: Double) throws -> Baresip {
        let source = try PeerFiles.toneWAV(frequency: tone, seconds: 60, amplitude: 5000)
        let phone = try Baresip(name: user, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: source,
                                registration: (port: server.sipPort, password: password))
        try phone.start()
        addTeardownBlock { phone.stop() }
        XCTAssertTrue(waitForLog("user=\(user) [Switch] registration", in: server), phone.output() + server.log)
        return phone
    }

    private func waitForLog(_ text: String, in server: ParleyServer, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if server.log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return server.log.contains(text)
    }

    private func recording(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let (samples, rate) = try PeerFiles.readMonoPCM16(url)
        XCTAssertGreaterThan(samples.count, rate * 2, "\(phone.name) recorded too little")
        return (samples, rate)
    }

    /// Samples between `from` and `to` seconds before the end of the recording (clamped).
    private func tail(_ samples: [Int16], rate: Int, from: Double, to: Double) -> ArraySlice<Int16> {
        let start = max(0, samples.count - Int(from * Double(rate)))
        let end = max(start, samples.count - Int(to * Double(rate)))
        return samples[start..<end]
    }

    private func level(_ samples: ArraySlice<Int16>, _ frequency: Double, rate: Int) -> Double {
        AudioAnalysis.amplitude(of: frequency, in: samples, sampleRate: rate)
    }
}
