#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Synthesises DTMF dual tones (ITU-T Q.23) as 16-bit PCM, for tests and for sending digits
/// in-band to peers that did not negotiate telephone-events.
///
/// Levels are per tone in dBm0, using the G.711 µ-law digital milliwatt (a 0 dBm0 sine has a
/// peak of about 22 655 in 16-bit units, G.711 Table 5). `twist` is how much louder the low
/// (row) tone is than the high (column) tone, in dB; negative values are reverse twist. The phase
/// runs on across calls, so a tone can be rendered one frame per tick without clicks.
public struct DTMFToneGenerator: Sendable {
    /// Low-group (row) frequencies in Hz, Q.23.
    public static let rowFrequencies: [Double] = [697, 770, 852, 941]
    /// High-group (column) frequencies in Hz, Q.23.
    public static let columnFrequencies: [Double] = [1209, 1336, 1477, 1633]
    /// Peak amplitude of a 0 dBm0 sine in 16-bit linear PCM.
    public static let zeroDBm0Amplitude = 22_655.0

    /// Keypad layout: event code → (row, column).
    static let positions: [(row: Int, column: Int)] = [
        (3, 1), (0, 0), (0, 1), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 1), (2, 2),
        (3, 0), (3, 2), (0, 3), (1, 3), (2, 3), (3, 3),
    ]

    public let digit: Character
    public let lowFrequency: Double
    public let highFrequency: Double
    let lowAmplitude: Double
    let highAmplitude: Double
    /// Per-sample rotations (cos, sin) of the two oscillators.
    let lowStep: Phasor
    let highStep: Phasor
    /// Current oscillator phasors, starting at phase zero.
    var low: Phasor = (1, 0)
    var high: Phasor = (1, 0)

    /// A generator for `digit` at `level` dBm0 per tone. `frequencyError` scales both tones
    /// (0.015 = 1.5% high) to test a detector's tolerance.
    public init(
        digit: Character, level: Double = -10, twist: Double = 0, sampleRate: Int = 8000,
        frequencyError: Double = 0
    ) throws(DTMFError) {
        guard let event = DTMFDigit.event(for: digit) else {
            throw DTMFError(.unknownDigit, "'\(digit)' is not a DTMF key")
        }
        let position = Self.positions[Int(event)]
        self.digit = DTMFDigit.character(for: event) ?? digit
        lowFrequency = Self.rowFrequencies[position.row] * (1 + frequencyError)
        highFrequency = Self.columnFrequencies[position.column] * (1 + frequencyError)
        // Split the twist evenly so `level` stays the mean of the two tones.
        lowAmplitude = Self.amplitude(dBm0: level + twist / 2)
        highAmplitude = Self.amplitude(dBm0: level - twist / 2)
        let rate = Double(max(1, sampleRate))
        let lowAngle = 2 * Double.pi * lowFrequency / rate
        let highAngle = 2 * Double.pi * highFrequency / rate
        lowStep = (cos(lowAngle), sin(lowAngle))
        highStep = (cos(highAngle), sin(highAngle))
    }

    /// Peak amplitude of a sine at `dBm0`.
    public static func amplitude(dBm0: Double) -> Double {
        zeroDBm0Amplitude * pow(10, dBm0 / 20)
    }

    /// Writes `out.count` samples of the tone, clipping at full scale. Two rotating phasors
    /// replace `sin` per sample; they are renormalised once per call so rounding never drifts.
    public mutating func render(into out: UnsafeMutableBufferPointer<Int16>) {
        for index in out.indices {
            let value = lowAmplitude * low.sin + highAmplitude * high.sin
            out[index] = Int16(max(-32768, min(32767, value.rounded())))
            low = Self.rotate(low, by: lowStep)
            high = Self.rotate(high, by: highStep)
        }
        low = Self.normalise(low)
        high = Self.normalise(high)
    }

    typealias Phasor = (cos: Double, sin: Double)

    private static func rotate(_ phasor: Phasor, by step: Phasor) -> Phasor {
        (phasor.cos * step.cos - phasor.sin * step.sin, phasor.sin * step.cos + phasor.cos * step.sin)
    }

    private static func normalise(_ phasor: Phasor) -> Phasor {
        let length = (phasor.cos * phasor.cos + phasor.sin * phasor.sin).squareRoot()
        return length > 0 ? (phasor.cos / length, phasor.sin / length) : (1, 0)
    }

    /// The next `count` samples.
    public mutating func generate(count: Int) -> [Int16] {
        var samples = [Int16](repeating: 0, count: max(0, count))
        samples.withUnsafeMutableBufferPointer { render(into: $0) }
        return samples
    }

    /// `durationMs` of `digit` from phase zero.
    public static func tone(
        _ digit: Character, durationMs: Int, level: Double = -10, twist: Double = 0, sampleRate: Int = 8000
    ) throws(DTMFError) -> [Int16] {
        var generator = try DTMFToneGenerator(digit: digit, level: level, twist: twist, sampleRate: sampleRate)
        return generator.generate(count: durationMs * sampleRate / 1000)
    }
}
