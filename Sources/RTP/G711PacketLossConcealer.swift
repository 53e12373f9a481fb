/// Packet loss concealment for 8 kHz PCM in the style of ITU-T G.711 Appendix I: lost frames
/// are rebuilt by repeating the last pitch period of the audio that played, fading out, and the
/// first good frame afterwards is cross-faded in.
///
/// Call `receive(_:)` with every decoded frame that
/// arrived (it may rewrite the frame's first samples for the fade-in) and
/// ``conceal(into:)`` for every frame the jitter buffer reports missing. Any frame length works.
///
/// Following Appendix I:
/// - the history holds the last 48.75 ms (390 samples); at the start of an erasure the pitch is
///   the lag of 5-15 ms (40-120 samples) that best correlates the last 20 ms with the audio
///   before it;
/// - the first 10 ms repeat one pitch period, then two, then three (less buzzy); each repetition
///   joins its end to its start with a quarter-period overlap-add, and a change in the number
///   of periods is cross-faded over a quarter period;
/// - after the first 10 ms the output fades by 20% per 10 ms, reaching silence at 60 ms;
/// - the first good frame is overlap-added with the continued synthetic signal over a quarter
///   period plus 4 ms per 10 ms of erasure beyond the first (at most 10 ms).
/// Unlike Appendix I there is no 3.75 ms output delay, so the start of an erasure is not
/// smoothed; repeating a whole pitch period keeps that seam small for voiced speech.
public struct G711PacketLossConcealer: Sendable {
    static let historyLength = 390
    static let minimumPitch = 40
    static let maximumPitch = 120
    static let correlationWindow = 160
    /// Samples before the fade starts and before each extra period is added (10 ms).
    static let stage = 80
    /// Samples over which the fade reaches silence once it starts (50 ms).
    static let fadeLength = 400
    static let maximumOverlap = 80

    /// The audio that played, newest last.
    var history = [Float](repeating: 0, count: historyLength)
    /// The history as it was when the current erasure began.
    var source: [Float] = []
    /// Pitch period (samples) used for the current or last erasure; nil before any.
    public private(set) var pitchPeriod: Int?
    /// Samples concealed in the current erasure (0 when none is going on).
    var erased = 0
    var periods = 0
    var cycle: [Float] = []
    var position = 0
    var fadingCycle: [Float] = []
    var fadingPosition = 0
    var fadeRemaining = 0
    var fadeSpan = 1

    public init() {}

    /// True while frames are being concealed.
    public var isConcealing: Bool { erased > 0 }

    /// Records a frame that arrived. After an erasure its first samples are blended with the
    /// synthetic signal, so the frame may be modified in place.
    public mutating func receive(_ frame: UnsafeMutableBufferPointer<Int16>) {
        if erased > 0, let pitch = pitchPeriod {
            let beyond = max(0, erased - Self.stage)
            let extra = (beyond + Self.stage - 1) / Self.stage * 32
            let overlap = min(pitch / 4 + extra, Self.maximumOverlap, frame.count)
            for index in 0..<overlap {
                let synthetic = nextSynthetic() * gain(at: erased)
                erased += 1
                let weight = Float(index + 1) / Float(overlap + 1)
                frame[index] = Self.clamp(synthetic * (1 - weight) + Float(frame[index]) * weight)
            }
        }
        erased = 0
        append(UnsafeBufferPointer(frame))
    }

    /// Array convenience for the buffer-pointer `receive`.
    public mutating func receive(_ frame: inout [Int16]) {
        frame.withUnsafeMutableBufferPointer { receive($0) }
    }

    /// Fills `out` with concealment for a lost frame.
    public mutating func conceal(into out: UnsafeMutableBufferPointer<Int16>) {
        if erased == 0 { beginErasure() }
        for index in out.indices {
            if erased == Self.stage, periods < 2 { changePeriods(to: 2) }
            if erased == 2 * Self.stage, periods < 3 { changePeriods(to: 3) }
            let value = nextSynthetic() * gain(at: erased)
            erased += 1
            out[index] = Self.clamp(value)
        }
        append(UnsafeBufferPointer(out))
    }

    /// `count` samples of concealment.
    public mutating func conceal(count: Int) -> [Int16] {
        var samples = [Int16](repeating: 0, count: max(0, count))
        samples.withUnsafeMutableBufferPointer { conceal(into: $0) }
        return samples
    }

    // MARK: - Synthesis

    private mutating func beginErasure() {
        source = history
        let pitch = Self.estimatePitch(source)
        pitchPeriod = pitch
        periods = 1
        cycle = Self.makeCycle(from: source, pitch: pitch, periods: 1)
        position = 0
        fadeRemaining = 0
    }

    /// Switches to repeating more periods, cross-fading from the current cycle in phase.
    private mutating func changePeriods(to count: Int) {
        guard let pitch = pitchPeriod, count * pitch + pitch / 4 <= source.count else { return }
        fadingCycle = cycle
        fadingPosition = position
        fadeSpan = max(1, pitch / 4)
        fadeRemaining = fadeSpan
        cycle = Self.makeCycle(from: source, pitch: pitch, periods: count)
        position = position % pitch
        periods = count
    }

    private mutating func nextSynthetic() -> Float {
        guard !cycle.isEmpty else { return 0 }
        var value = cycle[position]
        position = (position + 1) % cycle.count
        if fadeRemaining > 0, !fadingCycle.isEmpty {
            let old = fadingCycle[fadingPosition]
            fadingPosition = (fadingPosition + 1) % fadingCycle.count
            let weight = Float(fadeRemaining) / Float(fadeSpan + 1)
            value = old * weight + value * (1 - weight)
            fadeRemaining -= 1
        }
        return value
    }

    /// 1 for the first 10 ms, then down 20% per 10 ms to 0 at 60 ms.
    private func gain(at sample: Int) -> Float {
        guard sample >= Self.stage else { return 1 }
        return max(0, 1 - Float(sample - Self.stage) / Float(Self.fadeLength))
    }

    /// The last `periods` pitch periods of `history`, with the last quarter period blended into
    /// the audio that preceded the first, so the cycle loops without a click.
    static func makeCycle(from history: [Float], pitch: Int, periods: Int) -> [Float] {
        let length = pitch * periods
        let overlap = max(1, pitch / 4)
        let end = history.count
        guard length + overlap <= end else { return [] }
        var cycle = Array(history[(end - length)..<end])
        for index in 0..<overlap {
            let weight = Float(index + 1) / Float(overlap + 1)
            let tail = history[end - overlap + index]
            let lead = history[end - length - overlap + index]
            cycle[length - overlap + index] = tail * (1 - weight) + lead * weight
        }
        return cycle
    }

    /// The lag in 40...120 samples whose normalised cross-correlation with the last 20 ms is
    /// highest (the shortest of equals).
    static func estimatePitch(_ history: [Float]) -> Int {
        let end = history.count
        let window = correlationWindow
        var best = minimumPitch
        var bestScore: Float = 0
        history.withUnsafeBufferPointer { samples in
            for lag in minimumPitch...maximumPitch {
                var cross: Float = 0
                var energy: Float = 0
                for index in (end - window)..<end {
                    let earlier = samples[index - lag]
                    cross += samples[index] * earlier
                    energy += earlier * earlier
                }
                guard energy > 0 else { continue }
                let score = cross / energy.squareRoot()
                if score > bestScore * 1.0001 {
                    bestScore = score
                    best = lag
                }
            }
        }
        return best
    }

    private mutating func append(_ samples: UnsafeBufferPointer<Int16>) {
        let length = Self.historyLength
        let count = min(samples.count, length)
        guard count > 0 else { return }
        let skip = samples.count - count
        history.withUnsafeMutableBufferPointer { buffer in
            if count < length {
                for index in 0..<(length - count) { buffer[index] = buffer[index + count] }
            }
            for index in 0..<count { buffer[length - count + index] = Float(samples[skip + index]) }
        }
    }

    static func clamp(_ value: Float) -> Int16 {
        Int16(max(-32768, min(32767, value.rounded())))
    }
}
