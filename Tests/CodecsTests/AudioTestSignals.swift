import Foundation

/// Test signals and measurements for the codec tests: tones, a Goertzel detector, a dominant
/// frequency search and an SNR that first finds the codec's delay. Built only on textbook
/// formulas, never on the code under test.
enum AudioTestSignals {
    /// A sine tone, `count` samples at `rate` Hz.
    static func tone(_ frequency: Double, rate: Int, count: Int, amplitude: Double = 8000) -> [Int16] {
        (0..<count).map { index in
            Int16(amplitude * sin(2 * Double.pi * frequency * Double(index) / Double(rate)))
        }
    }

    /// Interleaves two mono signals of equal length into stereo.
    static func interleave(_ left: [Int16], _ right: [Int16]) -> [Int16] {
        var out: [Int16] = []
        out.reserveCapacity(left.count * 2)
        for (l, r) in zip(left, right) {
            out.append(l)
            out.append(r)
        }
        return out
    }

    /// One channel of an interleaved signal.
    static func channel(_ samples: [Int16], _ index: Int, of channels: Int) -> [Int16] {
        stride(from: index, to: samples.count, by: channels).map { samples[$0] }
    }

    /// Goertzel power of `frequency` (any frequency, not only bin centres), normalised by length.
    static func goertzel(_ samples: ArraySlice<Int16>, frequency: Double, rate: Int) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(rate))
        var s1 = 0.0
        var s2 = 0.0
        samples.withUnsafeBufferPointer { buffer in
            for sample in buffer {
                let s0 = Double(sample) + coefficient * s1 - s2
                s2 = s1
                s1 = s0
            }
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return power / Double(max(samples.count, 1) * max(samples.count, 1))
    }

    /// The frequency with the most Goertzel power in `range`, to a fraction of `step` Hz.
    ///
    /// A coarse scan every 10 steps over a short window (whose main lobe is wide enough that the
    /// nearest coarse point always lies on it) finds the peak's neighbourhood; a fine scan over
    /// the whole signal every `step` Hz then finds the peak, refined by a parabola through the
    /// best point and its neighbours.
    static func dominantFrequency(_ samples: ArraySlice<Int16>, rate: Int,
                                  in range: ClosedRange<Double>, step: Double = 1) -> Double {
        let coarseStep = 10 * step
        let shortLength = min(samples.count, max(16, Int(Double(rate) / (2 * coarseStep))))
        let short = samples.prefix(shortLength)
        let coarse = Array(stride(from: range.lowerBound, through: range.upperBound, by: coarseStep))
        guard let centre = coarse.max(by: {
            goertzel(short, frequency: $0, rate: rate) < goertzel(short, frequency: $1, rate: rate)
        }) else { return 0 }
        let low = max(range.lowerBound, centre - coarseStep)
        let high = min(range.upperBound, centre + coarseStep)
        let frequencies = Array(stride(from: low, through: high, by: step))
        let powers = frequencies.map { goertzel(samples, frequency: $0, rate: rate) }
        guard let best = powers.indices.max(by: { powers[$0] < powers[$1] }) else { return 0 }
        guard best > 0, best < powers.count - 1 else { return frequencies[best] }
        let (a, b, c) = (powers[best - 1], powers[best], powers[best + 1])
        let denominator = a - 2 * b + c
        let shift = denominator == 0 ? 0 : 0.5 * (a - c) / denominator
        return frequencies[best] + shift * step
    }

    static func dominantFrequency(_ samples: [Int16], rate: Int, in range: ClosedRange<Double>,
                                  step: Double = 1) -> Double {
        dominantFrequency(samples[...], rate: rate, in: range, step: step)
    }

    static func energy(_ samples: ArraySlice<Int16>) -> Double {
        samples.reduce(0) { $0 + Double($1) * Double($1) }
    }

    static func rms(_ samples: ArraySlice<Int16>) -> Double {
        (energy(samples) / Double(max(samples.count, 1))).squareRoot()
    }

    /// Signal-to-noise ratio in dB of `output` against `reference` over `count` samples from
    /// `start`, after finding the delay (0...`maxLag` samples) and gain that match best. Codecs
    /// delay and slightly scale a signal; neither is noise.
    static func snr(reference: [Int16], output: [Int16], start: Int, count: Int,
                    maxLag: Int) -> (db: Double, lag: Int) {
        var best = (db: -Double.infinity, lag: 0)
        reference.withUnsafeBufferPointer { ref in
            output.withUnsafeBufferPointer { out in
                for lag in 0...maxLag where start + lag + count <= out.count && start + count <= ref.count {
                    var cross = 0.0
                    var power = 0.0
                    var outPower = 0.0
                    for index in start..<(start + count) {
                        let r = Double(ref[index])
                        let o = Double(out[index + lag])
                        cross += r * o
                        power += r * r
                        outPower += o * o
                    }
                    guard power > 0 else { continue }
                    // With the best gain g = cross / power, the residual energy is
                    // outPower - cross² / power and the matched signal's energy cross² / power.
                    let signal = cross * cross / power
                    let db = 10 * log10(signal / max(outPower - signal, 1e-9))
                    if db > best.db { best = (db, lag) }
                }
            }
        }
        return best
    }

    /// How cleanly `samples` is a single sine of `frequency`, in dB: the energy of the best
    /// least-squares fit `a·sin + b·cos` (any amplitude, any phase, so any delay) against what
    /// remains. Suits pure-tone tests where the codec's delay is a fraction of a sample.
    static func toneSNR(_ samples: ArraySlice<Int16>, frequency: Double, rate: Int) -> Double {
        let omega = 2 * Double.pi * frequency / Double(rate)
        var ss = 0.0, cc = 0.0, sc = 0.0, ys = 0.0, yc = 0.0, yy = 0.0
        samples.withUnsafeBufferPointer { buffer in
            for (index, sample) in buffer.enumerated() {
                let y = Double(sample)
                let s = sin(omega * Double(index))
                let c = cos(omega * Double(index))
                ss += s * s
                cc += c * c
                sc += s * c
                ys += y * s
                yc += y * c
                yy += y * y
            }
        }
        // Solve the 2×2 normal equations for a and b.
        let determinant = ss * cc - sc * sc
        guard determinant > 0 else { return -.infinity }
        let a = (ys * cc - yc * sc) / determinant
        let b = (yc * ss - ys * sc) / determinant
        let fitted = a * ys + b * yc
        return 10 * log10(fitted / max(yy - fitted, 1e-9))
    }

    /// A deterministic generator for fuzz inputs (SplitMix64).
    struct SplitMix64: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
