import Foundation
import RTP
import XCTest

/// ``DTMFToneGenerator``: frequencies, levels, twist and phase continuity.
final class DTMFToneGeneratorTests: XCTestCase {
    /// Amplitude of the `frequency` component of `samples` (a DFT at one frequency).
    private func amplitude(of frequency: Double, in samples: [Int16]) -> Double {
        var real = 0.0
        var imaginary = 0.0
        for (index, sample) in samples.enumerated() {
            let angle = 2 * Double.pi * frequency * Double(index) / 8000
            real += Double(sample) * cos(angle)
            imaginary += Double(sample) * sin(angle)
        }
        return 2 * (real * real + imaginary * imaginary).squareRoot() / Double(samples.count)
    }

    func testKeypadFrequenciesLevelsAndTwist() throws {
        let expected: [(Character, Double, Double)] = [("1", 697, 1209), ("5", 770, 1336), ("9", 852, 1477), ("D", 941, 1633),
                                                        ("*", 941, 1209), ("0", 941, 1336), ("#", 941, 1477), ("a", 697, 1633)]
        for (key, low, high) in expected {
            let samples = try DTMFToneGenerator.tone(key, durationMs: 1000, level: -10, twist: 4)
            XCTAssertEqual(samples.count, 8000)
            let lowLevel = 20 * log10(amplitude(of: low, in: samples) / DTMFToneGenerator.zeroDBm0Amplitude)
            let highLevel = 20 * log10(amplitude(of: high, in: samples) / DTMFToneGenerator.zeroDBm0Amplitude)
            XCTAssertEqual(lowLevel, -8, accuracy: 0.05, "\(key) row tone")
            XCTAssertEqual(highLevel, -12, accuracy: 0.05, "\(key) column tone")
        }
    }

    func testFrameByFrameEqualsOneBlock() throws {
        var whole = try DTMFToneGenerator(digit: "7")
        var framed = try DTMFToneGenerator(digit: "7")
        let reference = whole.generate(count: 8000)
        var pieces: [Int16] = []
        while pieces.count < 8000 { pieces += framed.generate(count: 160) }
        let largest = zip(reference, pieces).map { abs(Int($0) - Int($1)) }.max() ?? 0
        XCTAssertLessThanOrEqual(largest, 1)
    }

    func testLoudTonesClipInsteadOfWrapping() throws {
        let samples = try DTMFToneGenerator.tone("#", durationMs: 100, level: -2)
        XCTAssertEqual(samples.max(), 32767)
        XCTAssertEqual(samples.min(), -32768)
        let clipped = samples.filter { $0 == 32767 || $0 == -32768 }.count
        XCTAssertLessThan(clipped, samples.count / 10, "only the peaks clip")
    }

    func testAmplitudeFollowsTheDigitalMilliwatt() {
        XCTAssertEqual(DTMFToneGenerator.amplitude(dBm0: 0), 22_655, accuracy: 0.001)
        XCTAssertEqual(DTMFToneGenerator.amplitude(dBm0: -20), 2265.5, accuracy: 0.001)
        var generator = try? DTMFToneGenerator(digit: "3")
        XCTAssertEqual(generator?.generate(count: 0), [])
        XCTAssertEqual(generator?.generate(count: -5), [])
    }

    func testUnknownKeyThrows() {
        XCTAssertThrowsError(try DTMFToneGenerator(digit: "E")) { XCTAssertEqual(($0 as? DTMFError)?.kind, .unknownDigit) }
    }
}
