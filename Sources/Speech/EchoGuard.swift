/// Remembers how loud the agent played recently, so its own echo is not taken for the caller.
///
/// The rule is deliberately simple (no adaptive filter): while the agent's audio is recent, a
/// heard frame must be louder than a fixed fraction of the loudest agent frame in the window.
/// Real barge-ins are usually as loud as the caller's normal speech; echo comes back attenuated
/// by the echo return loss of the caller's phone and network.
struct EchoGuard {
    private let ratio: Double
    private var levels: [Double]
    private var next = 0

    init(ratio: Double, windowFrames: Int) {
        self.ratio = max(0, ratio)
        levels = Array(repeating: 0, count: max(1, windowFrames))
    }

    /// Records the RMS level of the frame the agent just played (0 for silence).
    mutating func recordOutput(level: Double) {
        levels[next] = level
        next = (next + 1) % levels.count
    }

    /// Whether a heard frame at `level` could be our own echo.
    func isPossibleEcho(level: Double) -> Bool {
        guard ratio > 0, let loudest = levels.max(), loudest > 0 else { return false }
        return level < ratio * loudest
    }

    /// RMS of a frame, in linear sample units.
    static func level(of frame: UnsafeBufferPointer<Int16>) -> Double {
        guard !frame.isEmpty else { return 0 }
        var sum = 0.0
        for sample in frame { sum += Double(sample) * Double(sample) }
        return (sum / Double(frame.count)).squareRoot()
    }
}
