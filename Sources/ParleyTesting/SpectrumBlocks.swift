import Foundation

/// Half-overlapping, Hann-windowed blocks of a signal, for averaged spectra (Welch's method) and
/// Goertzel probes at any frequency. Internal to ``AudioAnalysis``.
struct SpectrumBlocks {
    /// Block length, a power of two.
    let size: Int
    let sampleRate: Int
    /// Windowed blocks, each `size` long.
    let blocks: [[Double]]

    /// At most this many blocks are analysed (evenly spread), which bounds the work on long files.
    static let maximumBlocks = 64

    init(samples: [Int16], sampleRate: Int) {
        self.sampleRate = sampleRate
        // About half a second per block gives ~2 Hz bins, narrow enough for a 1 Hz fine scan.
        var size = 64
        while size * 2 <= max(64, sampleRate / 2) { size *= 2 }
        while size > samples.count && size > 64 { size /= 2 }
        self.size = size

        var starts = [Int]()
        if samples.count >= size {
            starts = Array(stride(from: 0, through: samples.count - size, by: size / 2))
            if let last = starts.last, last + size < samples.count { starts.append(samples.count - size) }
        }
        if starts.count > Self.maximumBlocks {
            let chosen = (0..<Self.maximumBlocks).map { $0 * (starts.count - 1) / (Self.maximumBlocks - 1) }
            starts = chosen.map { starts[$0] }
        }
        let window = (0..<size).map { 0.5 - 0.5 * cos(2 * Double.pi * Double($0) / Double(size - 1)) }
        blocks = starts.map { start in
            (0..<size).map { Double(samples[start + $0]) * window[$0] }
        }
    }

    /// Sum over blocks of |X[k]|² for k in 0...size/2.
    func summedPowerSpectrum() -> [Double] {
        var total = [Double](repeating: 0, count: size / 2 + 1)
        let fft = FFT(size: size)
        for block in blocks {
            let (real, imaginary) = fft.transform(block)
            for bin in total.indices {
                total[bin] += real[bin] * real[bin] + imaginary[bin] * imaginary[bin]
            }
        }
        return total
    }

    /// Sum over blocks of the Goertzel power at `frequency` (any real frequency, not only bins).
    func goertzelPower(frequency: Double) -> Double {
        let coefficient = 2 * cos(2 * Double.pi * frequency / Double(sampleRate))
        var total = 0.0
        for block in blocks {
            var previous = 0.0
            var beforePrevious = 0.0
            for value in block {
                let current = value + coefficient * previous - beforePrevious
                beforePrevious = previous
                previous = current
            }
            total += previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        }
        return total
    }
}

/// An iterative radix-2 FFT for one fixed power-of-two size.
struct FFT {
    let size: Int
    private let cosines: [Double]
    private let sines: [Double]
    private let reversed: [Int]

    init(size: Int) {
        self.size = size
        cosines = (0..<size / 2).map { cos(-2 * Double.pi * Double($0) / Double(size)) }
        sines = (0..<size / 2).map { sin(-2 * Double.pi * Double($0) / Double(size)) }
        var bits = 0
        while (1 << bits) < size { bits += 1 }
        reversed = (0..<size).map { index in
            var result = 0
            for bit in 0..<bits where index & (1 << bit) != 0 { result |= 1 << (bits - 1 - bit) }
            return result
        }
    }

    /// The DFT of a real input of length `size`.
    func transform(_ input: [Double]) -> (real: [Double], imaginary: [Double]) {
        var real = [Double](repeating: 0, count: size)
        var imaginary = [Double](repeating: 0, count: size)
        for index in 0..<min(size, input.count) { real[reversed[index]] = input[index] }
        var length = 2
        while length <= size {
            let half = length / 2
            let twiddleStep = size / length
            var start = 0
            while start < size {
                for offset in 0..<half {
                    let twiddle = offset * twiddleStep
                    let (wr, wi) = (cosines[twiddle], sines[twiddle])
                    let odd = start + offset + half
                    let even = start + offset
                    let tr = wr * real[odd] - wi * imaginary[odd]
                    let ti = wr * imaginary[odd] + wi * real[odd]
                    real[odd] = real[even] - tr
                    imaginary[odd] = imaginary[even] - ti
                    real[even] += tr
                    imaginary[even] += ti
                }
                start += length
            }
            length *= 2
        }
        return (real, imaginary)
    }
}
