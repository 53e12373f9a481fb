/// Energy-based talker detection for one room member: who is speaking. A frame whose mean
/// absolute level reaches ``threshold`` starts (or continues) talking; talking ends after
/// ``hangoverFrames`` quieter frames, so the pauses between words do not toggle it. Pure; one per
/// member, fed one frame per tick.
public struct TalkerDetector: Sendable, Equatable {
    /// Mean absolute sample level that counts as speech (≈ -45 dBFS by default).
    public var threshold: Int
    /// Quiet frames after which a talker is considered silent (10 × 20 ms = 200 ms).
    public var hangoverFrames: Int
    public private(set) var talking = false
    /// Mean absolute level of the last frame.
    public private(set) var level = 0
    private var quietFrames = 0

    public init(threshold: Int = 180, hangoverFrames: Int = 10) {
        self.threshold = threshold
        self.hangoverFrames = hangoverFrames
    }

    public enum Change: Sendable, Equatable {
        case started, stopped
    }

    /// Feeds one frame; returns a change when talking starts or stops.
    public mutating func feed(_ frame: UnsafeBufferPointer<Int16>) -> Change? {
        level = Self.meanAbsolute(frame)
        return update(loud: level >= threshold)
    }

    /// A tick without audio from the member (silence, comfort noise, hold).
    public mutating func feedSilence() -> Change? {
        level = 0
        return update(loud: false)
    }

    private mutating func update(loud: Bool) -> Change? {
        if loud {
            quietFrames = 0
            if !talking {
                talking = true
                return .started
            }
            return nil
        }
        guard talking else { return nil }
        quietFrames += 1
        if quietFrames >= hangoverFrames {
            talking = false
            quietFrames = 0
            return .stopped
        }
        return nil
    }

    public static func meanAbsolute(_ frame: UnsafeBufferPointer<Int16>) -> Int {
        guard !frame.isEmpty else { return 0 }
        var sum = 0
        for s in frame { sum &+= s == .min ? 32768 : abs(Int(s)) }
        return sum / frame.count
    }
}
