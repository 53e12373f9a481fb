import Codecs
import Foundation
import ParleyTesting
import XCTest

/// baresip 1.0.0 (a real softphone, headless) calling parley and recording what it hears.
final class BaresipTests: XCTestCase {
    private func makePhone(_ name: String, wav: [Int16], sampleRate: Int = 8000, codecs: [String] = ["PCMU", "PCMA"],
                           mediaEncryption: String? = nil) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-\(name)")
        let file = dir.appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: wav, sampleRate: sampleRate).serialized()).write(to: file)
        let phone = try Baresip(name: name, sipPort: try FreePorts.sipPort(), ctrlPort: try FreePorts.sipPort(),
                                rtpPorts: try FreePorts.udpRange(count: 10), sourceWAV: file, codecs: codecs,
                                mediaEncryption: mediaEncryption)
        try phone.start()
        return phone
    }

    /// The received audio (what parley sent), skipping the first half second of set-up.
    private func heard(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        let samples = try XCTUnwrap(wav.pcm16Samples)
        let mono = wav.channels == 2 ? stride(from: 0, to: samples.count, by: 2).map { samples[$0] } : samples
        return (Array(mono.dropFirst(wav.sampleRate / 2)), wav.sampleRate)
    }

    func testEchoReturnsThe440HzTone() throws {
        let server = try ParleyServer(name: "baresip-echo")
        defer { server.stop() }
        let phone = try makePhone("echo", wav: AudioAnalysis.tone(frequency: 440, seconds: 5, sampleRate: 8000))
        defer { phone.stop() }
        try phone.dial("sip:9196@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(phone.waitForEvent("CALL_ESTABLISHED", timeout: 20), phone.output() + server.log)
        XCTAssertTrue(phone.waitForEvent("CALL_CLOSED", timeout: 30), phone.output())
        phone.stop()
        let (samples, rate) = try heard(phone)
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(samples, sampleRate: rate), 2.5, "echo was mostly silent")
        let f = AudioAnalysis.dominantFrequency(samples, sampleRate: rate)
        XCTAssertEqual(f, 440, accuracy: 10, "dominant frequency \(f) Hz")
    }

    /// Calls 9196 with a 440 Hz tone and checks the echo, with the given codec and encryption.
    private func echoRoundTrip(_ name: String, codecs: [String], sampleRate: Int, mediaEncryption: String? = nil,
                               expectInLog: String) throws {
        let server = try ParleyServer(name: "baresip-\(name)")
        defer { server.stop() }
        let phone = try makePhone(name, wav: AudioAnalysis.tone(frequency: 440, seconds: 5, sampleRate: sampleRate),
                                  sampleRate: sampleRate, codecs: codecs, mediaEncryption: mediaEncryption)
        defer { phone.stop() }
        try phone.dial("sip:9196@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(phone.waitForEvent("CALL_ESTABLISHED", timeout: 20), phone.output() + server.log)
        XCTAssertTrue(phone.waitForEvent("CALL_CLOSED", timeout: 30), phone.output())
        phone.stop()
        XCTAssertTrue(server.log.contains(expectInLog), "expected '\(expectInLog)' in:\n\(server.log.suffix(3000))\nbaresip:\n\(phone.output().suffix(2000))")
        let (samples, rate) = try heard(phone)
        XCTAssertGreaterThan(AudioAnalysis.nonSilentDuration(samples, sampleRate: rate), 2.5, "echo was mostly silent")
        let f = AudioAnalysis.dominantFrequency(samples, sampleRate: rate)
        XCTAssertEqual(f, 440, accuracy: 10, "dominant frequency \(f) Hz")
        // baresip sends RTCP (over SRTCP when encrypted): parley read its reports. (The RTT needs a
        // report of baresip's to follow one of ours within the call, so it is not asserted here;
        // RTCPReporterTests check the arithmetic on RFC 3550's example.)
        let deadline = Date().addingTimeInterval(5)
        while !server.log.contains("call ended"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        let end = server.log.split(separator: "\n").first { $0.contains("call ended") }.map(String.init) ?? ""
        XCTAssertFalse(end.contains("rtcp-in=0 "), end)
        XCTAssertTrue(end.contains("srtp-failures=0 "), end)
        XCTAssertTrue(end.contains("srtcp-failures=0 "), end)
    }

    func testEchoWithMandatorySRTP() throws {
        // The call-start line names the negotiated suite; the echo check proves both directions decrypt.
        try echoRoundTrip("srtp", codecs: ["PCMU"], sampleRate: 8000, mediaEncryption: "srtp-mand", expectInLog: "srtp=AES_CM_128_HMAC_SHA1")
    }

    func testEchoWithOpus() throws {
        try echoRoundTrip("opus", codecs: ["opus/48000/2"], sampleRate: 8000, expectInLog: "codec=opus")
    }

    func testEchoWithG722() throws {
        try echoRoundTrip("g722", codecs: ["G722/16000/1"], sampleRate: 8000, expectInLog: "codec=G722")
    }

    func testHoldMusicPlaysForAtLeastThreeSeconds() throws {
        let server = try ParleyServer(name: "baresip-moh")
        defer { server.stop() }
        let phone = try makePhone("moh", wav: [Int16](repeating: 0, count: 8000 * 6))
        defer { phone.stop() }
        try phone.dial("sip:9664@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(phone.waitForEvent("CALL_ESTABLISHED", timeout: 20), phone.output() + server.log)
        XCTAssertTrue(phone.waitForEvent("CALL_CLOSED", timeout: 30), phone.output())
        phone.stop()
        let (samples, rate) = try heard(phone)
        let audible = AudioAnalysis.nonSilentDuration(samples, sampleRate: rate)
        XCTAssertGreaterThanOrEqual(audible, 3.0, "only \(audible) s of hold music")
        XCTAssertGreaterThan(AudioAnalysis.rms(samples), 300)
    }
}
