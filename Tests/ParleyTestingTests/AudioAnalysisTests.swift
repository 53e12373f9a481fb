import XCTest

@testable import ParleyTesting

final class AudioAnalysisTests: XCTestCase {
    private func mix(_ signals: [Int16]...) -> [Int16] {
        let count = signals.map(\.count).max() ?? 0
        return (0..<count).map { index in
            AudioAnalysis.clamp(signals.reduce(0.0) { $0 + (index < $1.count ? Double($1[index]) : 0) })
        }
    }

    func testDominantFrequencyOfPureTonesIsWithinOneHertz() {
        for rate in [8000, 16000] {
            var frequencies: [Double] = [60, 300, 440, 697, 997, 1000, 1633, 2500, 3400]
            if rate == 16000 { frequencies += [3900, 123.4] }
            for frequency in frequencies {
                let tone = AudioAnalysis.tone(frequency: frequency, seconds: 1, sampleRate: rate)
                let measured = AudioAnalysis.dominantFrequency(tone, sampleRate: rate)
                XCTAssertEqual(measured, frequency, accuracy: 1.0, "\(frequency) Hz at \(rate) Hz")
            }
        }
    }

    func testShortAndQuietTonesAreStillFound() {
        let short = AudioAnalysis.tone(frequency: 440, seconds: 0.1, sampleRate: 8000)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(short, sampleRate: 8000), 440, accuracy: 3)
        let quiet = AudioAnalysis.tone(frequency: 1000, seconds: 2, sampleRate: 8000, amplitude: 50)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(quiet, sampleRate: 8000), 1000, accuracy: 1)
    }

    func testLouderToneWinsOverQuieterToneAndNoise() {
        let noise = AudioAnalysis.noise(seconds: 2, sampleRate: 8000, amplitude: 1500, seed: 7)
        let loud440 = AudioAnalysis.tone(frequency: 440, seconds: 2, sampleRate: 8000, amplitude: 8000)
        let soft1000 = AudioAnalysis.tone(frequency: 1000, seconds: 2, sampleRate: 8000, amplitude: 2000)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(mix(loud440, soft1000, noise), sampleRate: 8000), 440, accuracy: 1)

        let soft440 = AudioAnalysis.tone(frequency: 440, seconds: 2, sampleRate: 8000, amplitude: 2000)
        let loud1000 = AudioAnalysis.tone(frequency: 1000, seconds: 2, sampleRate: 8000, amplitude: 8000)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(mix(soft440, loud1000, noise), sampleRate: 8000), 1000, accuracy: 1)
    }

    func testToneAfterLongSilenceAsInARecording() {
        let recording = [Int16](repeating: 0, count: 8000) + AudioAnalysis.tone(frequency: 1000, seconds: 1.5, sampleRate: 8000)
            + [Int16](repeating: 0, count: 4000)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(recording, sampleRate: 8000), 1000, accuracy: 1)
    }

    func testOutOfBandEnergyIsIgnored() {
        // 30 Hz hum (below the 50 Hz floor) with a weaker 800 Hz tone: the tone is reported.
        let hum = AudioAnalysis.tone(frequency: 30, seconds: 1, sampleRate: 16000, amplitude: 12000)
        let tone = AudioAnalysis.tone(frequency: 800, seconds: 1, sampleRate: 16000, amplitude: 3000)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(mix(hum, tone), sampleRate: 16000), 800, accuracy: 1)
    }

    func testSilenceEmptyAndDegenerateInputs() {
        XCTAssertEqual(AudioAnalysis.dominantFrequency([], sampleRate: 8000), 0)
        XCTAssertEqual(AudioAnalysis.dominantFrequency([Int16](repeating: 0, count: 16000), sampleRate: 8000), 0)
        XCTAssertEqual(AudioAnalysis.dominantFrequency([1, 2, 3], sampleRate: 8000), 0)
        XCTAssertEqual(AudioAnalysis.dominantFrequency(AudioAnalysis.tone(frequency: 440, seconds: 1, sampleRate: 8000), sampleRate: 0), 0)
        XCTAssertEqual(AudioAnalysis.rms([]), 0)
        XCTAssertEqual(AudioAnalysis.rms([Int16](repeating: 0, count: 100)), 0)
        XCTAssertEqual(AudioAnalysis.nonSilentDuration([], sampleRate: 8000), 0)
        XCTAssertEqual(AudioAnalysis.nonSilentDuration([Int16](repeating: 0, count: 8000), sampleRate: 8000), 0)
        XCTAssertEqual(AudioAnalysis.tone(frequency: 440, seconds: 0, sampleRate: 8000), [])
    }

    func testRMSOfKnownSignals() {
        XCTAssertEqual(AudioAnalysis.rms([Int16](repeating: -1000, count: 50)), 1000, accuracy: 1e-9)
        XCTAssertEqual(AudioAnalysis.rms([3, -4, 3, -4]), (12.5).squareRoot(), accuracy: 1e-9)
        let sine = AudioAnalysis.tone(frequency: 1000, seconds: 1, sampleRate: 8000, amplitude: 10000)
        XCTAssertEqual(AudioAnalysis.rms(sine), 10000 / 2.0.squareRoot(), accuracy: 10)
        // Uniform noise in ±A has RMS A/√3.
        let noise = AudioAnalysis.noise(seconds: 2, sampleRate: 8000, amplitude: 6000, seed: 3)
        XCTAssertEqual(AudioAnalysis.rms(noise), 6000 / 3.0.squareRoot(), accuracy: 60)
    }

    func testNonSilentDurationCountsLoudWindowsOnly() {
        let rate = 8000
        let tone = { (seconds: Double) in AudioAnalysis.tone(frequency: 440, seconds: seconds, sampleRate: rate) }
        let silence = { (seconds: Double) in [Int16](repeating: 0, count: Int(seconds * Double(rate))) }
        let signal = tone(1.5) + silence(1) + tone(0.5) + silence(0.25)
        XCTAssertEqual(AudioAnalysis.nonSilentDuration(signal, sampleRate: rate), 2.0, accuracy: 0.041)

        let hiss = AudioAnalysis.noise(seconds: 1, sampleRate: rate, amplitude: 200, seed: 9)  // RMS ≈ 115
        XCTAssertEqual(AudioAnalysis.nonSilentDuration(hiss, sampleRate: rate), 0)
        XCTAssertEqual(AudioAnalysis.nonSilentDuration(hiss, sampleRate: rate, thresholdRMS: 50), 1.0, accuracy: 1e-9)
        // A trailing partial window counts for its own length.
        XCTAssertEqual(AudioAnalysis.nonSilentDuration(tone(0.01), sampleRate: rate), 0.01, accuracy: 1e-9)
    }

    func testToneGeneratorShapeAndClamping() {
        let tone = AudioAnalysis.tone(frequency: 1000, seconds: 0.5, sampleRate: 16000, amplitude: 12000)
        XCTAssertEqual(tone.count, 8000)
        XCTAssertEqual(tone[0], 0)
        XCTAssertEqual(tone[4], 12000)  // a quarter period of 1 kHz at 16 kHz is 4 samples
        XCTAssertEqual(tone[12], -12000)
        let clipped = AudioAnalysis.tone(frequency: 500, seconds: 0.1, sampleRate: 8000, amplitude: 100_000)
        XCTAssertEqual(clipped.max(), .max)
        XCTAssertEqual(clipped.min(), .min)
    }

    func testNoiseIsDeterministicPerSeed() {
        let first = AudioAnalysis.noise(seconds: 0.1, sampleRate: 8000, seed: 42)
        XCTAssertEqual(first, AudioAnalysis.noise(seconds: 0.1, sampleRate: 8000, seed: 42))
        XCTAssertNotEqual(first, AudioAnalysis.noise(seconds: 0.1, sampleRate: 8000, seed: 43))
        XCTAssertTrue(first.allSatisfy { abs(Int($0)) <= 8000 })
        var generator = SeededRandom(seed: 0)
        XCTAssertEqual(generator.next(), 0xE220_A839_7B1D_CDAF)  // SplitMix64's published first output for seed 0
    }

    func testFFTMatchesDirectDFT() {
        let input = (0..<16).map { Double(($0 * 7919) % 23) - 11 }
        let (real, imaginary) = FFT(size: 16).transform(input)
        for bin in 0..<16 {
            var expectedReal = 0.0
            var expectedImaginary = 0.0
            for (index, value) in input.enumerated() {
                let angle = -2 * Double.pi * Double(bin * index) / 16
                expectedReal += value * cos(angle)
                expectedImaginary += value * sin(angle)
            }
            XCTAssertEqual(real[bin], expectedReal, accuracy: 1e-9, "bin \(bin)")
            XCTAssertEqual(imaginary[bin], expectedImaginary, accuracy: 1e-9, "bin \(bin)")
        }
    }
}
