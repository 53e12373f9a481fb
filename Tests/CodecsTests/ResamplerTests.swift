import Codecs
import XCTest

/// The speexdsp resampler: round trips between 8, 16 and 48 kHz keep a tone and the length,
/// 22.05 kHz (espeak-ng) converts to every room rate, and streaming in pieces changes nothing.
final class ResamplerTests: XCTestCase {
    private typealias Signals = AudioTestSignals

    /// Resamples `input` in 20 ms pieces, as a media loop would.
    private func stream(_ input: [Int16], through resampler: Resampler) throws -> [Int16] {
        let piece = resampler.inputRate / 50
        var out: [Int16] = []
        for start in stride(from: 0, to: input.count, by: piece) {
            let chunk = Array(input[start..<min(start + piece, input.count)])
            try chunk.withUnsafeBufferPointer { try resampler.process($0, into: &out) }
        }
        return out
    }

    func testRoundTripsThroughSixteenAndFortyEightKilohertzKeepATone() throws {
        let tone = Signals.tone(1000, rate: 8000, count: 8000)
        for middle in [16_000, 48_000] {
            let up = try Resampler(from: 8000, to: middle)
            let down = try Resampler(from: middle, to: 8000)
            let raised = try stream(tone, through: up)
            let back = try stream(raised, through: down)
            XCTAssertEqual(raised.count, tone.count * middle / 8000, "8 → \(middle) keeps the duration")
            XCTAssertEqual(back.count, tone.count, "\(middle) → 8 kHz keeps the duration")
            let steady = back[800...]
            XCTAssertEqual(Signals.dominantFrequency(steady, rate: 8000, in: 900...1100), 1000, accuracy: 1)
            XCTAssertEqual(Signals.dominantFrequency(raised[(middle / 10)...], rate: middle, in: 900...1100),
                           1000, accuracy: 1)
            // Measured 82 dB both ways, which is the 16-bit rounding of the source itself (a 1 kHz
            // tone sits far inside the passband). Aliasing, a wrong ratio or dropped samples
            // cost tens of dB.
            XCTAssertGreaterThan(Signals.toneSNR(steady, frequency: 1000, rate: 8000), 70, "via \(middle)")
        }
    }

    func testReportedLatencyIsTheMeasuredDelay() throws {
        // Three unrelated tones make the delay unambiguous.
        let mix = (0..<8000).map { index -> Int16 in
            let t = Double(index) / 8000
            return Int16(2500 * (sin(2 * .pi * 310 * t) + sin(2 * .pi * 1170 * t) + sin(2 * .pi * 2730 * t)))
        }
        for middle in [16_000, 48_000] {
            let up = try Resampler(from: 8000, to: middle)
            let down = try Resampler(from: middle, to: 8000)
            let back = try stream(try stream(mix, through: up), through: down)
            let expected = up.outputLatency * 8000 / middle + down.outputLatency
            let (snr, lag) = Signals.snr(reference: mix, output: back, start: 800, count: 4000, maxLag: 200)
            XCTAssertEqual(lag, expected, "via \(middle)")
            XCTAssertGreaterThan(snr, 60, "via \(middle)")
        }
    }

    func testTwentyTwoKilohertzSpeechRateConvertsToEveryRoomRate() throws {
        let tone = Signals.tone(1000, rate: 22_050, count: 22_050)
        for rate in [8000, 16_000, 48_000] {
            let resampler = try Resampler(from: 22_050, to: rate)
            let out = try stream(tone, through: resampler)  // 441-sample pieces
            XCTAssertEqual(out.count, rate, accuracy: 1, "one second in, one second out at \(rate) Hz")
            let steady = out[(rate / 10)...]
            XCTAssertEqual(Signals.dominantFrequency(steady, rate: rate, in: 900...1100), 1000, accuracy: 1)
            // Measured 81–84 dB.
            XCTAssertGreaterThan(Signals.toneSNR(steady, frequency: 1000, rate: rate), 70, "\(rate) Hz")
        }
    }

    func testPiecesOfAnySizeGiveTheSameOutputAsOneCall() throws {
        let tone = Signals.tone(697, rate: 22_050, count: 4410)
        let whole = try Resampler(from: 22_050, to: 8000).process(tone)
        let pieces = try Resampler(from: 22_050, to: 8000)
        var joined: [Int16] = []
        var start = 0
        var size = 1
        while start < tone.count {
            let end = min(start + size, tone.count)
            try Array(tone[start..<end]).withUnsafeBufferPointer { try pieces.process($0, into: &joined) }
            start = end
            size = size * 3 % 1013 + 1
        }
        XCTAssertTrue(joined == whole, "\(joined.count) vs \(whole.count) samples")
    }

    func testStereoKeepsChannelsAndResetForgetsHistory() throws {
        let left = Signals.tone(440, rate: 8000, count: 1600)
        let right = Signals.tone(1000, rate: 8000, count: 1600)
        let resampler = try Resampler(from: 8000, to: 16_000, channels: 2)
        let out = try resampler.process(Signals.interleave(left, right))
        XCTAssertEqual(out.count, 6400)
        XCTAssertEqual(Signals.dominantFrequency(Signals.channel(out, 0, of: 2)[320...], rate: 16_000, in: 300...1200), 440, accuracy: 2)
        XCTAssertEqual(Signals.dominantFrequency(Signals.channel(out, 1, of: 2)[320...], rate: 16_000, in: 300...1200), 1000, accuracy: 2)
        XCTAssertThrowsError(try resampler.process([1, 2, 3])) { error in
            XCTAssertEqual(error as? CodecError, .sampleCountNotMultiple(codec: "resampler", count: 3, multiple: 2))
        }
        resampler.reset()
        let again = try resampler.process(Signals.interleave(left, right))
        XCTAssertTrue(again == out, "after reset it behaves like a new resampler")
    }

    func testInvalidSettingsAreTypedErrors() {
        XCTAssertThrowsError(try Resampler(from: 8000, to: 16_000, quality: 11)) { error in
            XCTAssertEqual(error as? CodecError, .invalidSetting(name: "resampler quality", value: 11))
        }
        XCTAssertThrowsError(try Resampler(from: 0, to: 16_000)) { error in
            XCTAssertEqual(error as? CodecError, .unsupportedSampleRate(codec: "resampler", sampleRate: 0))
        }
        XCTAssertThrowsError(try Resampler(from: 8000, to: 16_000, channels: 3))
    }
}
