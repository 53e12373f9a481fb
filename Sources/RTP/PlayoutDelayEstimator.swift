/// Network delay statistics of one RTP stream for ``AdaptiveJitterBuffer``, in timestamp units.
///
/// It is fed each packet's transit time, `arrival − timestamp`, whose absolute value is
/// meaningless (two unrelated clocks) but whose changes are the network's delay variation.
/// Transits are kept relative to the first packet of the current epoch, so 32-bit wrap never
/// matters. It tracks:
/// - the RFC 3550 §6.4.1 interarrival jitter J (J += (|D| − J) / 16),
/// - the smallest recent transit (a windowed minimum over two windows of `minimumWindow` packets,
///   which follows clock skew), the delay every other packet is measured against,
/// - the largest recent excess over that minimum (a windowed maximum over two windows of
///   `peakWindow` packets): it rises at once with a late packet and is forgotten only after one
///   to two calm windows, which is what makes the target delay grow fast and shrink slowly.
struct PlayoutDelayEstimator: Sendable {
    let minimumWindow: Int
    let peakWindow: Int

    /// Transit of the epoch's first packet.
    private(set) var reference: UInt32 = 0
    /// RFC 3550 interarrival jitter, in timestamp units.
    private(set) var jitter: Double = 0
    private var lastRelative: Int?
    private var minimumCurrent = Int.max
    private var minimumPrevious = Int.max
    private var minimumCount = 0
    private var peakCurrent = 0
    private var peakPrevious = 0
    private var peakCount = 0

    init(minimumWindow: Int, peakWindow: Int, initialPeak: Int) {
        self.minimumWindow = max(1, minimumWindow)
        self.peakWindow = max(1, peakWindow)
        peakPrevious = max(0, initialPeak)
    }

    /// Starts a new epoch at `transit` (a new stream or a timestamp jump). Jitter and the peak
    /// carry over: the network did not change because the sender did.
    mutating func start(transit: UInt32) {
        reference = transit
        lastRelative = nil
        minimumCurrent = Int.max
        minimumPrevious = Int.max
        minimumCount = 0
        peakPrevious = peak
        peakCurrent = 0
        peakCount = 0
    }

    /// `transit` relative to the epoch's reference.
    func relative(_ transit: UInt32) -> Int {
        Int(Int32(bitPattern: transit &- reference))
    }

    /// The smallest recent relative transit (0 before any packet).
    var minimum: Int {
        let value = min(minimumCurrent, minimumPrevious)
        return value == Int.max ? 0 : value
    }

    /// The largest recent excess of a packet's transit over ``minimum``.
    var peak: Int {
        max(peakCurrent, peakPrevious)
    }

    /// Records one packet (in arrival order; duplicates excluded).
    mutating func observe(transit: UInt32) {
        let value = relative(transit)
        if let last = lastRelative {
            jitter += (Double(abs(value - last)) - jitter) / 16
        }
        lastRelative = value

        minimumCurrent = min(minimumCurrent, value)
        minimumCount += 1
        if minimumCount >= minimumWindow {
            minimumPrevious = minimumCurrent
            minimumCurrent = Int.max
            minimumCount = 0
        }

        peakCurrent = max(peakCurrent, value - minimum)
        peakCount += 1
        if peakCount >= peakWindow {
            peakPrevious = peakCurrent
            peakCurrent = 0
            peakCount = 0
        }
    }
}
