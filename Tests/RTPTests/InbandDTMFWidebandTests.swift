import Codecs
import Foundation
import RTP
import XCTest

/// ``InbandDTMFDetector`` at the PCM rates of wideband calls: 16 kHz natively (G.722, Opus at
/// 16 kHz) and 48 kHz through the decimator (Opus). Every key at several levels and twists is
/// found once; noise, single tones, rich audio and speech-like sound are not keys; timestamps and
/// durations come out on the RTP clock the caller names; tones survive G.722 and Opus coding.
final class InbandDTMFWidebandTests: XCTestCase {
    private let keys = Array("0123456789*#ABCD")

    /// Runs `samples` through a fresh detector in 20 ms frames and returns every action.
    private func detect(_ samples: [Int16], rate: Int, timestampRate: Int? = nil, start: UInt32 = 0) -> [DTMFAction] {
        var detector = InbandDTMFDetector(configuration: .init(sampleRate: rate, timestampRate: timestampRate))
        let frame = rate / 50
        let unitsPerFrame = (timestampRate ?? rate) / 50
        var actions: [DTMFAction] = []
        var offset = 0
        var timestamp = start
        while offset < samples.count {
            let chunk = Array(samples[offset..<min(offset + frame, samples.count)])
            actions += detector.process(chunk, timestamp: timestamp)
            offset += frame
            timestamp &+= UInt32(unitsPerFrame)
        }
        return actions + detector.finish()
    }

    private func tone(_ key: Character, ms: Int, rate: Int, level: Double = -10, twist: Double = 0) -> [Int16] {
        guard var generator = try? DTMFToneGenerator(digit: key, level: level, twist: twist, sampleRate: rate) else {
            XCTFail("no generator for \(key)")
            return []
        }
        return generator.generate(count: ms * rate / 1000)
    }

    private func silence(ms: Int, rate: Int) -> [Int16] {
        [Int16](repeating: 0, count: ms * rate / 1000)
    }

    private func found(_ actions: [DTMFAction]) -> String {
        String(actions.compactMap(\.completedDigit).map(\.digit))
    }

    private func keyDowns(_ actions: [DTMFAction]) -> Int {
        actions.filter { if case .keyDown = $0 { true } else { false } }.count
    }

    func testConfigurationPicksTheAnalysisRateAndBlock() {
        XCTAssertEqual(InbandDTMFDetector.Configuration(sampleRate: 8000).blockSize, 102)
        let wide = InbandDTMFDetector.Configuration(sampleRate: 16_000)
        XCTAssertEqual(wide.analysisRate, 16_000)
        XCTAssertEqual(wide.blockSize, 204, "12.75 ms at every rate")
        let opus = InbandDTMFDetector.Configuration(sampleRate: 48_000)
        XCTAssertEqual(opus.analysisRate, 16_000)
        XCTAssertEqual(opus.decimation, 3)
        XCTAssertEqual(InbandDTMFDetector.Configuration(sampleRate: 24_000).analysisRate, 8000)
        XCTAssertEqual(InbandDTMFDetector.Configuration(sampleRate: 16_000, timestampRate: 8000).timestampRate, 8000)
    }

    func testEveryKeyAt16kHzAtSeveralLevelsAndTwistsIsDetectedOnce() {
        for level in [-3.0, -10, -20, -30] {
            for twist in [-3.0, 0, 6] {
                for key in keys {
                    let samples = silence(ms: 30, rate: 16_000) + tone(key, ms: 80, rate: 16_000, level: level, twist: twist)
                        + silence(ms: 60, rate: 16_000)
                    let actions = detect(samples, rate: 16_000)
                    XCTAssertEqual(found(actions), String(key), "\(key) at \(level) dBm0, twist \(twist) dB")
                    XCTAssertEqual(keyDowns(actions), 1)
                }
            }
        }
    }

    func testEveryKeyAt48kHzIsDetectedOnceThroughTheDecimator() {
        for level in [-5.0, -25] {
            for key in keys {
                let samples = silence(ms: 30, rate: 48_000) + tone(key, ms: 70, rate: 48_000, level: level, twist: 3)
                    + silence(ms: 60, rate: 48_000)
                XCTAssertEqual(found(detect(samples, rate: 48_000)), String(key), "\(key) at \(level) dBm0")
            }
        }
    }

    /// G.722 runs its PCM at 16 kHz on an 8 kHz RTP clock: times are reported on that clock.
    func testTimestampAndDurationAreOnTheRTPClock() throws {
        let samples = silence(ms: 100, rate: 16_000) + tone("7", ms: 200, rate: 16_000) + silence(ms: 100, rate: 16_000)
        let actions = detect(samples, rate: 16_000, timestampRate: 8000, start: 50_000)
        let digit = try XCTUnwrap(actions.compactMap(\.completedDigit).first)
        XCTAssertEqual(digit.clockRate, 8000)
        let start = try XCTUnwrap(digit.startTimestamp)
        XCTAssertLessThanOrEqual(abs(Int(start) - (50_000 + 800)), 102, "within one block of the tone's start")
        XCTAssertLessThanOrEqual(abs(digit.duration - 1600), 2 * 102, "within two blocks of 200 ms")
        XCTAssertEqual(digit.durationMs, digit.duration / 8)

        let fast = detect(silence(ms: 100, rate: 48_000) + tone("7", ms: 200, rate: 48_000) + silence(ms: 100, rate: 48_000),
                          rate: 48_000, start: 10)
        let opusDigit = try XCTUnwrap(fast.compactMap(\.completedDigit).first)
        XCTAssertEqual(opusDigit.clockRate, 48_000)
        XCTAssertLessThanOrEqual(abs(Int(opusDigit.startTimestamp ?? 0) - (10 + 4800)), 612 + 30)
        XCTAssertLessThanOrEqual(abs(opusDigit.durationMs - 200), 26)
    }

    func testDialledSequenceWithShortTonesAndGapsAt16kHz() {
        var samples = silence(ms: 20, rate: 16_000)
        let sequence = "1A2B3C*0#D99"
        for key in sequence {
            samples += tone(key, ms: 45, rate: 16_000) + silence(ms: 45, rate: 16_000)
        }
        XCTAssertEqual(found(detect(samples, rate: 16_000)), sequence)
    }

    func testTooShortBadTwistAndTooQuietAreRejectedAt16kHz() {
        let rate = 16_000
        XCTAssertEqual(found(detect(tone("3", ms: 20, rate: rate) + silence(ms: 60, rate: rate), rate: rate)), "")
        XCTAssertEqual(found(detect(tone("3", ms: 80, rate: rate, twist: 12) + silence(ms: 40, rate: rate), rate: rate)), "")
        XCTAssertEqual(found(detect(tone("3", ms: 80, rate: rate, twist: -8) + silence(ms: 40, rate: rate), rate: rate)), "")
        XCTAssertEqual(found(detect(tone("3", ms: 80, rate: rate, level: -45) + silence(ms: 40, rate: rate), rate: rate)), "")
    }

    func testToneInNoiseIsDetectedAt16And48kHz() {
        for rate in [16_000, 48_000] {
            var random = SeededGenerator(seed: 7)
            let signal = tone("5", ms: 100, rate: rate, level: -15) + silence(ms: 60, rate: rate)
            let noisy = signal.map { Int16(clamping: Int($0) + Int.random(in: -300...300, using: &random)) }
            XCTAssertEqual(found(detect(noisy, rate: rate)), "5", "\(rate) Hz")
        }
    }

    /// Talk-off: nothing that is not a dual tone counts, at either wideband rate.
    func testNoiseSingleTonesRichAudioAndSpeechGiveNothing() {
        for rate in [16_000, 48_000] {
            var random = SeededGenerator(seed: 11)
            let white = (0..<(2 * rate)).map { _ in Int16.random(in: -8000...8000, using: &random) }
            let cases: [(String, [Int16])] = [
                ("silence", silence(ms: 1000, rate: rate)),
                ("440 Hz", sine([440], ms: 1000, rate: rate, amplitude: 12_000)),
                ("697 Hz only", sine([697], ms: 1000, rate: rate, amplitude: 8000)),
                ("1336 Hz only", sine([1336], ms: 1000, rate: rate, amplitude: 8000)),
                ("row and column among other partials", sine([697, 1209, 400, 1800, 2300, 2900, 3300, 5200], ms: 1000,
                                                             rate: rate, amplitude: 3000)),
                ("white noise", white),
                ("speech-like", speechLike(ms: 2500, rate: rate, seed: 3)),
            ]
            for (name, samples) in cases {
                XCTAssertTrue(detect(samples, rate: rate).isEmpty, "\(name) at \(rate) Hz")
            }
        }
        XCTAssertEqual(found(detect(sine([697, 1209], ms: 500, rate: 16_000, amplitude: 3000), rate: 16_000)), "1",
                       "the same two tones alone are a digit")
    }

    func testKeysSurviveG722Coding() throws {
        var samples: [Int16] = []
        for key in keys {
            samples += tone(key, ms: 60, rate: 16_000, level: -15) + silence(ms: 60, rate: 16_000)
        }
        let encoder = try G722.Encoder()
        let decoder = try G722.Decoder()
        var decoded: [Int16] = []
        for start in stride(from: 0, to: samples.count - 319, by: 320) {
            var payload: [UInt8] = []
            try samples[start..<(start + 320)].withUnsafeBufferPointer { try encoder.encode($0, into: &payload) }
            try payload.withUnsafeBytes { try decoder.decode($0, into: &decoded) }
        }
        XCTAssertEqual(found(detect(decoded, rate: 16_000, timestampRate: 8000)), String(keys))
    }

    func testKeysSurviveOpusCodingAt48kHz() throws {
        var samples: [Int16] = []
        for key in "159#D" {
            samples += tone(key, ms: 80, rate: 48_000, level: -12) + silence(ms: 80, rate: 48_000)
        }
        let encoder = try Opus.Encoder(sampleRate: 48_000, channels: 1)
        let decoder = try Opus.Decoder(sampleRate: 48_000, channels: 1)
        var decoded: [Int16] = []
        for start in stride(from: 0, to: samples.count - 959, by: 960) {
            var payload: [UInt8] = []
            try samples[start..<(start + 960)].withUnsafeBufferPointer { try encoder.encode($0, into: &payload) }
            try payload.withUnsafeBytes { try decoder.decode($0, into: &decoded) }
        }
        XCTAssertEqual(found(detect(decoded, rate: 48_000)), "159#D")
    }

    // MARK: - Signals

    private func sine(_ frequencies: [Double], ms: Int, rate: Int, amplitude: Double) -> [Int16] {
        (0..<(ms * rate / 1000)).map { index in
            let value = frequencies.reduce(0.0) { $0 + amplitude * sin(2 * Double.pi * $1 * Double(index) / Double(rate)) }
            return Int16(max(-32768, min(32767, value)))
        }
    }

    /// Vowel-like sound: a gliding 90-220 Hz pitch with harmonics up to 7 kHz (or 3.4 kHz at
    /// 8 kHz) shaped by three moving formants, syllables of 150-300 ms and some breath noise.
    private func speechLike(ms: Int, rate: Int, seed: UInt64) -> [Int16] {
        var random = SeededGenerator(seed: seed)
        var samples: [Int16] = []
        samples.reserveCapacity(ms * rate / 1000)
        var phase = 0.0
        let top = min(7000.0, Double(rate) * 0.45)
        while samples.count < ms * rate / 1000 {
            let length = Int.random(in: (rate * 15 / 100)...(rate * 30 / 100), using: &random)
            let pitchStart = Double.random(in: 90...220, using: &random)
            let pitchEnd = Double.random(in: 90...220, using: &random)
            let formants = [Double.random(in: 300...900, using: &random),
                            Double.random(in: 900...2200, using: &random),
                            Double.random(in: 2200...3200, using: &random)]
            for index in 0..<length {
                let progress = Double(index) / Double(length)
                let pitch = pitchStart + (pitchEnd - pitchStart) * progress
                phase += 2 * Double.pi * pitch / Double(rate)
                var value = 0.0
                var harmonic = 1.0
                while harmonic * pitch < top {
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
