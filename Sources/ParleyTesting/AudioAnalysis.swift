import Foundation

/// Measurements of 16-bit mono audio for judging what a peer heard, and test signal generators.
///
/// All functions are pure: same samples in, same numbers out. Loudness is in sample units
/// (full scale 32767): a -6 dBFS sine has an RMS of about 11585, quiet line noise a few tens.
public enum AudioAnalysis {
    /// The frequency (Hz) with the most energy between 50 Hz and 4000 Hz (or the Nyquist
    /// frequency, if lower), to about 1 Hz. 0 for silence or fewer than 64 samples.
    ///
    /// The signal is cut into half-overlapping Hann-windowed blocks of about half a second; their
    /// power spectra are summed (so silent stretches and glitches weigh little), the strongest FFT
    /// bin is found, and a Goertzel scan in 1 Hz steps around it, refined by a parabola through
    /// the best three points, gives the answer.
    public static func dominantFrequency(_ samples: [Int16], sampleRate: Int) -> Double {
        guard sampleRate > 0, samples.count >= 64, samples.contains(where: { $0 != 0 }) else { return 0 }
        let low = 50.0
        let high = min(4000.0, Double(sampleRate) / 2 - 1)
        guard high > low else { return 0 }

        let blocks = SpectrumBlocks(samples: samples, sampleRate: sampleRate)
        let spectrum = blocks.summedPowerSpectrum()
        let binHz = Double(sampleRate) / Double(blocks.size)
        let firstBin = max(1, Int((low / binHz).rounded(.up)))
        let lastBin = min(blocks.size / 2 - 1, Int((high / binHz).rounded(.down)))
        guard firstBin <= lastBin else { return 0 }
        var peakBin = firstBin
        for bin in firstBin...lastBin where spectrum[bin] > spectrum[peakBin] { peakBin = bin }
        guard spectrum[peakBin] > 0 else { return 0 }

        // Fine scan: 1 Hz steps across the peak bin's neighbourhood.
        let center = Double(peakBin) * binHz
        let from = max(low, (center - 2 * binHz).rounded(.down))
        let to = min(high, (center + 2 * binHz).rounded(.up))
        let steps = Int(to - from)
        guard steps >= 0 else { return center }
        let powers = (0...steps).map { blocks.goertzelPower(frequency: from + Double($0)) }
        var best = 0
        for index in powers.indices where powers[index] > powers[best] { best = index }
        var frequency = from + Double(best)
        if best > 0, best < powers.count - 1 {
            let (left, mid, right) = (powers[best - 1], powers[best], powers[best + 1])
            let denominator = left - 2 * mid + right
            if denominator < 0 { frequency += 0.5 * (left - right) / denominator }
        }
        return frequency
    }

    /// The amplitude of one frequency in `samples` (a single-bin DFT, scaled so that a sine of
    /// amplitude A reads about A): "is this tone in there, and how loud".
    public static func amplitude<Samples: Collection>(of frequency: Double, in samples: Samples, sampleRate: Int) -> Double
    where Samples.Element == Int16 {
        var re = 0.0, im = 0.0
        for (i, s) in samples.enumerated() {
            let phase = 2 * Double.pi * frequency * Double(i) / Double(sampleRate)
            re += Double(s) * cos(phase)
            im -= Double(s) * sin(phase)
        }
        return 2 * (re * re + im * im).squareRoot() / Double(max(samples.count, 1))
    }

    /// Root mean square in sample units; 0 for no samples.
    public static func rms(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return 0 }
        var sum = 0.0
        for sample in samples {
            let value = Double(sample)
            sum += value * value
        }
        return (sum / Double(samples.count)).squareRoot()
    }

    /// Seconds of audio in 20 ms windows whose RMS is above `thresholdRMS` (a trailing partial
    /// window counts for its own length).
    public static func nonSilentDuration(_ samples: [Int16], sampleRate: Int, thresholdRMS: Double = 300) -> Double {
        guard sampleRate > 0 else { return 0 }
        let window = max(1, sampleRate / 50)
        var loudSamples = 0
        var start = 0
        while start < samples.count {
            let end = min(start + window, samples.count)
            if rms(Array(samples[start..<end])) > thresholdRMS { loudSamples += end - start }
            start = end
        }
        return Double(loudSamples) / Double(sampleRate)
    }

    /// A sine tone starting at phase 0; `amplitude` is the peak in sample units (8000 ≈ -12 dBFS).
    public static func tone(frequency: Double, seconds: Double, sampleRate: Int, amplitude: Double = 8000) -> [Int16] {
        guard sampleRate > 0, seconds > 0 else { return [] }
        let count = Int((seconds * Double(sampleRate)).rounded())
        let step = 2 * Double.pi * frequency / Double(sampleRate)
        return (0..<count).map { index in clamp(amplitude * sin(step * Double(index))) }
    }

    /// White noise, uniform in ±`amplitude`, from a seeded generator (the same seed gives the same
    /// samples on every run and platform).
    public static func noise(seconds: Double, sampleRate: Int, amplitude: Double = 8000, seed: UInt64 = 1) -> [Int16] {
        guard sampleRate > 0, seconds > 0 else { return [] }
        var generator = SeededRandom(seed: seed)
        let count = Int((seconds * Double(sampleRate)).rounded())
        return (0..<count).map { _ in clamp(Double.random(in: -amplitude...amplitude, using: &generator)) }
    }

    static func clamp(_ value: Double) -> Int16 {
        Int16(max(Double(Int16.min), min(Double(Int16.max), value.rounded())))
    }
}

/// SplitMix64: a tiny seedable generator, identical on every platform, for reproducible tests.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
