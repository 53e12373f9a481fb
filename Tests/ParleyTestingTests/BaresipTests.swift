import Foundation
import XCTest

@testable import ParleyTesting

/// baresip against baresip and SIPp against baresip, directly (no server in between): proves the
/// Baresip harness, its recordings and the checked-in scenarios with a real user agent.
final class BaresipTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try PeerFiles.scratchDirectory("baresip-tests")
    }

    private func toneWAV(_ frequency: Double, seconds: Double) throws -> URL {
        try PeerFiles.toneWAV(frequency: frequency, seconds: seconds, in: directory)
    }

    private func startBaresip(_ name: String, tone frequency: Double, seconds: Double, codecs: [String] = ["PCMU", "PCMA"]) throws -> Baresip {
        let agent = try Baresip(name: name, sourceWAV: try toneWAV(frequency, seconds: seconds), codecs: codecs)
        addTeardownBlock { agent.stop() }
        try agent.start()
        return agent
    }

    /// The received recording's samples after the agent stopped (files are complete then).
    private func received(by agent: Baresip, file: StaticString = #filePath, line: UInt = #line) throws -> (samples: [Int16], rate: Int) {
        agent.stop()
        let url = try XCTUnwrap(agent.receivedRecording, "\(agent.name) wrote no -dec.wav in \(agent.recordingDirectory.path)",
                                file: file, line: line)
        let recording = try PeerFiles.readMonoPCM16(url)
        return (recording.samples, recording.sampleRate)
    }

    func testTwoBaresipsCallEachOtherAndHearEachOthersTone() throws {
        let b = try startBaresip("b", tone: 1000, seconds: 8)
        let a = try startBaresip("a", tone: 440, seconds: 4)  // a's file ends first and ends the call

        try a.dial(b.uri)
        XCTAssertTrue(a.waitForEvent("CALL_ESTABLISHED", timeout: 60), a.output())
        XCTAssertTrue(b.waitForEvent("CALL_ESTABLISHED", timeout: 60), b.output())
        XCTAssertTrue(a.waitForEvent("CALL_CLOSED", timeout: 120), a.output())
        XCTAssertTrue(b.waitForEvent("CALL_CLOSED", timeout: 60), b.output())

        let heardByA = try received(by: a)
        let heardByB = try received(by: b)
        XCTAssertEqual(heardByA.rate, 8000)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(heardByA.samples, sampleRate: heardByA.rate), 1000, accuracy: 10)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(heardByB.samples, sampleRate: heardByB.rate), 440, accuracy: 10)
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(heardByA.samples, sampleRate: heardByA.rate), 2)
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(heardByB.samples, sampleRate: heardByB.rate), 2)
        XCTAssertEqual(a.sentRecordings.count, 1)
    }

    func testHangupEndsTheCallOnBothSides() throws {
        let b = try startBaresip("b", tone: 1000, seconds: 60)
        let a = try startBaresip("a", tone: 440, seconds: 60)
        try a.dial(b.uri)
        XCTAssertTrue(b.waitForEvent("CALL_ESTABLISHED", timeout: 60), b.output())
        XCTAssertTrue(a.waitForEvent("CALL_ESTABLISHED", timeout: 60), a.output())
        try b.hangup()
        XCTAssertTrue(a.waitForEvent("CALL_CLOSED", timeout: 60), a.output())
        XCTAssertTrue(b.waitForEvent("CALL_CLOSED", timeout: 60), b.output())
        XCTAssertFalse(a.waitForEvent("CALL_CLOSED", timeout: 0.5), "each event satisfies one wait")
        let response = try a.command("hangup")
        XCTAssertTrue(response.contains("\"response\""), response)
    }

    func testDelayedOfferFromSIPpIsAnsweredByBaresip() throws {
        let b = try startBaresip("b", tone: 1000, seconds: 30)
        let result = try SIPp.run(scenario: "uac_delayed_offer",
                                  arguments: ["127.0.0.1:\(b.sipPort)", "-s", "b", "-p", String(try FreePorts.sipPort()),
                                              "-m", "1", "-d", "2000"],
                                  workingDirectory: directory, timeout: 120)
        XCTAssertEqual(result.successfulCalls, 1, result.output + b.output())
        XCTAssertEqual(result.exitStatus, 0, result.output)
        XCTAssertTrue(b.waitForEvent("CALL_ESTABLISHED", timeout: 30), b.output())
        XCTAssertTrue(b.waitForEvent("CALL_CLOSED", timeout: 30), b.output())
    }

    func testRTPStreamScenarioToneReachesBaresip() throws {
        let b = try startBaresip("b", tone: 1000, seconds: 30)
        let result = try SIPp.run(scenario: "uac_rtp_echo",
                                  arguments: ["127.0.0.1:\(b.sipPort)", "-s", "b", "-p", String(try FreePorts.sipPort()),
                                              "-m", "1", "-d", "4000"],
                                  workingDirectory: directory, timeout: 120)
        XCTAssertEqual(result.successfulCalls, 1, result.output + b.output())
        XCTAssertTrue(b.waitForEvent("CALL_CLOSED", timeout: 30), b.output())
        let heard = try received(by: b)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(heard.samples, sampleRate: heard.rate), 440, accuracy: 10)
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(heard.samples, sampleRate: heard.rate), 2.5)
    }

    func testPcapScenarioSpeechAndDigitReachBaresipOverPCMA() throws {
        let b = try startBaresip("b", tone: 1000, seconds: 60, codecs: ["PCMA"])
        let result = try SIPp.run(scenario: "uac_pcap",
                                  arguments: ["127.0.0.1:\(b.sipPort)", "-s", "b", "-p", String(try FreePorts.sipPort()),
                                              "-m", "1", "-d", "1000"],
                                  workingDirectory: directory, timeout: 120)
        XCTAssertEqual(result.successfulCalls, 1, result.output + b.output())
        let digit = b.event("CALL_DTMF_START", timeout: 30)
        XCTAssertEqual(digit?.param, "1", b.messages.map(\.json).joined(separator: "\n"))
        XCTAssertTrue(b.waitForEvent("CALL_CLOSED", timeout: 30), b.output())
        XCTAssertTrue(b.output().contains("Set audio decoder: PCMA"), "negotiated A-law:\n\(b.output())")
        let heard = try received(by: b)
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(heard.samples, sampleRate: heard.rate, thresholdRMS: 100), 3)
    }

    func testStartFailsClearlyWhenTheSIPPortIsTaken() throws {
        let first = try startBaresip("first", tone: 440, seconds: 10)
        let clash = try Baresip(name: "clash", sipPort: first.sipPort, ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 4), sourceWAV: try toneWAV(440, seconds: 1),
                                maxLifetime: 60)
        addTeardownBlock { clash.stop() }
        XCTAssertThrowsError(try clash.start()) { error in
            guard case .launchFailed(_, _, let output)? = error as? HarnessError else { return XCTFail("\(error)") }
            XCTAssertFalse(output.isEmpty, "the failure carries baresip's log")
        }
    }
}
