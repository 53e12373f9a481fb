import Codecs
import Foundation
import ParleyTesting
import XCTest

/// Parley as a PBX: phones register with digest auth and call each other through the B2BUA.
final class PBXTests: XCTestCase {
    private static let users = """
        users:
          - extension: "1001"
            password: alice-secret-1001
            caller_id_name: Alice
          - extension: "1002"
            password: bob-secret-1002
            caller_id_name: Bob
        security:
          digest_algorithms: [MD5]   # baresip 1.0 fails on a SHA-256 challenge instead of picking MD5
        """

    private func phone(_ name: String, password: String, server: ParleyServer, tone: Double, seconds: Double = 6) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-\(name)")
        let file = dir.appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: AudioAnalysis.tone(frequency: tone, seconds: seconds, sampleRate: 8000), sampleRate: 8000)
            .serialized()).write(to: file)
        let phone = try Baresip(name: name, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: file,
                                registration: (port: server.sipPort, password: password))
        try phone.start()
        return phone
    }

    /// baresip registers as it starts, before its control socket is read: watch parley's log instead.
    private func waitForRegistration(_ user: String, on server: ParleyServer, timeout: TimeInterval = 20) -> Bool {
        waitForLog("user=\(user) [Switch] registration", on: server, timeout: timeout)
    }

    /// Parley logs a call's end once its media stream has closed, which can come a moment after
    /// the phones saw the BYE: wait for the line rather than read the log at once.
    private func waitForLog(_ text: String, on server: ParleyServer, timeout: TimeInterval = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if server.log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// Alice (1001, 440 Hz) and Bob (1002, 1000 Hz) register, then Alice calls Bob and the call is
    /// established. Each phone's call ends when its tone does. Both are stopped at teardown.
    private func aliceCallsBob(on server: ParleyServer, aliceSeconds: Double, bobSeconds: Double) throws -> (Baresip, Baresip) {
        let alice = try phone("1001", password: "alice-secret-1001", server: server, tone: 440, seconds: aliceSeconds)
        addTeardownBlock { alice.stop() }
        let bob = try phone("1002", password: "bob-secret-1002", server: server, tone: 1000, seconds: bobSeconds)
        addTeardownBlock { bob.stop() }
        XCTAssertTrue(waitForRegistration("1001", on: server), alice.output() + server.log)
        XCTAssertTrue(waitForRegistration("1002", on: server), bob.output() + server.log)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        return (alice, bob)
    }

    private func heard(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        let samples = try XCTUnwrap(wav.pcm16Samples)
        return (Array(samples.dropFirst(wav.sampleRate / 2)), wav.sampleRate)
    }

    func testTwoRegisteredPhonesCallEachOtherAndHearEachOther() throws {
        let server = try ParleyServer(name: "pbx-call", extraTop: Self.users)
        addTeardownBlock { server.stop() }  // after the phones (teardown runs last-added first)
        let (alice, bob) = try aliceCallsBob(on: server, aliceSeconds: 6, bobSeconds: 30)
        XCTAssertTrue(bob.waitForEvent("CALL_ESTABLISHED", timeout: 20), bob.output())
        // Alice's 6 s tone ends her call; the hang-up must reach Bob through Parley.
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 30), alice.output())
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 10), "Bob's leg was not hung up\n" + server.log)
        alice.stop()
        bob.stop()
        let (toAlice, rateA) = try heard(alice)
        let (toBob, rateB) = try heard(bob)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(toAlice, sampleRate: rateA), 1000, accuracy: 10, "Alice should hear Bob's tone")
        XCTAssertEqual(AudioAnalysis.dominantFrequency(toBob, sampleRate: rateB), 440, accuracy: 10, "Bob should hear Alice's tone")
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(toBob, sampleRate: rateB), 3)
        XCTAssertTrue(server.log.contains("[Switch] call connected"), server.log)
    }

    func testTheCalleeHangingUpEndsTheCallersLeg() throws {
        let server = try ParleyServer(name: "pbx-callee-bye", extraTop: Self.users)
        addTeardownBlock { server.stop() }  // after the phones (teardown runs last-added first)
        // Bob's 3 s tone ends his side of the call: baresip sends BYE.
        let (alice, bob) = try aliceCallsBob(on: server, aliceSeconds: 30, bobSeconds: 3)
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), bob.output())
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 10), "Alice's leg was not hung up\n" + server.log)
        XCTAssertTrue(waitForLog("reason=callee hung up", on: server), server.log)
    }

    func testAUsersOwnCodecPreferenceShapesTheirLeg() throws {
        let users = Self.users.replacingOccurrences(of: "caller_id_name: Bob", with: "caller_id_name: Bob\n    codecs: [PCMA]")
        let server = try ParleyServer(name: "pbx-codecs", extraTop: users)
        addTeardownBlock { server.stop() }  // after the phones (teardown runs last-added first)
        let (alice, bob) = try aliceCallsBob(on: server, aliceSeconds: 6, bobSeconds: 30)
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 30), alice.output())
        // Parley offered Bob only PCMA; Alice's leg kept PCMU; the bridge transcoded between them.
        XCTAssertTrue(server.log.contains("codec=PCMA") && server.log.contains("[Switch] call connected"), server.log)
        let connected = server.log.split(separator: "\n").first { $0.contains("[Switch] call connected") } ?? ""
        XCTAssertTrue(connected.contains("codec=PCMA"), String(connected))
        alice.stop()
        bob.stop()
        let (toBob, rateB) = try heard(bob)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(toBob, sampleRate: rateB), 440, accuracy: 10, "Bob should hear Alice through the transcoder")
    }

    func testDefaultChallengeOffersMD5ThenSHA256() throws {
        let server = try ParleyServer(name: "pbx-sha", extraTop: "users:\n  - extension: \"1001\"\n    password: x-secret\n")
        defer { server.stop() }
        let probe = try SIPProbe(serverPort: server.sipPort)
        probe.target = "1001"
        probe.send("REGISTER", uri: "sip:127.0.0.1:\(server.sipPort)", extraHeaders: ["Expires: 60"])
        let r = try XCTUnwrap(probe.finalResponse(to: "REGISTER"), server.log)
        XCTAssertEqual(r.status, 401)
        let challenges = r.all("WWW-Authenticate")
        XCTAssertEqual(challenges.count, 2, "\(challenges)")
        XCTAssertTrue(challenges.first?.contains("algorithm=MD5") ?? false, "\(challenges)")
        XCTAssertTrue(challenges.last?.contains("algorithm=SHA-256") ?? false, "RFC 8760 alongside: \(challenges)")
    }

    func testWrongPasswordCannotRegister() throws {
        let server = try ParleyServer(name: "pbx-badpw", extraTop: Self.users)
        defer { server.stop() }
        let mallory = try phone("1001", password: "not-the-password", server: server, tone: 440)
        defer { mallory.stop() }
        let deadline = Date().addingTimeInterval(20)
        while !server.log.contains("authentication failed"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(server.log.contains("authentication failed"), server.log)
        Thread.sleep(forTimeInterval: 0.5)
        XCTAssertFalse(server.log.contains("registration added"), "a binding was stored:\n\(server.log)")
        XCTAssertTrue(mallory.output().contains("403") || mallory.output().contains("401"), mallory.output())
    }

    func testCallsWithoutCredentialsAreChallengedTheSameWayAndNeverForwarded() throws {
        let server = try ParleyServer(name: "pbx-noauth", extraTop: Self.users)
        defer { server.stop() }
        let bob = try phone("1002", password: "bob-secret-1002", server: server, tone: 1000)
        defer { bob.stop() }
        XCTAssertTrue(waitForRegistration("1002", on: server), bob.output() + server.log)
        var challenges: [String] = []
        for target in ["1002", "5555"] {
            let probe = try SIPProbe(serverPort: server.sipPort)
            probe.target = target
            probe.user = "1001"
            probe.send("INVITE", body: SIPProbe.offer(rtpPort: 40200))
            let r = try XCTUnwrap(probe.finalResponse(to: "INVITE"), server.log)
            XCTAssertEqual(r.status, 407, "\(target): \(r)")
            challenges.append(r.all("Proxy-Authenticate").map { $0.replacingOccurrences(of: #"nonce="[^"]*""#, with: "", options: .regularExpression) }
                .joined(separator: "|"))
            probe.ackFailure()
        }
        XCTAssertEqual(challenges[0], challenges[1], "a known and an unknown extension must look alike")
        XCTAssertTrue(challenges[0].contains("algorithm=MD5"), challenges[0])
        XCTAssertFalse(bob.waitForEvent("CALL_INCOMING", timeout: 2), "an unauthenticated call reached Bob")
    }
}
