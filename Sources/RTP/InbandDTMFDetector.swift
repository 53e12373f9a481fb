#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Detects DTMF key presses in decoded 8 kHz PCM (ITU-T Q.23 tones, Q.24-style acceptance).
///
/// Feed it the audio of every tick with the RTP timestamp of the frame's first sample; any frame
/// length works. Internally it runs eight Goertzel filters over blocks of 102 samples (12.75 ms)
/// and classifies each block; a block is a hit for a key only when:
/// - the strongest row tone and the strongest column tone are both above
///   ``Configuration/minimumLevel``,
/// - the twist is within limits (row louder by at most ``Configuration/normalTwist`` dB, column
///   louder by at most ``Configuration/reverseTwist`` dB),
/// - each tone beats the other tones of its group by ``Configuration/relativePeak`` dB,
/// - the two tones carry at least ``Configuration/toneShare`` of the block's energy, which is
///   what rejects speech, music, noise and single tones.
///
/// A key goes down after ``Configuration/attackBlocks`` consecutive hits (25.5 ms: every tone of
/// 40 ms or more spans two whole blocks, a 20 ms burst never does) and is released after
/// ``Configuration/releaseBlocks`` blocks without it, which bridges a one-block dropout and
/// requires an inter-digit pause of about 25 ms before the same key counts again. Each press is
/// reported once, as a ``DTMFAction/digit(_:)`` with source `.inband`, when it is released.
public struct InbandDTMFDetector: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var sampleRate: Int
        /// Samples per analysis block.
        public var blockSize: Int
        /// Quietest accepted tone, per tone, in dBm0.
        public var minimumLevel: Double
        /// Most the row tone may exceed the column tone by, in dB.
        public var normalTwist: Double
        /// Most the column tone may exceed the row tone by, in dB.
        public var reverseTwist: Double
        /// How much each tone must beat the rest of its group, in dB.
        public var relativePeak: Double
        /// Least fraction of the block's energy the two tones must carry.
        public var toneShare: Double
        /// Consecutive hit blocks before a key counts as down.
        public var attackBlocks: Int
        /// Consecutive miss blocks before a key counts as released.
        public var releaseBlocks: Int

        public init(
            sampleRate: Int = 8000, blockSize: Int = 102, minimumLevel: Double = -36,
            normalTwist: Double = 8, reverseTwist: Double = 4, relativePeak: Double = 6,
            toneShare: Double = 0.7, attackBlocks: Int = 2, releaseBlocks: Int = 2
        ) {
            self.sampleRate = max(1, sampleRate)
            self.blockSize = max(16, blockSize)
            self.minimumLevel = minimumLevel
            self.normalTwist = normalTwist
            self.reverseTwist = reverseTwist
            self.relativePeak = relativePeak
            self.toneShare = toneShare
            self.attackBlocks = max(1, attackBlocks)
            self.releaseBlocks = max(1, releaseBlocks)
        }
    }

    /// Event codes by [row][column] (Q.23 keypad).
    static let keypad: [[UInt8]] = [[1, 2, 3, 12], [4, 5, 6, 13], [7, 8, 9, 14], [10, 0, 11, 15]]

    struct Press: Sendable {
        var event: UInt8
        var start: UInt32
        /// Blocks from the first hit to the last hit.
        var blocks: Int
        /// Consecutive misses since the last hit.
        var misses: Int
    }

    public let configuration: Configuration
    let bank: DTMFGoertzelBank
    let minimumTonePower: Float
    let normalTwistRatio: Float
    let reverseTwistRatio: Float
    let relativePeakRatio: Float
    let toneShare: Float

    var block: [Float]
    var fill = 0
    var blockStart: UInt32 = 0
    var candidate: UInt8?
    var candidateCount = 0
    var candidateStart: UInt32 = 0
    var active: Press?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        bank = DTMFGoertzelBank(sampleRate: configuration.sampleRate, blockSize: configuration.blockSize)
        let amplitude = DTMFToneGenerator.amplitude(dBm0: configuration.minimumLevel)
        minimumTonePower = Float(amplitude * amplitude * Double(configuration.blockSize) / 2)
        normalTwistRatio = Float(Self.ratio(dB: configuration.normalTwist))
        reverseTwistRatio = Float(Self.ratio(dB: configuration.reverseTwist))
        relativePeakRatio = Float(Self.ratio(dB: configuration.relativePeak))
        toneShare = Float(configuration.toneShare)
        block = [Float](repeating: 0, count: configuration.blockSize)
    }

    /// The key currently held down, if any.
    public var activeDigit: Character? {
        active.flatMap { DTMFDigit.character(for: $0.event) }
    }

    /// Analyses `samples`, whose first sample has RTP timestamp `timestamp`.
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, timestamp: UInt32) -> [DTMFAction] {
        var actions: [DTMFAction] = []
        let size = configuration.blockSize
        var index = 0
        while index < samples.count {
            if fill == 0 { blockStart = timestamp &+ UInt32(truncatingIfNeeded: index) }
            let take = min(size - fill, samples.count - index)
            for offset in 0..<take {
                block[fill + offset] = Float(samples[index + offset])
            }
            fill += take
            index += take
            if fill == size {
                fill = 0
                let hit = block.withUnsafeBufferPointer { classify($0) }
                advance(hit: hit, into: &actions)
            }
        }
        return actions
    }

    /// Array convenience for the buffer-pointer `process`.
    public mutating func process(_ samples: [Int16], timestamp: UInt32) -> [DTMFAction] {
        samples.withUnsafeBufferPointer { process($0, timestamp: timestamp) }
    }

    /// Ends the stream: reports a key still held and drops any partial block.
    public mutating func finish() -> [DTMFAction] {
        var actions: [DTMFAction] = []
        if let press = active { report(press, into: &actions) }
        active = nil
        candidate = nil
        candidateCount = 0
        fill = 0
        return actions
    }

    // MARK: - Internals

    /// The key this block carries, or nil.
    func classify(_ samples: UnsafeBufferPointer<Float>) -> UInt8? {
        let (powers, energy) = bank.analyse(samples)
        var row = 0
        var column = 4
        for index in 1..<4 where powers[index] > powers[row] { row = index }
        for index in 5..<8 where powers[index] > powers[column] { column = index }
        let rowPower = powers[row]
        let columnPower = powers[column]
        guard rowPower >= minimumTonePower, columnPower >= minimumTonePower,
              rowPower <= columnPower * normalTwistRatio,
              columnPower <= rowPower * reverseTwistRatio,
              rowPower + columnPower >= toneShare * energy else { return nil }
        for index in 0..<4 where index != row && powers[index] * relativePeakRatio > rowPower {
            return nil
        }
        for index in 4..<8 where index != column && powers[index] * relativePeakRatio > columnPower {
            return nil
        }
        return Self.keypad[row][column - 4]
    }

    private mutating func advance(hit: UInt8?, into actions: inout [DTMFAction]) {
        if var press = active {
            if hit == press.event {
                press.blocks += press.misses + 1
                press.misses = 0
                active = press
                return
            }
            press.misses += 1
            guard press.misses >= configuration.releaseBlocks else {
                active = press
                return
            }
            report(press, into: &actions)
            active = nil
        }
        guard let hit else {
            candidate = nil
            candidateCount = 0
            return
        }
        if hit == candidate {
            candidateCount += 1
        } else {
            candidate = hit
            candidateCount = 1
            candidateStart = blockStart
        }
        guard candidateCount >= configuration.attackBlocks else { return }
        active = Press(event: hit, start: candidateStart, blocks: candidateCount, misses: 0)
        candidate = nil
        candidateCount = 0
        if let digit = DTMFDigit.character(for: hit) {
            actions.append(.keyDown(digit: digit, event: hit, startTimestamp: candidateStart))
        }
    }

    private func report(_ press: Press, into actions: inout [DTMFAction]) {
        guard let digit = DTMFDigit(
            event: press.event, duration: press.blocks * configuration.blockSize,
            clockRate: configuration.sampleRate, startTimestamp: press.start, source: .inband
        ) else { return }
        actions.append(.digit(digit))
    }

    static func ratio(dB: Double) -> Double {
        pow(10, dB / 10)
    }
}

/// The eight DTMF Goertzel filters run over one block of samples in a single pass.
///
/// For a block of N samples the Goertzel recurrence gives |X(f)|² at any frequency, not only at
/// DFT bins. `analyse` reports 2·|X(f)|²/N, which for a sine of amplitude A exactly at f is
/// A²·N/2: the energy the tone puts into the block, directly comparable with the block's total
/// energy Σx². With N = 102 at 8 kHz adjacent DTMF frequencies fall about one bin apart, so each
/// filter barely hears its neighbours.
struct DTMFGoertzelBank: Sendable {
    /// Row frequencies then column frequencies.
    static let frequencies: [Double] = DTMFToneGenerator.rowFrequencies + DTMFToneGenerator.columnFrequencies

    /// 2·cos(2πf/fs) per filter.
    let coefficients: [Float]
    let blockSize: Int

    init(sampleRate: Int, blockSize: Int) {
        let rate = Double(max(1, sampleRate))
        coefficients = Self.frequencies.map { Float(2 * cos(2 * Double.pi * $0 / rate)) }
        self.blockSize = max(1, blockSize)
    }

    /// Per-filter block energies (rows 0-3, columns 4-7) and the block's total energy.
    func analyse(_ block: UnsafeBufferPointer<Float>) -> (powers: SIMD8<Float>, energy: Float) {
        var coefficient = SIMD8<Float>()
        for index in 0..<8 { coefficient[index] = coefficients[index] }
        var s1 = SIMD8<Float>()
        var s2 = SIMD8<Float>()
        var energy: Float = 0
        for sample in block {
            let s0 = SIMD8<Float>(repeating: sample) + coefficient * s1 - s2
            s2 = s1
            s1 = s0
            energy += sample * sample
        }
        let magnitude = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return (magnitude * (2 / Float(block.count)), energy)
    }
}
