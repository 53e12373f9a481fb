import Codecs
import Control
import Foundation
import ParleyTesting
import XCTest

/// Blind transfer from the caller's side to targets Parley answers itself: Alice (1001) called
/// Bob (1002) and REFERs her own dialog naming a conference, the AI agent or a parking slot. Bob's
/// leg becomes a call of its own that goes there; Alice hears NOTIFY 100 then 200 and her call
/// ends. A target that is busy is refused in the NOTIFY and the call goes on.
final class CallerTransferTests: XCTestCase {
    private static let users = ControlAPI.users

    /// Carol waits in conference 3000; Alice sends Bob there. Bob's leg becomes a call of its own
    /// (listed by the control API, going to 3000, answering Bob's hold and resume re-INVITEs),
    /// Carol hears Bob, and each call has one record.
    func testTheCallerSendsTheCalleeIntoAConference() async throws {
        let server = try ParleyServer(name: "xfer-caller-conf", extraDialplan: """
              - extension: "3000"
                action: conference
            """, extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let api = try ControlClient(baseURL: server.apiURL)
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: 900)
        // Carol is in the room first.
        try carol.dial("sip:3000@127.0.0.1:\(server.sipPort)")
        let carolIn = try await ControlAPI.blocking { carol.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(carolIn, carol.output() + server.log)
        XCTAssertTrue(waitForLog("joined conference", in: server), server.log)
        try alice.dial("sip:1002@127.0.0.1:\(server.sipPort)")
        let up = try await ControlAPI.blocking {
            alice.waitForEvent("CALL_ESTABLISHED", timeout: 20) && bob.waitForEvent("CALL_ESTABLISHED", timeout: 20)
        }
        XCTAssertTrue(up, alice.output() + bob.output())
        try await Task.sleep(for: .seconds(2))
        let before = try await ControlAPI.calls(api)
        let original = try XCTUnwrap(before.first { $0.to == "1002" }, "\(before)")
        _ = try alice.command("transfer", params: "sip:3000@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("callee leg became a call of its own", in: server), alice.output() + server.log)
        let aliceGone = try await ControlAPI.blocking { alice.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(aliceGone, "the transferor's call ends\n" + alice.output())
        XCTAssertEqual(notifies(server), ["100", "200"], server.log)
        try await Task.sleep(for: .seconds(4))
        XCTAssertFalse(bob.messages.contains { $0.type == "CALL_CLOSED" }, "Bob's call must survive the transfer\n" + bob.output())
        XCTAssertEqual(count("joined conference", in: server), 2, server.log)
        XCTAssertEqual(count("call ended", in: server), 1, "only Alice's call is over, once\n" + server.log)
        // The control plane lists Carol's call and Bob's own call; Alice's is gone.
        let live = try await ControlAPI.calls(api)
        XCTAssertEqual(live.count, 2, "\(live)")
        XCTAssertFalse(live.contains { $0.id == original.id }, "\(live)")
        let bobsCall = try XCTUnwrap(live.first { $0.id.rawValue.hasPrefix(original.id.rawValue + "-xfer-") }, "\(live)")
        XCTAssertEqual(bobsCall.to, "3000")
        XCTAssertTrue(bobsCall.from.hasPrefix("sip:1002@"), bobsCall.from)
        XCTAssertEqual(bobsCall.legs.count, 1, "\(bobsCall.legs)")
        // Bob's re-INVITEs (hold, resume) now reach his own call, which answers them.
        let reinvites = { server.log.components(separatedBy: "\n").filter { $0.contains("re-INVITE answered") && $0.contains("-xfer-") } }
        _ = try bob.command("hold")
        let held = try await ControlAPI.eventually { reinvites().first { $0.contains("hold=true") } }
        XCTAssertNotNil(held, bob.output() + server.log)
        try await Task.sleep(for: .seconds(1))
        _ = try bob.command("resume")
        let resumed = try await ControlAPI.eventually { reinvites().first { $0.contains("hold=false") } }
        XCTAssertNotNil(resumed, bob.output() + server.log)
        try await Task.sleep(for: .seconds(3))
        XCTAssertFalse(bob.messages.contains { $0.type == "CALL_CLOSED" }, bob.output())
        carol.stop()
        let (heard, rate) = try recording(carol)
        let tail = heard[max(0, heard.count - 3 * rate)..<max(0, heard.count - rate / 4)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 600, in: tail, sampleRate: rate), 1000, "Carol hears Bob in the room")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 1200, in: tail, sampleRate: rate), 200, "Alice is not in the room")
        // Bob's own call ends when he hangs up: one record each, none twice.
        _ = try bob.command("hangup")
        let bobGone = try await ControlAPI.blocking { bob.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(bobGone, bob.output())
        XCTAssertTrue(waitForLog("conference closed", in: server), server.log)
        let bobsRecord = try await ControlAPI.record(api, callID: bobsCall.id.rawValue)
        XCTAssertEqual(bobsRecord?.to, "3000")
        XCTAssertEqual(bobsRecord?.disposition, .answered)
        let records = try await api.get([CallRecord].self, "/cdrs", query: [("call", original.id.rawValue)])
        XCTAssertEqual(records.count, 1, "\(records)")
        XCTAssertEqual(records.first?.disposition, .answered)
        XCTAssertEqual(records.first?.to, "1002")
        XCTAssertEqual(count("call ended", in: server), 3, "Alice's, Carol's and Bob's calls, once each\n" + server.log)
    }

    func testTheCallerSendsTheCalleeToTheAgent() throws {
        let agents = try AgentCallSupport.agentsFolder("xfer-caller-agent")
        let server = try ParleyServer(name: "xfer-caller-agent", extraDialplan: AgentCallTests.dialplan,
                                      extraTop: Self.users + "\nagents:\n  directory: \(agents.path)\n")
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        // Bob stays silent so the agent's greeting is not cut short by a barge-in.
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 0, samples: AgentCallSupport.silence(60))
        try aliceCallsBob(alice, bob, server: server)
        _ = try alice.command("transfer", params: "sip:9000@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("agent answering", in: server), alice.output() + server.log)
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor's call ends\n" + alice.output())
        XCTAssertEqual(notifies(server), ["100", "200"], server.log)
        // The greeting takes about 4 s.
        Thread.sleep(forTimeInterval: 7)
        XCTAssertFalse(bob.messages.contains { $0.type == "CALL_CLOSED" }, "Bob's call must survive the transfer\n" + bob.output())
        bob.stop()
        XCTAssertTrue(waitForLog("agent left the call", in: server), server.log)
        server.stop()
        let (heard, rate) = try recording(bob)
        let afterTransfer = heard[max(0, heard.count - 7 * rate)...]
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 1200, in: afterTransfer, sampleRate: rate), 200, "Alice is gone")
        XCTAssertGreaterThan(AudioAnalysis.rms(Array(afterTransfer)), 300, "Bob hears the agent's greeting")
        let conversations = try AgentCallSupport.conversations(in: server.dataDirectory)
        XCTAssertEqual(conversations.count, 1, "\(conversations.map(\.id))")
        XCTAssertTrue(conversations.first?.id.hasPrefix("receptionist-") == true, "\(conversations.map(\.id))")
        XCTAssertFalse(conversations.first?.turns.isEmpty ?? true, "the greeting is in the history")
    }

    /// Alice parks Bob in 7001. A second caller (SIPp as 1001) talking to Carol tries the same
    /// slot: NOTIFY 100 then 486, and Carol keeps hearing it. Then Carol dials 7001 and picks Bob up.
    func testTheCallerParksTheCalleeABusySlotIsRefusedAndTheParkedCalleeIsPickedUp() throws {
        let server = try ParleyServer(name: "xfer-caller-park", extraDialplan: """
              - prefix: "700"
                action: park
                timeout_s: 120
            """, extraTop: Self.users)
        addTeardownBlock { server.stop() }
        let alice = try phone("1001", password: "alice-secret", server: server, tone: 1200)
        let bob = try phone("1002", password: "bob-secret", server: server, tone: 600)
        let carol = try phone("1003", password: "carol-secret", server: server, tone: 900)
        try aliceCallsBob(alice, bob, server: server)
        _ = try alice.command("transfer", params: "sip:7001@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("call parked", in: server), alice.output() + server.log)
        XCTAssertTrue(alice.waitForEvent("CALL_CLOSED", timeout: 20), "the transferor's call ends\n" + alice.output())
        XCTAssertEqual(notifies(server), ["100", "200"], server.log)

        // The slot is taken: a caller's transfer there is refused and its call goes on.
        let work = try PeerFiles.scratchDirectory("sipp-xfer-caller-refused")
        let caller = try SIPp.start(scenario: "xfer_caller_refer_refused", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "1003", "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-mp", "\(try FreePorts.udpRange(count: 4).lowerBound)",
            "-au", "1001", "-ap", "alice-secret", "-key", "from_user", "1001", "-key", "refer_to", "7001",
            "-auth_uri", "1003@127.0.0.1:\(server.sipPort)",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { caller.stop() }
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 20), carol.output() + server.log)
        let result = try caller.finish(timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, "NOTIFY 100 then 486, and the caller's own BYE ends the call\n"
                       + result.output + server.log)
        XCTAssertEqual(notifies(server), ["100", "200", "100", "486"], server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_CLOSED", timeout: 20), carol.output())
        Thread.sleep(forTimeInterval: 0.5)
        let (refused, refusedRate) = try recording(carol)
        let afterRefusal = refused[max(0, refused.count - 3 * refusedRate)..<max(0, refused.count - refusedRate / 2)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 440, in: afterRefusal, sampleRate: refusedRate), 1000,
                             "Carol still hears the caller after the refused transfer")

        // Carol picks Bob up from the slot.
        try carol.dial("sip:7001@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(waitForLog("parked call picked up", in: server), carol.output() + server.log)
        XCTAssertTrue(carol.waitForEvent("CALL_ESTABLISHED", timeout: 20), carol.output())
        Thread.sleep(forTimeInterval: 4)
        XCTAssertFalse(bob.messages.contains { $0.type == "CALL_CLOSED" }, "Bob waits, then talks to Carol\n" + bob.output())
        carol.stop()
        bob.stop()
        let (toCarol, carolRate) = try recording(carol)
        XCTAssertNotEqual(toCarol.count, refused.count, "a second recording for the pickup")
        let carolTail = toCarol[max(0, toCarol.count - 3 * carolRate)..<max(0, toCarol.count - carolRate / 2)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 600, in: carolTail, sampleRate: carolRate), 1000, "Carol hears Bob")
        let (toBob, bobRate) = try recording(bob)
        let bobTail = toBob[max(0, toBob.count - 3 * bobRate)..<max(0, toBob.count - bobRate / 2)]
        XCTAssertGreaterThan(AudioAnalysis.amplitude(of: 900, in: bobTail, sampleRate: bobRate), 1000, "Bob hears Carol")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 1200, in: bobTail, sampleRate: bobRate), 200, "Alice is gone")
        // Bob was parked about 2 s into his call and waited there through the refused transfer
        // (at least 6 s): he heard the hold music, not Alice.
        let parked = toBob[min(toBob.count, Int(3.5 * Double(bobRate)))..<min(toBob.count, Int(7.5 * Double(bobRate)))]
        XCTAssertGreaterThan(AudioAnalysis.rms(Array(parked)), 300, "Bob hears hold music while parked")
        XCTAssertLessThan(AudioAnalysis.amplitude(of: 1200, in: parked, sampleRate: bobRate), 200, "Alice is gone")
    }

    // MARK: helpers

    /// A registered baresip phone playing `samples` (8 kHz), or a tone when none are given.
    private func phone(_ user: String, password: String, server: ParleyServer, tone: Double,
                       samples: [Int16]? = nil) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-ct-\(user)")
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

    private func count(_ text: String, in server: ParleyServer) -> Int {
        server.log.components(separatedBy: text).count - 1
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
}
