import Foundation
import RTP
import XCTest

/// ``InbandDTMFDetector`` on generated tones: every key at several levels and twists is found
/// once; single tones, noise, speech-like sound and out-of-limit tones are not.
final class InbandDTMFDetectorTests: XCTestCase {
    private let keys = Array("0123456789*#ABCD")

    /// Runs `samples` through a fresh detector in 20 ms frames, timestamps from `start`, and
    /// returns every action.
    private func detect(_ samples: [Int16], start: UInt32 = 0) -> [DTMFAction] {
        var detector = InbandDTMFDetector()
        var actions: [DTMFAction] = []
        var offset = 0
        while offset < samples.count {
            let frame = Array(samples[offset..<min(offset + 160, samples.count)])
            actions += detector.process(frame, timestamp: start &+ UInt32(offset))
            offset += 160
        }
        return actions + detector.finish()
    }

    private func tone(_ key: Character, ms: Int, level: Double = -10, twist: Double = 0, error: Double = 0) -> [Int16] {
        guard var generator = try? DTMFToneGenerator(digit: key, level: level, twist: twist, frequencyError: error) else {
            XCTFail("no generator for \(key)")
            return []
        }
        return generator.generate(count: ms * 8)
    }

    private func silence(ms: Int) -> [Int16] {
        [Int16](repeating: 0, count: ms * 8)
    }

    private func found(_ actions: [DTMFAction]) -> String {
        String(actions.compactMap(\.completedDigit).map(\.digit))
    }

    func testEveryKeyAtSeveralLevelsAndTwistsIsDetectedOnce() {
        for level in [-3.0, -10, -20, -30] {
            for twist in [-3.0, 0, 6] {
                for key in keys {
                    let actions = detect(silence(ms: 30) + tone(key, ms: 80, level: level, twist: twist) + silence(ms: 60))
                    XCTAssertEqual(found(actions), String(key), "\(key) at \(level) dBm0, twist \(twist) dB")
                    XCTAssertEqual(actions.filter { if case .keyDown = $0 { true } else { false } }.count, 1)
                }
            }
        }
    }

    func testTimestampAndDurationFollowTheTone() throws {
        let actions = detect(silence(ms: 100) + tone("7", ms: 200) + silence(ms: 100), start: 50_000)
        let digit = try XCTUnwrap(actions.compactMap(\.completedDigit).first)
        XCTAssertEqual(digit.source, .inband)
        XCTAssertEqual(digit.clockRate, 8000)
        let start = try XCTUnwrap(digit.startTimestamp)
        XCTAssertLessThanOrEqual(abs(Int(start) - (50_000 + 800)), 102, "within one block of the tone's start")
        XCTAssertLessThanOrEqual(abs(digit.duration - 1600), 2 * 102, "within two blocks of 200 ms")
        guard case .keyDown(let key, let event, _) = actions.first else { return XCTFail("no keyDown first") }
        XCTAssertEqual(key, "7")
        XCTAssertEqual(event, 7)
    }

    func testDialledSequenceWithShortTonesAndGaps() {
        var samples = silence(ms: 20)
        let sequence = "1A2B3C*0#D99"
        for key in sequence {
            samples += tone(key, ms: 45) + silence(ms: 45)
        }
        XCTAssertEqual(found(detect(samples)), sequence)
    }

    func testFrequencyDeviationOfOnePointFivePercentIsAccepted() {
        for error in [-0.015, 0.015] {
            for key in keys {
                XCTAssertEqual(found(detect(tone(key, ms: 80, error: error) + silence(ms: 40))), String(key), "\(key) \(error)")
            }
        }
    }

    func testToneInModerateNoiseIsDetected() {
        var random = SeededGenerator(seed: 7)
        let signal = tone("5", ms: 100, level: -15) + silence(ms: 60)
        let noisy = signal.map { sample in
            Int16(clamping: Int(sample) + Int.random(in: -300...300, using: &random))  // about -45 dBm0
        }
        XCTAssertEqual(found(detect(noisy)), "5")
    }

    func testTooShortTonesAndBadTwistAreRejected() {
        XCTAssertEqual(found(detect(tone("3", ms: 20) + silence(ms: 60))), "", "20 ms is too short")
        XCTAssertEqual(found(detect(tone("3", ms: 80, twist: 12) + silence(ms: 40))), "", "12 dB normal twist")
        XCTAssertEqual(found(detect(tone("3", ms: 80, twist: -8) + silence(ms: 40))), "", "8 dB reverse twist")
        XCTAssertEqual(found(detect(tone("3", ms: 80, level: -45) + silence(ms: 40))), "", "below -36 dBm0")
    }

    func testSingleTonesNoiseSilenceAndSpeechLikeSoundGiveNothing() {
        var random = SeededGenerator(seed: 11)
        let white = (0..<16_000).map { _ in Int16.random(in: -8000...8000, using: &random) }
        let cases: [(String, [Int16])] = [
            ("silence", silence(ms: 2000)),
            ("440 Hz", sine([440], ms: 2000, amplitude: 12_000)),
            ("697 Hz only", sine([697], ms: 1000, amplitude: 8000)),
            ("1336 Hz only", sine([1336], ms: 1000, amplitude: 8000)),
            ("white noise", white),
            ("speech-like", speechLike(ms: 4000, seed: 3)),
        ]
        for (name, samples) in cases {
            XCTAssertTrue(detect(samples).isEmpty, name)
        }
    }

    /// Talk-off: music or speech with components exactly on a row and a column frequency, but
    /// as much energy elsewhere, is not a key press (the two tones must dominate the block).
    func testDualToneInsideRichAudioIsNotADigit() {
        let rich = sine([697, 1209, 400, 1800, 2300, 2900, 3300], ms: 1000, amplitude: 3000)
        XCTAssertTrue(detect(rich).isEmpty)
        let clean = sine([697, 1209], ms: 1000, amplitude: 3000)
        XCTAssertEqual(found(detect(clean)), "1", "the same two tones alone are a digit")
    }

    func testSameKeyTwiceWith40msGapIsTwoPresses() {
        let samples = tone("9", ms: 60) + silence(ms: 40) + tone("9", ms: 60) + silence(ms: 40)
        XCTAssertEqual(found(detect(samples)), "99")
    }

    func testAnyFrameLengthWorks() {
        let samples = silence(ms: 10) + tone("#", ms: 100) + silence(ms: 50)
        var detector = InbandDTMFDetector()
        var actions: [DTMFAction] = []
        var offset = 0
        var size = 1
        while offset < samples.count {
            let end = min(offset + size, samples.count)
            actions += detector.process(Array(samples[offset..<end]), timestamp: UInt32(offset))
            offset = end
            size = size % 97 + 13
        }
        XCTAssertEqual(found(actions), "#")
    }

    // MARK: - Signals

    private func sine(_ frequencies: [Double], ms: Int, amplitude: Double) -> [Int16] {
        (0..<(ms * 8)).map { index in
            let value = frequencies.reduce(0.0) { $0 + amplitude * sin(2 * Double.pi * $1 * Double(index) / 8000) }
            return Int16(max(-32768, min(32767, value)))
        }
    }

    /// Vowel-like sound: a gliding 90-220 Hz pitch with harmonics to 3.4 kHz shaped by three
    /// moving formants, syllables of 150-300 ms and a little breath noise.
    private func speechLike(ms: Int, seed: UInt64) -> [Int16] {
        var random = SeededGenerator(seed: seed)
        var samples: [Int16] = []
        var phase = 0.0
        while samples.count < ms * 8 {
            let length = Int.random(in: 1200...2400, using: &random)
            let pitchStart = Double.random(in: 90...220, using: &random)
            let pitchEnd = Double.random(in: 90...220, using: &random)
            let formants = [Double.random(in: 300...900, using: &random),
                            Double.random(in: 900...2200, using: &random),
                            Double.random(in: 2200...3200, using: &random)]
            for index in 0..<length {
                let progress = Double(index) / Double(length)
                let pitch = pitchStart + (pitchEnd - pitchStart) * progress
                phase += 2 * Double.pi * pitch / 8000
                var value = 0.0
                var harmonic = 1.0
                while harmonic * pitch < 3400 {
                    let frequency = harmonic * pitch
                    let weight = formants.reduce(0.0) { $0 + 1 / (1 + pow((frequency - $1) / 120, 2)) }
                    value += weight * sin(harmonic * phase)
                    harmonic += 1
                }
                let envelope = sin(Double.pi * progress)
                value = value * 2500 * envelope + Double.random(in: -200...200, using: &random)
                samples.append(Int16(max(-32768, min(32767, value))))
            }
        }
        return samples
    }
}
