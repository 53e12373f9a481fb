import Codecs

/// Carries audio from one rate to another in fixed frames: a streaming resampler (none when the
/// rates match) feeding a small FIFO, from which whole frames are taken. The FIFO absorbs the
/// resampler's uneven output and a member's ptime differing from the room's 20 ms tick; it is
/// bounded so clock drift can never grow it. Loop thread only.
struct RateBridge {
    let inputRate: Int
    let outputRate: Int
    private var resampler: Resampler?
    private(set) var fifo: [Int16] = []
    private let limit: Int

    init(from inputRate: Int, to outputRate: Int) {
        self.inputRate = inputRate
        self.outputRate = outputRate
        if inputRate != outputRate { resampler = try? Resampler(from: inputRate, to: outputRate, quality: 3) }
        limit = outputRate / 5  // 200 ms
        fifo.reserveCapacity(limit + outputRate / 25)
    }

    mutating func push(_ input: UnsafeBufferPointer<Int16>) {
        if let resampler {
            do {
                try resampler.process(input, into: &fifo)
            } catch {
                return
            }
        } else {
            fifo.append(contentsOf: input)
        }
        if fifo.count > limit { fifo.removeFirst(fifo.count - limit) }
    }

    /// Moves `out.count` samples into `out`; false (nothing taken) when fewer are buffered.
    mutating func pop(into out: inout [Int16]) -> Bool {
        let n = out.count
        guard n > 0, fifo.count >= n else { return false }
        out.withUnsafeMutableBufferPointer { dst in
            fifo.withUnsafeBufferPointer { src in
                for i in 0..<n { dst[i] = src[i] }
            }
        }
        fifo.removeFirst(n)
        return true
    }

    /// Forgets buffered audio (a gap in the input: start clean rather than splice).
    mutating func clear() {
        fifo.removeAll(keepingCapacity: true)
    }
}
