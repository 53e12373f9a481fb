import Codecs
import Foundation
import ParleyTesting
import XCTest

/// Conferences with real phones: three baresip phones (each sending its own tone) and a SIPp
/// caller (replaying recorded speech) meet in room 3000; each phone hears the others and not
/// itself; a member's DTMF 0 mutes it for everyone; a PIN guards room 3100.
final class ConferenceTests: XCTestCase {
    private static let dialplan = """
          - extension: "3000"
            action: conference
            record: true
          - prefix: "31"
            action: conference
            pin: "4321"
            max_members: 2
        """

    private func phone(_ name: String, tone: Double) throws -> Baresip {
        let dir = try PeerFiles.scratchDirectory("wav-conf-\(name)")
        let file = dir.appendingPathComponent("source.wav")
        try Data(WAVFile.pcm16(samples: AudioAnalysis.tone(frequency: tone, seconds: 40, sampleRate: 8000, amplitude: 5000),
                               sampleRate: 8000).serialized()).write(to: file)
        let phone = try Baresip(name: name, sourceWAV: file)
        try phone.start()
        addTeardownBlock { phone.stop() }
        return phone
    }

    private func samples(_ phone: Baresip) throws -> (samples: [Int16], rate: Int) {
        let url = try XCTUnwrap(phone.receivedRecording, "no recording in \(phone.recordingDirectory.path)")
        let wav = try WAVFile(contentsOf: url)
        return (try XCTUnwrap(wav.pcm16Samples), wav.sampleRate)
    }

    private func level(_ samples: ArraySlice<Int16>, _ frequency: Double, rate: Int) -> Double {
        AudioAnalysis.amplitude(of: frequency, in: samples, sampleRate: rate)
    }

    private func waitFor(_ text: String, count: Int, in server: ParleyServer, timeout: TimeInterval = 20) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if server.log.components(separatedBy: text).count - 1 >= count { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }

    func testFourMembersHearEachOtherButNotThemselvesAndMuteSilencesAMember() throws {
        let server = try ParleyServer(name: "conference", extraDialplan: Self.dialplan)
        addTeardownBlock { server.stop() }
        let tones: [String: Double] = ["alice": 500, "bob": 900, "carol": 1400]
        let phones = try ["alice", "bob", "carol"].map { try phone($0, tone: tones[$0] ?? 0) }
        for p in phones {
            try p.dial("sip:3000@127.0.0.1:\(server.sipPort)")
            XCTAssertTrue(p.waitForEvent("CALL_ESTABLISHED", timeout: 20), p.output() + server.log)
        }
        // A fourth member: SIPp replaying recorded speech (PCMA, 30 ms packets).
        let work = try PeerFiles.scratchDirectory("sipp-conference")
        let sipp = try SIPp.start(scenario: "uac_pcap", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "3000", "-p", "\(try FreePorts.sipPort())", "-m", "1", "-d", "6000",
        ], workingDirectory: work, timeout: 60)
        XCTAssertTrue(waitFor("joined conference", count: 4, in: server), server.log)
        Thread.sleep(forTimeInterval: 4)
        // Alice mutes herself (DTMF 0); from then on nobody hears her tone.
        try phones[0].sendDTMF("0")
        XCTAssertTrue(waitFor("conference member muted", count: 1, in: server), server.log)
        Thread.sleep(forTimeInterval: 4)
        for p in phones { p.stop() }
        _ = try? sipp.finish(timeout: 30)
        XCTAssertTrue(waitFor("conference closed", count: 1, in: server), server.log)

        for p in phones {
            let (heard, rate) = try samples(p)
            XCTAssertGreaterThan(heard.count, rate * 6, "\(p.name) recorded too little")
            // Before the mute: the 2 s ending 5 s before the end of the recording; after: the last 2.5 s but 0.5 s.
            let before = heard[(heard.count - 7 * rate)..<(heard.count - 5 * rate)]
            let after = heard[(heard.count - 3 * rate)..<(heard.count - rate / 2)]
            let own = tones[p.name] ?? 0
            XCTAssertLessThan(level(before, own, rate: rate), 300, "\(p.name) hears itself")
            for (other, frequency) in tones where other != p.name {
                if other == "alice" {
                    XCTAssertGreaterThan(level(before, frequency, rate: rate), 1500, "\(p.name) should hear alice before the mute")
                    XCTAssertLessThan(level(after, frequency, rate: rate), 300, "\(p.name) still hears alice after the mute")
                } else {
                    XCTAssertGreaterThan(level(before, frequency, rate: rate), 1500, "\(p.name) should hear \(other)")
                    XCTAssertGreaterThan(level(after, frequency, rate: rate), 1500, "\(p.name) should hear \(other) after the mute")
                }
            }
        }
        // The room's recording holds everyone's tones.
        let recordings = try FileManager.default.contentsOfDirectory(atPath: server.dataDirectory.appendingPathComponent("recordings").path)
        let file = try XCTUnwrap(recordings.first { $0.hasPrefix("conference-3000-") }, "\(recordings)")
        let wav = try WAVFile(contentsOf: server.dataDirectory.appendingPathComponent("recordings/\(file)"))
        let mix = try XCTUnwrap(wav.pcm16Samples)
        let window = mix[(wav.sampleRate / 2)..<(wav.sampleRate * 5 / 2)]  // everyone is in and nobody muted yet
        for (name, frequency) in tones {
            XCTAssertGreaterThan(level(window, frequency, rate: wav.sampleRate), 1000, "recording lacks \(name)")
        }
    }

    func testAPINGuardsTheRoomAndTheMemberLimitHolds() throws {
        let server = try ParleyServer(name: "conference-pin", extraDialplan: Self.dialplan)
        addTeardownBlock { server.stop() }
        let alice = try phone("alice", tone: 500)
        try alice.dial("sip:3101@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(alice.waitForEvent("CALL_ESTABLISHED", timeout: 20), alice.output() + server.log)
        // A wrong PIN is refused, the right one lets her in.
        for digit in "1111#" { try alice.sendDTMF(digit); Thread.sleep(forTimeInterval: 0.25) }
        XCTAssertTrue(waitFor("conference PIN refused", count: 1, in: server), server.log)
        XCTAssertFalse(server.log.contains("joined conference"))
        for digit in "4321#" { try alice.sendDTMF(digit); Thread.sleep(forTimeInterval: 0.25) }
        XCTAssertTrue(waitFor("joined conference", count: 1, in: server), server.log)
        let bob = try phone("bob", tone: 900)
        try bob.dial("sip:3101@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(bob.waitForEvent("CALL_ESTABLISHED", timeout: 20), bob.output() + server.log)
        for digit in "4321#" { try bob.sendDTMF(digit); Thread.sleep(forTimeInterval: 0.25) }
        XCTAssertTrue(waitFor("joined conference", count: 2, in: server), server.log)
        // Room 3101 is full (max_members 2): a third caller is turned away busy.
        let carol = try phone("carol", tone: 1400)
        try carol.dial("sip:3101@127.0.0.1:\(server.sipPort)")
        XCTAssertTrue(carol.waitForEvent("CALL_CLOSED", timeout: 20), carol.output())
        XCTAssertTrue(server.log.contains("conference full"), server.log)
    }
}
