/// A rough call-quality score from what RTCP reports: loss, jitter and round-trip time,
/// through a simplified ITU-T G.107 E-model.
///
/// R = 93.2 − Id − Ie,eff, with the delay impairment Id of Cole and Rosenbluth's approximation
/// (Id = 0.024·d + 0.11·(d − 177.3)·H(d − 177.3), d the one-way mouth-to-ear delay in ms) and
/// the loss impairment of G.107 §3.6 (Ie,eff = Ie + (95 − Ie)·Ppl / (Ppl + Bpl)), then mapped to
/// MOS by G.107 Annex B. The one-way delay is estimated as RTT/2 + 2 × jitter (the jitter
/// buffer) + the codec's frame delay. It is an estimate for dashboards and alerts, not a
/// measurement: it ignores echo, levels and burstiness.
public struct RTCPQualityEstimate: Sendable, Equatable {
    /// What a codec contributes to the E-model.
    public struct Codec: Sendable, Equatable {
        /// Equipment impairment factor Ie (0 for G.711).
        public var equipmentImpairment: Double
        /// Packet-loss robustness factor Bpl (G.113 Appendix I: 25.1 for G.711 with PLC).
        public var lossRobustness: Double
        /// Frame plus look-ahead delay, in milliseconds.
        public var frameDelayMilliseconds: Double

        public init(equipmentImpairment: Double, lossRobustness: Double, frameDelayMilliseconds: Double) {
            self.equipmentImpairment = equipmentImpairment
            self.lossRobustness = lossRobustness
            self.frameDelayMilliseconds = frameDelayMilliseconds
        }

        /// G.711 with packet-loss concealment, 20 ms frames.
        public static let g711 = Codec(equipmentImpairment: 0, lossRobustness: 25.1, frameDelayMilliseconds: 20)
    }

    /// The transmission rating, 0...100.
    public let rFactor: Double
    /// The mean opinion score, 1...4.5.
    public let mos: Double
    /// The one-way delay the estimate assumed, in milliseconds.
    public let oneWayDelayMilliseconds: Double

    /// `lossFraction` in 0...1, jitter and round trip as durations.
    public init(lossFraction: Double, jitter: Duration, roundTrip: Duration, codec: Codec = .g711) {
        let delay = Self.milliseconds(roundTrip) / 2 + 2 * Self.milliseconds(jitter) + codec.frameDelayMilliseconds
        let delayImpairment = 0.024 * delay + (delay > 177.3 ? 0.11 * (delay - 177.3) : 0)
        let lossPercent = min(max(lossFraction, 0), 1) * 100
        let ie = codec.equipmentImpairment
        let lossImpairment = ie + (95 - ie) * lossPercent / (lossPercent + codec.lossRobustness)
        let r = min(max(93.2 - delayImpairment - lossImpairment, 0), 100)
        rFactor = r
        oneWayDelayMilliseconds = delay
        mos = Self.mos(fromR: r)
    }

    /// The estimate from a report block about a stream on a `clockRate` Hz RTP clock, with a
    /// round trip measured separately (zero when unknown).
    public init(block: RTCPReportBlock, clockRate: Int, roundTrip: Duration?, codec: Codec = .g711) {
        let jitterSeconds = clockRate > 0 ? Double(block.jitter) / Double(clockRate) : 0
        self.init(
            lossFraction: block.lossFraction,
            jitter: .nanoseconds(Int64(min(jitterSeconds, 3600) * 1e9)),
            roundTrip: roundTrip ?? .zero,
            codec: codec
        )
    }

    /// G.107 Annex B: MOS = 1 + 0.035R + 7·10⁻⁶·R(R − 60)(100 − R), clamped to 1...4.5.
    public static func mos(fromR r: Double) -> Double {
        guard r > 0 else { return 1 }
        guard r < 100 else { return 4.5 }
        return 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)
    }

    private static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return max(0, Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
}
