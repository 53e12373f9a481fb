import Codecs
import Foundation
import ParleyTesting
import XCTest

/// Blind transfer by REFER to dialplan targets other than a registered user: a conference room,
/// a trunk number (Kamailio as the provider, challenging the INVITE with 407, and a SIPp UAS as
/// its PSTN gateway) and the AI agent. Alice (1001) calls Bob (1002), Bob's baresip REFERs Alice.
final class TransferTargetTests: XCTestCase {
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

    private static let conference = """
          - extension: "3000"
            action: conference
        """

    /// A registered baresip phone playing `samples` (8 kHz), or a tone when none are given.
    private func phone(_ user: String, password: String, server: ParleyServer, tone: Double,
                       samples: [Int16]? = nil) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-tt-\(user)")
        let file = dir.appendingPathComponent("source.wav")
        let audio = samples ?? AudioAnalysis.tone(frequency: tone, seconds: 60, sampleRate: 8000, amplitude: 5000)
        try Data(WAVFile.pcm16(samples: audio, sampleRate: 8000).serialized()).write(to: file)
        let phone = try Baresip(name: user, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: file,
                                registration: (port: server.sipPort, password: password))
        try phone.start()
        addTeardownBlock { phone.stop() }
        XCTAssertTrue(waitForLog("user=\(user) [Switch] registration", in: server), phone.output() + server.log)
        return phone
    }

    private func waitForLog(_ text: String, in server: ParleyServer, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if server.log.contains(text) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    /// The sipfrag status of every transfer NOTIFY Parley sent, in order.
    private func notifies(_ server: ParleyServer) -> [String] {
        server.log.components(separatedBy: "\n").filter { $0.contains("transfer notify") }
            .compactMap { line in line.range(of: "sipfrag=").map { String(line[$0.upperBound...].prefix(3)) } }
    }

    private func recording(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        return (try XCTUnwrap(wav.pcm16Samples), wav.sampleRate)
    }

    /// Alice calls Bob and they talk for a moment; returns once both see the call up.
    private func aliceCallsBob(_ alice: Baresip, _ bob: Baresip, server: ParleyServer) throws {
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_ESTABLISHED", timeout: 20), bob.output() + server.log)
        Thread.sleep(forTimeInterval: 2)
    }

    func testABlindTransferToAConferencePutsTheCallerInTheRoom() throws {
        let server = try ParleyServer(name: "xfer-conf", extraDialplan: Self.conference, extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: 900)
        try aliceCallsBob(alice, bob, server: server)
        _ = try bob.command("transfer", params: "sip:3000@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("joined conference", in: server), bob.output() + server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor stays in the call\n" + bob.output())
        XCTAssertEqual(notifies(server), ["100", "200"], server.log)
        // Carol dials the room and hears Alice there.
        try carol.dial("sip:3000@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 20), carol.output() + server.log)
        Thread.sleep(forTimeInterval: 4)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "Alice's call must survive the transfer\n" + alice.output())
        XCTAssertEqual(server.log.components(separatedBy: "joined conference").count - 1, 2, server.log)
        carol.stop()
        alice.stop()
        let (heard, rate) = try recording(carol)
        let tail = heard[max(0, heard.count - 3 * rate)..<max(0, heard.count - rate / 4)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 1200, in: tail, sampleRate: rate), 1000, "Carol hears Alice in the room")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 600, in: tail, sampleRate: rate), 200, "Bob is not in the room")
    }

    func testABlindTransferToTheAgentHasItAnswerTheCaller() throws {
        let agents = try AgentCallSupport.agentsFolder("xfer-agent")
        let server = try ParleyServer(name: "xfer-agent", extraDialplan: AgentCallTests.dialplan,
                                      extraTop: Self.users + "\nagents:\n  directory: \(agents.path)\n")
        addTeardownBlock { server.stop() }
        // Alice stays silent so the agent's greeting is not cut short by a barge-in.
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 0, samples: AgentCallSupport.silence(60))
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        try aliceCallsBob(alice, bob, server: server)
        _ = try bob.command("transfer", params: "sip:9000@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("agent answering", in: server), bob.output() + server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor stays in the call\n" + bob.output())
        XCTAssertEqual(notifies(server), ["100", "200"], server.log)
        // The greeting takes about 4 s.
        Thread.sleep(forTimeInterval: 7)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "Alice's call must survive the transfer\n" + alice.output())
        alice.stop()
        XCTAssertTrue(waitForLog("agent left the call", in: server), server.log)
        server.stop()
        let (heard, rate) = try recording(alice)
        let afterTransfer = heard[max(0, heard.count - 7 * rate)...]
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 600, in: afterTransfer, sampleRate: rate), 200, "Bob is gone")
        XCTAssertGreaterThan(AudioAnalysis.rms(Array(afterTransfer)), 300, "Alice hears the agent's greeting")
        let conversations = try AgentCallSupport.conversations(in: server.dataDirectory)
        XCTAssertEqual(conversations.count, 1, "\(conversations.map(\.id))")
        XCTAssertTrue(conversations.first?.id.hasPrefix("receptionist-") == true, "\(conversations.map(\.id))")
        XCTAssertFalse(conversations.first?.turns.isEmpty ?? true, "the greeting is in the history")
    }
    func testABlindTransferToATrunkNumberAuthenticatesWithTheProvider() throws {
        let pstnPort = try FreePorts.sipPort()
        let kamailio = try KamailioTrunk(sipPort: try FreePorts.sipPort(), pstnPort: pstnPort)
        try kamailio.start()
        addTeardownBlock { kamailio.stop() }
        let server = try ParleyServer(name: "xfer-trunk", extraDialplan: """
              - prefix: "9"
                action: trunk
                trunk: provider
                strip: 1
            """, extraTop: Self.users + """

            trunks:
              - name: provider
                registrar: sip:127.0.0.1:\(kamailio.sipPort)
                username: pbx
                password: pbxsecret
                expires: 120
            """)
        addTeardownBlock { server.stop() }
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 15).isEmpty, server.log)
        let work = try PeerFiles.scratchDirectory("sipp-xfer-pstn")
        let messages = work.appendingPathComponent("pstn-messages.log")
        try? FileManager.default.removeItem(at: messages)
        let gateway = try SIPp.start(scenario: "uas", arguments: [
            "-p", "\(pstnPort)", "-m", "1", "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 60)
        XCTAssertTrue(FreePorts.waitUntilBound(pstnPort, udp: true, timeout: 10))
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        try aliceCallsBob(alice, bob, server: server)
        _ = try bob.command("transfer", params: "sip:915551234567@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("blind transfer completed", in: server), bob.output() + server.log + kamailio.log.suffix(3000))
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor stays in the call\n" + bob.output())
        XCTAssertEqual(notifies(server).first, "100", server.log)
        XCTAssertEqual(notifies(server).last, "200", server.log)
        Thread.sleep(forTimeInterval: 2)
        XCTAssertFalse(alice.messages.contains { $0.type == "CALL_CLOSED" }, "Alice's call must survive the transfer\n" + alice.output())
        // Alice hangs up: the BYE reaches the gateway through the provider, ending its one call.
        _ = try alice.command("hangup")
        XCTAssertEqual(try gateway.finish(timeout: 30).successfulCalls, 1, server.log)
        let seen = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("INVITE sip:15551234567@"), "the prefix 9 must be stripped:\n\(seen.prefix(2000))")
        // Kamailio relays to the gateway only an INVITE that answered its 407 with pbx's credentials.
        XCTAssertTrue(seen.contains("<sip:pbx@127.0.0.1"), "the INVITE comes from the trunk account:\n\(seen.prefix(2000))")
    }
    /// Alice called Bob and transfers him to Carol: Bob and Carol end up talking, Alice is out
    /// (NOTIFY 100 … 200, then her call closes), and the call ends once, when Bob hangs up.
    func testTheCallerBlindTransfersTheCalleeToAThirdPhone() throws {
        let server = try ParleyServer(name: "xfer-caller", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: 900)
        try aliceCallsBob(alice, bob, server: server)
        _ = try alice.command("transfer", params: "sip:1003@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("blind transfer completed", in: server), alice.output() + server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 20), carol.output())
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor stays in the call\n" + alice.output())
        XCTAssertEqual(notifies(server).first, "100", server.log)
        XCTAssertEqual(notifies(server).last, "200", server.log)
        Thread.sleep(forTimeInterval: 4)
        XCTAssertFalse(bob.messages.contains { $0.type == "CALL_CLOSED" }, "Bob's call must survive the transfer\n" + bob.output())
        XCTAssertFalse(server.log.contains("call ended"), "the call goes on without its caller\n" + server.log)
        _ = try bob.command("hangup")
        XCTAssertTrue(carol.waitForEvent("CALL_CLOSED", timeout: 20), "Carol is hung up with Bob\n" + carol.output())
        XCTAssertTrue(waitForLog("call ended", in: server), server.log)
        Thread.sleep(forTimeInterval: 1)
        XCTAssertEqual(server.log.components(separatedBy: "call ended").count - 1, 1, server.log)
        XCTAssertTrue(server.log.contains("reason=callee hung up"), server.log)
        bob.stop()
        carol.stop()
        let (toBob, rate) = try recording(bob)
        let bobTail = toBob[max(0, toBob.count - 3 * rate)..<max(0, toBob.count - rate / 2)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 900, in: bobTail, sampleRate: rate), 1000, "Bob hears Carol")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 1200, in: bobTail, sampleRate: rate), 200, "Alice is gone")
        let (toCarol, carolRate) = try recording(carol)
        let carolTail = toCarol[max(0, toCarol.count - 3 * carolRate)..<max(0, toCarol.count - carolRate / 2)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 600, in: carolTail, sampleRate: carolRate), 1000, "Carol hears Bob")
    }

    /// A caller's transfer to a user with no phone registered: NOTIFY 100 then 480, and Parley
    /// itself ends nothing (baresip 1.0 then hangs up on its own: "transfer failed").
    func testAFailedCallerTransferIsReportedAndParleyKeepsTheCall() throws {
        let server = try ParleyServer(name: "xfer-caller-fail", extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        try aliceCallsBob(alice, bob, server: server)
        _ = try alice.command("transfer", params: "sip:1003@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("blind transfer failed", in: server), alice.output() + server.log)
        let deadline = Date().addingTimeInterval(20)
        while !alice.output().contains("transfer failed: 480"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(alice.output().contains("transfer failed: 480"), alice.output())
        XCTAssertEqual(notifies(server), ["100", "480"], server.log)
        XCTAssertTrue(bob.waitForEvent("CALL_CLOSED", timeout: 20), bob.output())
        XCTAssertTrue(waitForLog("call ended", in: server), server.log)
        XCTAssertTrue(server.log.contains("reason=caller hung up"), "only the transferor's own BYE ends the call\n" + server.log)
    }
}
