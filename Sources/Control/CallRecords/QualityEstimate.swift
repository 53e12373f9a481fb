/// A mean opinion score estimated from what RTP and RTCP measure, with the ITU-T G.107
/// E-model reduced to the terms a softswitch knows: one-way delay (half the round trip, plus
/// jitter-buffer and codec delay) and random packet loss with the codec's loss robustness
/// (G.113 Appendix I values). It is an estimate for comparing calls, not a listening test.
public enum QualityEstimate {
    /// Equipment impairment `Ie` and packet-loss robustness `Bpl` per codec (G.113 App. I;
    /// Opus has no table entry: values in line with wideband codecs with good concealment).
    static func codecFactors(_ codec: String?) -> (ie: Double, bpl: Double) {
        let name = codec?.lowercased().split(separator: "/").first.map(String.init) ?? ""
        switch name {
        case "pcmu", "pcma", "g711": return (0, 25.1)
        case "g722": return (13, 10)
        case "g729": return (11, 19)
        case "opus": return (5, 20)
        default: return (0, 10)
        }
    }

    /// R factor (0-100) for the measured numbers.
    public static func rFactor(lossPercent: Double, jitterMilliseconds: Double, roundTripMilliseconds: Double?,
                               codec: String?) -> Double {
        let loss = min(max(lossPercent.isFinite ? lossPercent : 100, 0), 100)
        let jitter = max(jitterMilliseconds.isFinite ? jitterMilliseconds : 0, 0)
        let roundTrip = max(roundTripMilliseconds.flatMap { $0.isFinite ? $0 : nil } ?? 0, 0)
        // One-way delay: half the round trip, a jitter buffer of about twice the jitter, and
        // 10 ms of packetisation.
        let delay = roundTrip / 2 + 2 * jitter + 10
        // Delay impairment Id (G.107 §7.5, the usual two-slope simplification).
        let id = delay < 160 ? delay / 40 : (delay - 120) / 10
        let (ie, bpl) = codecFactors(codec)
        // Effective equipment impairment with random loss (G.107 eq. 7-29).
        let ieEff = ie + (95 - ie) * loss / (loss + bpl)
        return min(max(93.2 - id - ieEff, 0), 100)
    }

    /// MOS from R (G.107 Annex B): 1 for R ≤ 0, 4.5 for R ≥ 100.
    public static func mos(rFactor r: Double) -> Double {
        if r <= 0 { return 1 }
        if r >= 100 { return 4.5 }
        let mos = 1 + 0.035 * r + 7e-6 * r * (r - 60) * (100 - r)
        return (min(max(mos, 1), 4.5) * 100).rounded() / 100
    }

    public static func mos(lossPercent: Double, jitterMilliseconds: Double, roundTripMilliseconds: Double?,
                           codec: String?) -> Double {
        mos(rFactor: rFactor(lossPercent: lossPercent, jitterMilliseconds: jitterMilliseconds,
                             roundTripMilliseconds: roundTripMilliseconds, codec: codec))
    }
}
