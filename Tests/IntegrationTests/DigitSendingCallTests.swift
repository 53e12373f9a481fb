import Codecs
import Control
import Foundation
import ParleyTesting
import RTP
import Workflow
import XCTest

/// Digits Parley sends on a live call to a real baresip phone: over the control API (RFC 4733
/// by default since baresip offers telephone-event, in-band tones or SIP INFO when asked) and
/// from the AI agent's `send_dtmf` tool.
final class DigitSendingCallTests: XCTestCase {
    private func phone(_ name: String, seconds: Double) throws -> Baresip {
        let file = try PeerFiles.scratchDirectory("wav-digits-\(name)").appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: [Int16](repeating: 0, count: Int(seconds * 8000)), sampleRate: 8000).serialized()).write(to: file)
        let phone = try Baresip(name: name, sourceWAV: file)
        try phone.start()
        addTeardownBlock { phone.stop() }
        return phone
    }

    /// The digits baresip reported receiving (`CALL_DTMF_START` events), waiting for `count`.
    private static func receivedDigits(_ phone: Baresip, count: Int) -> String {
        var digits = ""
        for _ in 0..<count {
            guard let event = phone.event("CALL_DTMF_START", timeout: 10) else { break }
            digits += event.param ?? "?"
        }
        return digits
    }

    func testTheControlAPISendsDigitsAsEventsInBandOrInfoAndThePhoneGetsThem() async throws {
        let server = try ParleyServer(name: "digits-api", controlToken: ControlAPITests.token)
        addTeardownBlock { server.stop() }
        let api = try server.api()
        // Silence from the phone: the echo service sends back silence, so the in-band tones in
        // the phone's recording are Parley's.
        let phone = try phone("digits", seconds: 40)
        try phone.dial("sip:9196@127.0.0.1:\(server.sipPort)")
        let established = try await ControlAPI.blocking { phone.waitForEvent("CALL_ESTABLISHED", timeout: 20) }
        XCTAssertTrue(established, phone.output() + server.log)
        let listed = try await ControlAPI.eventually { try await ControlAPI.calls(api).first { $0.to == "9196" } }
        let call = try XCTUnwrap(listed, server.log)
        let path = "/calls/\(ControlClient.segment(call.id.rawValue))/dtmf"

        // auto: baresip offered telephone-event, so RFC 4733 events, which baresip reports.
        try await api.post(path, body: DTMFRequest(digits: "19#"))
        let events = try await ControlAPI.blocking { Self.receivedDigits(phone, count: 3) }
        XCTAssertEqual(events, "19#", phone.output())

        // info: SIP INFO (application/dtmf-relay), which baresip reports the same way.
        try await api.post(path, body: DTMFRequest(digits: "5", method: "info"))
        let info = try await ControlAPI.blocking { Self.receivedDigits(phone, count: 1) }
        XCTAssertEqual(info, "5", phone.output())

        // inband: tones in the audio; baresip does not detect them, its recording holds them.
        try await api.post(path, body: DTMFRequest(digits: "47", durationMilliseconds: 120, method: "inband"))
        try await Task.sleep(for: .seconds(2))
        do {
            try await api.post(path, body: DTMFRequest(digits: "1", method: "carrier-pigeon"))
            XCTFail("an unknown method was accepted")
        } catch {
            XCTAssertEqual(ControlAPI.status(error), 400, "\(error)")
        }
        try await api.post("/calls/\(ControlClient.segment(call.id.rawValue))/hangup", body: HangUpRequest())
        let closed = try await ControlAPI.blocking { phone.waitForEvent("CALL_CLOSED", timeout: 20) }
        XCTAssertTrue(closed, phone.output())
        phone.stop()

        let (samples, rate) = try AgentCallSupport.received(phone)
        var detector = InbandDTMFDetector(configuration: .init(sampleRate: rate))
        var heard = ""
        for case .digit(let digit) in detector.process(samples, timestamp: 0) + detector.finish() {
            heard.append(digit.digit)
        }
        XCTAssertEqual(heard, "47", "only the in-band digits are tones in the audio (RFC 4733 and INFO digits are not)")
        XCTAssertTrue(server.log.contains("delivery=rfc4733 [Switch] DTMF queued"), server.log)
        XCTAssertTrue(server.log.contains("delivery=inband [Switch] DTMF queued"), server.log)
    }

    func testTheAgentsSendDTMFToolPlaysItsDigitsToTheCaller() throws {
        // Key 7 makes the receptionist key in an extension code, as an agent dialling into an
        // IVR would; the caller's phone receives the digits.
        let agents = try AgentCallSupport.agentsFolder("send-dtmf") { yaml in
            yaml.replacingOccurrences(of: "tools:\n", with: """
                tools:
                  - name: key_in_code
                    type: send_dtmf
                    description: Key in the extension code.
                    digits: "42*"

                """).replacingOccurrences(of: "intents:\n", with: """
                intents:
                  - name: code
                    digits: ["7"]
                    tool: key_in_code

                """)
        }
        let server = try ParleyServer(name: "agent-dtmf", extraDialplan: AgentCallTests.dialplan,
                                      extraTop: "agents:\n  directory: \(agents.path)\n")
        addTeardownBlock { server.stop() }
        let phone = try phone("keyed", seconds: 20)
        try phone.dial("sip:9000@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(phone.waitForEvent("CALL_ESTABLISHED", timeout: 20), phone.output() + server.log)
        Thread.sleep(forTimeInterval: 1.5)
        try phone.sendDTMF("7")
        XCTAssertEqual(Self.receivedDigits(phone, count: 3), "42*", phone.output() + server.log)
        // The tool returns once the digits are out; its result then joins the history.
        let deadline = Date().addingTimeInterval(20)
        var turns: [Turn] = []
        while Date() < deadline {
            turns = (try? AgentCallSupport.conversations(in: server.dataDirectory).first?.turns) ?? []
            if turns.contains(where: { $0.toolResult != nil }) { break }
            Thread.sleep(forTimeInterval: 0.2)
        }
        XCTAssertTrue(turns.contains { $0.toolResult?.ok == true }, "the tool call reports success: \(turns)")
        try phone.hangup()
        XCTAssertTrue(phone.waitForEvent("CALL_CLOSED", timeout: 20), phone.output())
        phone.stop()
        XCTAssertTrue(server.log.contains("agent sent DTMF"), server.log)
    }
}
