#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Detects DTMF key presses in decoded PCM (ITU-T Q.23 tones, Q.24-style acceptance) at the
/// call's PCM rate: 8 kHz (G.711), 16 kHz (G.722, Opus at 16 kHz) natively, and faster rates
/// that are a multiple of 16 or 8 kHz (Opus at 48 kHz) after a low-pass decimation to 16 or
/// 8 kHz (``DTMFDecimator``).
///
/// Feed it the audio of every tick with the RTP timestamp of the frame's first sample; any frame
/// length works. Internally it runs eight Goertzel filters over blocks of 12.75 ms (102 samples
/// at 8 kHz, 204 at 16 kHz: the same frequency resolution at every rate) and classifies each
/// block; a block is a hit for a key only when:
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
        /// Rate of the PCM passed to `process`.
        public var sampleRate: Int
        /// Units per second of the timestamps passed to `process` and reported (the RTP clock;
        /// 8000 for G.722 although its PCM runs at 16 kHz).
        public var timestampRate: Int
        /// Samples per analysis block, at ``analysisRate``.
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

        /// `blockSize` nil means 12.75 ms at the analysis rate; `timestampRate` nil means
        /// `sampleRate`.
        public init(
            sampleRate: Int = 8000, blockSize: Int? = nil, minimumLevel: Double = -36,
            normalTwist: Double = 8, reverseTwist: Double = 4, relativePeak: Double = 6,
            toneShare: Double = 0.7, attackBlocks: Int = 2, releaseBlocks: Int = 2,
            timestampRate: Int? = nil
        ) {
            self.sampleRate = min(max(1, sampleRate), 384_000)
            self.timestampRate = min(max(1, timestampRate ?? self.sampleRate), 384_000)
            let analysis = Self.analysisRate(for: self.sampleRate)
            self.blockSize = max(16, blockSize ?? (102 * analysis + 4000) / 8000)
            self.minimumLevel = minimumLevel
            self.normalTwist = normalTwist
            self.reverseTwist = reverseTwist
            self.relativePeak = relativePeak
            self.toneShare = toneShare
            self.attackBlocks = max(1, attackBlocks)
            self.releaseBlocks = max(1, releaseBlocks)
        }

        /// The rate the Goertzel filters run at: the PCM rate up to 16 kHz; above, 16 kHz when
        /// it divides the PCM rate, else 8 kHz when that does, else the PCM rate itself.
        public var analysisRate: Int { Self.analysisRate(for: sampleRate) }

        /// PCM samples per analysed sample.
        public var decimation: Int { sampleRate / analysisRate }

        static func analysisRate(for sampleRate: Int) -> Int {
            guard sampleRate > 16_000 else { return sampleRate }
            if sampleRate % 16_000 == 0 { return 16_000 }
            if sampleRate % 8000 == 0 { return 8000 }
            return sampleRate
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
    /// Sum of squares of the block so far (a block too quiet to hold a tone skips the filters).
    var blockEnergy: Float = 0
    /// Present when the PCM runs faster than the analysis rate.
    var decimator: DTMFDecimator?
    var candidate: UInt8?
    var candidateCount = 0
    var candidateStart: UInt32 = 0
    var active: Press?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        bank = DTMFGoertzelBank(sampleRate: configuration.analysisRate, blockSize: configuration.blockSize)
        let amplitude = DTMFToneGenerator.amplitude(dBm0: configuration.minimumLevel)
        minimumTonePower = Float(amplitude * amplitude * Double(configuration.blockSize) / 2)
        normalTwistRatio = Float(Self.ratio(dB: configuration.normalTwist))
        reverseTwistRatio = Float(Self.ratio(dB: configuration.reverseTwist))
        relativePeakRatio = Float(Self.ratio(dB: configuration.relativePeak))
        toneShare = Float(configuration.toneShare)
        block = [Float](repeating: 0, count: configuration.blockSize)
        decimator = configuration.decimation > 1 ? DTMFDecimator(factor: configuration.decimation) : nil
    }

    /// The key currently held down, if any.
    public var activeDigit: Character? {
        active.flatMap { DTMFDigit.character(for: $0.event) }
    }

    /// Analyses `samples`, whose first sample has RTP timestamp `timestamp`. Allocates only to
    /// return actions (none while nothing changes).
    public mutating func process(_ samples: UnsafeBufferPointer<Int16>, timestamp: UInt32) -> [DTMFAction] {
        var actions: [DTMFAction] = []
        if decimator != nil {
            processDecimating(samples, timestamp: timestamp, into: &actions)
            return actions
        }
        let size = configuration.blockSize
        var index = 0
        while index < samples.count {
            if fill == 0 { blockStart = timestamp &+ timestampOffset(of: index) }
            let take = min(size - fill, samples.count - index)
            var energy = blockEnergy
            block.withUnsafeMutableBufferPointer { destination in
                for offset in 0..<take {
                    let value = Float(samples[index + offset])
                    destination[fill + offset] = value
                    energy += value * value
                }
            }
            blockEnergy = energy
            fill += take
            index += take
            if fill == size { endBlock(into: &actions) }
        }
        return actions
    }

    /// The slow path for PCM above the analysis rate: low-pass, decimate, then the same blocks.
    private mutating func processDecimating(
        _ samples: UnsafeBufferPointer<Int16>, timestamp: UInt32, into actions: inout [DTMFAction]
    ) {
        let size = configuration.blockSize
        for index in samples.indices {
            guard let value = decimator?.push(Float(samples[index])) else { continue }
            if fill == 0 { blockStart = timestamp &+ timestampOffset(of: index) }
            block[fill] = value
            blockEnergy += value * value
            fill += 1
            if fill == size { endBlock(into: &actions) }
        }
    }

    /// Classifies the full block and starts the next one.
    private mutating func endBlock(into actions: inout [DTMFAction]) {
        fill = 0
        // One Goertzel output is at most twice the block energy (Cauchy-Schwarz), so a block
        // quieter than half the minimum tone power cannot hold a key: skip the filters.
        let hit = blockEnergy * 2 < minimumTonePower ? nil : block.withUnsafeBufferPointer { classify($0) }
        blockEnergy = 0
        advance(hit: hit, into: &actions)
    }

    /// Timestamp units spanned by `samples` PCM samples.
    private func timestampOffset(of samples: Int) -> UInt32 {
        let rate = configuration.sampleRate
        let units = rate == configuration.timestampRate ? samples : samples * configuration.timestampRate / rate
        return UInt32(truncatingIfNeeded: units)
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
        blockEnergy = 0
        decimator?.reset()
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
        let analysed = press.blocks * configuration.blockSize
        guard let digit = DTMFDigit(
            event: press.event, duration: analysed * configuration.timestampRate / configuration.analysisRate,
            clockRate: configuration.timestampRate, startTimestamp: press.start, source: .inband
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
    ///
    /// The recurrence s[n] = x[n] + c·s[n-1] - s[n-2] runs two samples per step, with
    /// s[n+1] = x[n+1] + c·(x[n] - s[n-2]) + (c² - 1)·s[n-1], so each step waits for one multiply
    /// and one add instead of two of each per sample (the loop is bound by that latency).
    func analyse(_ block: UnsafeBufferPointer<Float>) -> (powers: SIMD8<Float>, energy: Float) {
        var coefficient = SIMD8<Float>()
        for index in 0..<8 { coefficient[index] = coefficients[index] }
        let squareMinusOne = coefficient * coefficient - 1
        var s1 = SIMD8<Float>()
        var s2 = SIMD8<Float>()
        var energyEven: Float = 0
        var energyOdd: Float = 0
        let pairs = block.count / 2
        for pair in 0..<pairs {
            let x0 = block[2 * pair]
            let x1 = block[2 * pair + 1]
            let a = SIMD8<Float>(repeating: x0) - s2
            let b = SIMD8<Float>(repeating: x1) + coefficient * a
            let next = a + coefficient * s1
            let after = b + squareMinusOne * s1
            s2 = next
            s1 = after
            energyEven += x0 * x0
            energyOdd += x1 * x1
        }
        if block.count % 2 == 1, let last = block.last {
            let s0 = SIMD8<Float>(repeating: last) - s2 + coefficient * s1
            s2 = s1
            s1 = s0
            energyEven += last * last
        }
        let magnitude = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return (magnitude * (2 / Float(block.count)), energyEven + energyOdd)
    }
}
