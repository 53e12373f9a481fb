import Codecs
import Foundation
@testable import Media
import ParleyTesting
import XCTest

/// The pure mixer and talker detector on synthetic frames.
final class AudioMixerTests: XCTestCase {
    private let rate = 16000
    private let frame = 320

    private func level(_ samples: [Int16], _ frequency: Double) -> Double {
        AudioAnalysis.amplitude(of: frequency, in: samples, sampleRate: rate)
    }

    private func channels(_ tones: [Double?]) -> [MixerChannel] {
        tones.map { tone in
            var c = MixerChannel(frameSize: frame)
            if let tone {
                c.input = Array(AudioAnalysis.tone(frequency: tone, seconds: 0.02, sampleRate: rate, amplitude: 6000).prefix(frame))
                c.contributes = true
            }
            return c
        }
    }

    func testEachMemberHearsTheOthersButNotItself() {
        var mixer = AudioMixer(frameSize: frame)
        var chans = channels([400, 1000, 1600, nil])
        mixer.mix(&chans)
        let tones: [Double] = [400, 1000, 1600]
        for (i, own) in tones.enumerated() {
            let heard = mixer.heard(by: chans[i])
            XCTAssertFalse(chans[i].usesSharedMix)
            XCTAssertLessThan(level(heard, own), 50, "member \(i) hears itself")
            for other in tones where other != own {
                XCTAssertEqual(level(heard, other), 6000, accuracy: 600, "member \(i) misses \(other) Hz")
            }
        }
        // The silent listener hears everyone, through the shared mix.
        XCTAssertTrue(chans[3].usesSharedMix)
        for tone in tones { XCTAssertEqual(level(mixer.heard(by: chans[3]), tone), 6000, accuracy: 600) }
        XCTAssertEqual(mixer.contributors, 3)
    }

    func testAMemberThatDoesNotContributeIsAbsentFromEveryMix() {
        var mixer = AudioMixer(frameSize: frame)
        var chans = channels([400, 1000, nil])
        chans[1].contributes = false  // muted
        mixer.mix(&chans)
        XCTAssertLessThan(level(mixer.heard(by: chans[0]), 1000), 50)
        XCTAssertLessThan(level(mixer.heard(by: chans[2]), 1000), 50)
        XCTAssertEqual(level(mixer.heard(by: chans[2]), 400), 6000, accuracy: 600)
        // A muted member still hears the others.
        XCTAssertEqual(level(mixer.heard(by: chans[1]), 400), 6000, accuracy: 600)
    }

    func testGainsScaleWhatIsSaidAndWhatIsHeard() {
        var mixer = AudioMixer(frameSize: frame)
        var chans = channels([400, 1000, nil])
        chans[0].inputGain = AudioMixer.gain(forVolumeStep: -2)  // half as loud
        chans[2].outputGain = AudioMixer.gain(forVolumeStep: 2)  // hears twice as loud
        mixer.mix(&chans)
        XCTAssertEqual(level(mixer.heard(by: chans[1]), 400), 3000, accuracy: 300)
        XCTAssertFalse(chans[2].usesSharedMix)
        XCTAssertEqual(level(mixer.heard(by: chans[2]), 1000), 12000, accuracy: 1200)
        XCTAssertEqual(level(mixer.heard(by: chans[2]), 400), 6000, accuracy: 600)
    }

    func testLoudSumsClipInsteadOfWrapping() {
        var mixer = AudioMixer(frameSize: frame)
        var chans = (0..<3).map { _ -> MixerChannel in
            var c = MixerChannel(frameSize: frame)
            c.input = [Int16](repeating: 30000, count: frame)
            c.contributes = true
            return c
        }
        chans.append(MixerChannel(frameSize: frame))
        mixer.mix(&chans)
        XCTAssertEqual(Set(mixer.heard(by: chans[0])), [Int16.max])
        XCTAssertEqual(Set(mixer.heard(by: chans[3])), [Int16.max])
    }

    func testADeafMemberGetsNoMix() {
        var mixer = AudioMixer(frameSize: frame)
        var chans = channels([400, nil])
        chans[1].hears = false
        chans[1].output = [Int16](repeating: 7, count: frame)
        mixer.mix(&chans)
        XCTAssertFalse(chans[1].usesSharedMix)
        XCTAssertEqual(Set(chans[1].output), [7], "a deaf member's output is left alone")
    }

    func testTalkerDetectorStartsAtOnceAndStopsAfterTheHangover() {
        var detector = TalkerDetector(threshold: 200, hangoverFrames: 3)
        let loud = AudioAnalysis.tone(frequency: 500, seconds: 0.02, sampleRate: 8000, amplitude: 3000)
        let quiet = [Int16](repeating: 20, count: 160)
        XCTAssertNil(quiet.withUnsafeBufferPointer { detector.feed($0) })
        XCTAssertEqual(loud.withUnsafeBufferPointer { detector.feed($0) }, .started)
        XCTAssertNil(loud.withUnsafeBufferPointer { detector.feed($0) })
        XCTAssertNil(quiet.withUnsafeBufferPointer { detector.feed($0) })
        XCTAssertNil(detector.feedSilence())
        XCTAssertTrue(detector.talking, "a pause shorter than the hangover keeps talking")
        XCTAssertEqual(quiet.withUnsafeBufferPointer { detector.feed($0) }, .stopped)
        XCTAssertFalse(detector.talking)
    }

    func testRecorderFilesAreRepairedAfterACrash() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rec-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/room.wav"
        let recorder = try WAVRecorder(path: path, sampleRate: 8000)
        let tone = AudioAnalysis.tone(frequency: 700, seconds: 1.3, sampleRate: 8000)
        for i in stride(from: 0, to: tone.count, by: 160) {
            tone[i..<min(i + 160, tone.count)].withUnsafeBufferPointer { recorder.append($0) }
        }
        recorder.waitForWrites()
        // "Killed" before finish: the last 0.3 s never left the media thread; the header covers what did.
        let partial = try WAVFile(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(partial.pcm16Samples?.count, 8000)
        // Simulate a crash between a write and its header patch: append raw samples plus half a sample.
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: [UInt8](repeating: 0x10, count: 2 * 400 + 1))
        try handle.close()
        XCTAssertEqual(WAVRecorder.repairAll(in: dir), [path])
        let repaired = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(repaired.count, 44 + 2 * 8400)
        XCTAssertEqual(Int(repaired[40]) | Int(repaired[41]) << 8 | Int(repaired[42]) << 16, 2 * 8400)
        XCTAssertEqual(Int(repaired[4]) | Int(repaired[5]) << 8 | Int(repaired[6]) << 16, 36 + 2 * 8400)
        XCTAssertFalse(WAVRecorder.repair(path), "a clean file is left alone")
        // A finished recording is complete on its own.
        let clean = try WAVRecorder(path: "\(dir)/clean.wav", sampleRate: 8000)
        tone.withUnsafeBufferPointer { clean.append($0) }
        let done = expectation(description: "closed")
        clean.finish { seconds in
            XCTAssertEqual(seconds, 1.3, accuracy: 0.01)
            done.fulfill()
        }
        wait(for: [done], timeout: 5)
        XCTAssertEqual(try WAVFile(contentsOf: URL(fileURLWithPath: "\(dir)/clean.wav")).pcm16Samples?.count, tone.count)
    }
}
