#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A low-pass FIR filter and integer decimator that brings fast PCM (48 kHz Opus) down to the
/// rate the DTMF detector analyses (16 or 8 kHz).
///
/// The filter is a Hamming-windowed sinc cutting off at 0.4 × the output rate, with 8 taps per
/// unit of decimation: content that would fold onto the DTMF band (697-1633 Hz) after
/// decimation comes from at least 0.6 × the output rate away and is attenuated by ~50 dB.
/// Only every `factor`-th output is computed. Allocation-free after `init`.
struct DTMFDecimator: Sendable {
    let factor: Int
    private let taps: [Float]
    /// The last `taps.count` inputs, stored twice so a window is always contiguous.
    private var history: [Float]
    private var position = 0
    private var phase = 0

    init(factor: Int) {
        self.factor = max(1, factor)
        let count = 8 * self.factor + 1
        let middle = Double(count - 1) / 2
        // Cut-off as a fraction of the input rate: 0.4 × (input / factor).
        let cutoff = 0.4 / Double(self.factor)
        var taps = (0..<count).map { index -> Double in
            let x = Double(index) - middle
            let sinc = x == 0 ? 2 * cutoff : sin(2 * Double.pi * cutoff * x) / (Double.pi * x)
            let window = 0.54 - 0.46 * cos(2 * Double.pi * Double(index) / Double(count - 1))
            return sinc * window
        }
        let gain = taps.reduce(0, +)
        if gain != 0 { taps = taps.map { $0 / gain } }
        self.taps = taps.map(Float.init)
        history = [Float](repeating: 0, count: 2 * count)
    }

    /// Takes one input sample; every `factor`-th call returns an output sample.
    mutating func push(_ sample: Float) -> Float? {
        let count = taps.count
        history[position] = sample
        history[position + count] = sample
        position = position + 1 == count ? 0 : position + 1
        phase += 1
        guard phase == factor else { return nil }
        phase = 0
        // history[position ..< position + count] holds the inputs oldest first.
        var sum: Float = 0
        history.withUnsafeBufferPointer { window in
            taps.withUnsafeBufferPointer { coefficients in
                for index in 0..<count {
                    sum += coefficients[index] * window[position + index]
                }
            }
        }
        return sum
    }

    mutating func reset() {
        for index in history.indices { history[index] = 0 }
        position = 0
        phase = 0
    }
}
