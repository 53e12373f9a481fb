import Foundation
import RTP
import XCTest

/// ``G711PacketLossConcealer``: pitch repetition, fading, and the fade back in.
final class G711PacketLossConcealerTests: XCTestCase {
    /// A voiced-like periodic signal: period `period` samples, a few harmonics.
    private func voiced(count: Int, period: Int, offset: Int = 0, amplitude: Double = 8000) -> [Int16] {
        (offset..<(offset + count)).map { index in
            let phase = 2 * Double.pi * Double(index) / Double(period)
            let value = amplitude * (0.6 * sin(phase) + 0.3 * sin(2 * phase + 0.5) + 0.15 * sin(3 * phase + 1.1))
            return Int16(value.rounded())
        }
    }

    private func energy(_ samples: ArraySlice<Int16>) -> Double {
        samples.reduce(0.0) { $0 + Double($1) * Double($1) }
    }

    private func primed(period: Int, frames: Int = 5) -> G711PacketLossConcealer {
        var concealer = G711PacketLossConcealer()
        for frame in 0..<frames {
            var samples = voiced(count: 160, period: period, offset: frame * 160)
            concealer.receive(&samples)
        }
        return concealer
    }

    func testPitchIsFoundAndTheFirstTenMillisecondsContinueTheWaveform() {
        for period in [50, 64, 80, 113] {
            var concealer = primed(period: period)
            let concealed = concealer.conceal(count: 160)
            XCTAssertEqual(concealer.pitchPeriod, period, "period \(period)")
            let truth = voiced(count: 160, period: period, offset: 5 * 160)
            var error = 0.0
            for index in 0..<80 { error += pow(Double(concealed[index]) - Double(truth[index]), 2) }
            let snr = 10 * log10(energy(truth[0..<80]) / max(error, 1))
            XCTAssertGreaterThan(snr, 15, "period \(period): a periodic signal is continued almost exactly")
            XCTAssertTrue(concealer.isConcealing)
        }
    }

    func testOutputFadesTwentyPercentPerTenMillisecondsToSilenceAt60ms() {
        var concealer = primed(period: 64)
        let concealed = concealer.conceal(count: 4 * 160)
        let peaks = stride(from: 0, to: 640, by: 80).map { start in
            concealed[start..<(start + 80)].map { abs(Int($0)) }.max() ?? 0
        }
        XCTAssertGreaterThan(peaks[0], 5000, "full level for 10 ms")
        for index in 1..<5 {
            XCTAssertLessThan(peaks[index + 1], peaks[index], "fading after 10 ms (segment \(index))")
        }
        XCTAssertEqual(peaks[6], 0, "silent from 60 ms")
        XCTAssertEqual(peaks[7], 0)
    }

    func testFirstGoodFrameIsFadedInWithoutAJump() {
        let period = 64
        var concealer = primed(period: period)
        _ = concealer.conceal(count: 160)
        var good = voiced(count: 160, period: period, offset: 6 * 160)
        let original = good
        // Where the synthetic signal stands now, to compare against the unblended splice.
        var probe = concealer
        let continuation = probe.conceal(count: 1)[0]
        concealer.receive(&good)
        XCTAssertFalse(concealer.isConcealing)
        let overlap = period / 4 + 32  // a quarter period + 4 ms for the 10 ms beyond the first
        XCTAssertEqual(Array(good[overlap...]), Array(original[overlap...]), "only the overlap is changed")
        XCTAssertNotEqual(Array(good[..<overlap]), Array(original[..<overlap]))
        let blendedJump = abs(Int(good[0]) - Int(continuation))
        let rawJump = abs(Int(original[0]) - Int(continuation))
        XCTAssertLessThanOrEqual(blendedJump, rawJump, "the first sample leans toward the synthetic signal")
    }

    func testLongErasureWidensTheOverlap() {
        let period = 64
        var concealer = primed(period: period)
        _ = concealer.conceal(count: 3 * 160)  // 60 ms: silent by the end
        var good = voiced(count: 160, period: period, offset: 9 * 160)
        let original = good
        concealer.receive(&good)
        // 16 samples (a quarter period) + 4 ms for each 10 ms beyond the first: capped at 80.
        XCTAssertEqual(Array(good[80...]), Array(original[80...]))
        XCTAssertNotEqual(good[79], original[79])
        XCTAssertLessThan(abs(Int(good[0])), abs(Int(original[0])) + 1, "fades in from silence")
    }

    func testSilenceAndStreamStartConcealAsSilence() {
        var concealer = G711PacketLossConcealer()
        XCTAssertEqual(concealer.conceal(count: 160), [Int16](repeating: 0, count: 160))
        var zeros = [Int16](repeating: 0, count: 160)
        concealer.receive(&zeros)
        XCTAssertEqual(zeros, [Int16](repeating: 0, count: 160))
    }

    func testAnyFrameSizeAndRepeatedErasures() {
        var concealer = primed(period: 80)
        for size in [1, 7, 80, 240] {
            let concealed = concealer.conceal(count: size)
            XCTAssertEqual(concealed.count, size)
            var good = voiced(count: size * 2, period: 80)
            concealer.receive(&good)
        }
        XCTAssertNotNil(concealer.pitchPeriod)
    }
}
