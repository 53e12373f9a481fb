import Foundation

/// A tone that dominated the audio.
public enum ToneDetection: Sendable, Equatable {
    /// A DTMF key (`0`–`9`, `*`, `#`, `A`–`D`).
    case dtmf(Character)
    /// A call-progress pair (dial tone 350+440, ringback 440+480, busy/reorder 480+620).
    case callProgress(low: Int, high: Int)
}

/// Flags frames dominated by DTMF or call-progress tones, so tones never count as speech.
///
/// Every VAD takes ringback and DTMF for speech (14–66 % of frames here). This mask runs the
/// Goertzel algorithm at the DTMF frequencies over the current frame (Hann-windowed, tolerant of
/// the 1.5 % frequency error keypads may have) and at the call-progress frequencies over the last
/// 40 ms (20 ms cannot separate 440 from 480 Hz), and reports a tone when a valid pair carries at
/// least ``Configuration/dominance`` of the power, each of its two tones at least
/// ``Configuration/minimumShare`` of it. Speech spreads its power over many harmonics and
/// formants and does not pass; a voice's single strong harmonic fails the two-tone test.
public struct ToneMask: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Share of the window's power the pair must carry.
        public var dominance: Double
        /// Share each tone of the pair must carry on its own.
        public var minimumShare: Double
        /// Windows quieter than this (dBFS, mean power) are never tones.
        public var minimumLevel: Double
        /// Call-progress pairs to mask, in Hz (North American by default; add 400+450 for the UK).
        public var callProgressPairs: [CallProgressPair]

        public init(dominance: Double = 0.7, minimumShare: Double = 0.15, minimumLevel: Double = -55,
                    callProgressPairs: [CallProgressPair] = CallProgressPair.northAmerican) {
            self.dominance = dominance
            self.minimumShare = minimumShare
            self.minimumLevel = minimumLevel
            self.callProgressPairs = callProgressPairs
        }
    }

    /// Two frequencies sounded together.
    public struct CallProgressPair: Sendable, Equatable {
        public var low: Int
        public var high: Int

        public init(low: Int, high: Int) {
            self.low = low
            self.high = high
        }

        /// Dial tone, ringback, busy and reorder (ITU-T E.180 / North American precise tones).
        public static let northAmerican = [
            CallProgressPair(low: 350, high: 440), CallProgressPair(low: 440, high: 480),
            CallProgressPair(low: 480, high: 620),
        ]
    }

    static let dtmfRows: [Double] = [697, 770, 852, 941]
    static let dtmfColumns: [Double] = [1209, 1336, 1477, 1633]
    static let dtmfKeys: [[Character]] = [["1", "2", "3", "A"], ["4", "5", "6", "B"], ["7", "8", "9", "C"], ["*", "0", "#", "D"]]

    public let sampleRate: Int
    public let configuration: Configuration
    private let rowCoefficients: [Double]
    private let columnCoefficients: [Double]
    private let pairCoefficients: [(low: Double, high: Double)]
    private var previous: [Int16] = []
    /// Hann window for the last frame length seen, and a buffer for the windowed frame.
    private var window: [Double] = []
    private var windowGain = 0.0
    private var windowed: [Double] = []

    public init(sampleRate: Int, configuration: Configuration = Configuration()) {
        self.sampleRate = sampleRate
        self.configuration = configuration
        let coefficient = { (frequency: Double) in 2 * cos(2 * Double.pi * frequency / Double(max(1, sampleRate))) }
        rowCoefficients = Self.dtmfRows.map(coefficient)
        columnCoefficients = Self.dtmfColumns.map(coefficient)
        pairCoefficients = configuration.callProgressPairs.map { (coefficient(Double($0.low)), coefficient(Double($0.high))) }
    }

    /// Analyses the next frame (any length, usually 20 ms) and reports the tone dominating the
    /// last two frames, if any.
    public mutating func analyze(_ frame: UnsafeBufferPointer<Int16>) -> ToneDetection? {
        defer {
            previous.removeAll(keepingCapacity: true)
            previous.append(contentsOf: frame)
        }
        let earlier = previous
        return earlier.withUnsafeBufferPointer { earlier in detect(earlier, frame) }
    }

    private mutating func detect(_ earlier: UnsafeBufferPointer<Int16>, _ current: UnsafeBufferPointer<Int16>) -> ToneDetection? {
        let currentPower = Self.meanPower(current)
        let fullScale = 32768.0 * 32768.0
        guard currentPower > 0, 10 * log10(currentPower / fullScale) >= configuration.minimumLevel else { return nil }
        if let key = detectDTMF(current, meanPower: currentPower) { return .dtmf(key) }

        // Call-progress pairs sit 40–90 Hz apart: they need the 40 ms window (25 Hz bins).
        let count = Double(earlier.count + current.count)
        let windowPower = (Self.meanPower(earlier) * Double(earlier.count) + currentPower * Double(current.count)) / count
        guard windowPower > 0 else { return nil }
        // A pure tone of amplitude A has mean power A²/2, which 2|X|²/N² recovers from Goertzel.
        let scale = 2 / (count * count) / windowPower
        for (index, pair) in pairCoefficients.enumerated() {
            let low = Self.goertzel(pair.low, earlier, current) * scale
            let high = Self.goertzel(pair.high, earlier, current) * scale
            if isDominantPair(low, high) {
                let tones = configuration.callProgressPairs[index]
                return .callProgress(low: tones.low, high: tones.high)
            }
        }
        return nil
    }

    /// DTMF over the current frame alone, Hann-windowed: keys may be 1.5 % off nominal (Q.24),
    /// up to 25 Hz, which a longer or unwindowed analysis would miss; DTMF tones are 73 Hz or more
    /// apart, so 20 ms resolves them.
    private mutating func detectDTMF(_ frame: UnsafeBufferPointer<Int16>, meanPower: Double) -> Character? {
        let count = frame.count
        guard count > 1 else { return nil }
        if window.count != count {
            window = (0..<count).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(count - 1)) }
            windowGain = window.reduce(0, +)
            windowed = [Double](repeating: 0, count: count)
        }
        window.withUnsafeBufferPointer { weights in
            windowed.withUnsafeMutableBufferPointer { out in
                for index in 0..<count { out[index] = Double(frame[index]) * weights[index] }
            }
        }
        // With window w, a tone of amplitude A gives |X| = A·Σw/2, so 2|X|²/(Σw)² is A²/2.
        let scale = 2 / (windowGain * windowGain) / meanPower
        return windowed.withUnsafeBufferPointer { samples -> Character? in
            let rows = rowCoefficients.map { Self.goertzel($0, samples) * scale }
            let columns = columnCoefficients.map { Self.goertzel($0, samples) * scale }
            guard let row = rows.indices.max(by: { rows[$0] < rows[$1] }),
                  let column = columns.indices.max(by: { columns[$0] < columns[$1] }),
                  isDominantPair(rows[row], columns[column]) else { return nil }
            return Self.dtmfKeys[row][column]
        }
    }

    private static func meanPower(_ samples: UnsafeBufferPointer<Int16>) -> Double {
        guard !samples.isEmpty else { return 0 }
        var energy = 0.0
        for sample in samples { energy += Double(sample) * Double(sample) }
        return energy / Double(samples.count)
    }

    private static func goertzel(_ coefficient: Double, _ samples: UnsafeBufferPointer<Double>) -> Double {
        var s1 = 0.0, s2 = 0.0
        for sample in samples {
            let s0 = sample + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2
    }

    /// |X(f)|² over two consecutive buffers, for `coefficient` = 2 cos(2πf/fs).
    private static func goertzel(_ coefficient: Double, _ first: UnsafeBufferPointer<Int16>,
                                 _ second: UnsafeBufferPointer<Int16>) -> Double {
        var s1 = 0.0, s2 = 0.0
        for sample in first {
            let s0 = Double(sample) + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        for sample in second {
            let s0 = Double(sample) + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        return s1 * s1 + s2 * s2 - coefficient * s1 * s2
    }

    /// Forgets the previous frame.
    public mutating func reset() {
        previous.removeAll()
    }

    private func isDominantPair(_ first: Double, _ second: Double) -> Bool {
        first >= configuration.minimumShare && second >= configuration.minimumShare
            && first + second >= configuration.dominance
    }
}
