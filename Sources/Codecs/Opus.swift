internal import COpus

/// Opus (RFC 6716) through libopus, carried over RTP as RFC 7587 describes.
///
/// The RTP clock is always 48 kHz and the rtpmap always says `opus/48000/2`, whatever the PCM
/// rate or channel count really used; the encoder and decoder each run at any of the PCM rates
/// libopus supports (8, 12, 16, 24, 48 kHz), so a G.711 bridge can decode Opus straight to 8 kHz
/// without a resampler. Settings come from ``Configuration``; what the remote asked for in its
/// fmtp is folded in by ``CodecFactory``.
public enum Opus {
    public static let name = "opus"
    /// RFC 7587 §4.1: the RTP timestamp always counts 48 kHz samples.
    public static let rtpClockRate = 48_000
    /// PCM rates libopus encodes from and decodes to.
    public static let supportedSampleRates: Set<Int> = [8000, 12_000, 16_000, 24_000, 48_000]
    /// Frame durations (ms) the encoder is built for; 2.5 and 5 ms are not offered.
    public static let supportedFrameDurations: Set<Int> = [10, 20, 40, 60]
    /// The longest packet decoded: 120 ms (RFC 6716 §3.2.5).
    public static let maximumPacketDuration = 120
    /// Largest payload accepted from the network. RFC 6716 allows 1275 bytes per frame and up to
    /// 48 frames; anything over four kilobytes is no VoIP packet.
    public static let maximumPayload = 4000

    /// How much of the spectrum the encoder may keep (libopus's bandwidth classes).
    public enum Bandwidth: Int, Sendable, Equatable, Comparable, CaseIterable {
        case narrowband = 4000
        case mediumband = 6000
        case wideband = 8000
        case superWideband = 12_000
        case fullband = 20_000

        /// Audio bandwidth in Hz.
        public var audioHz: Int { rawValue }

        /// The widest band a receiver playing at `rate` Hz can use (RFC 7587 `maxplaybackrate`).
        public init(maxPlaybackRate rate: Int) {
            switch rate {
            case ..<12_000: self = .narrowband
            case ..<16_000: self = .mediumband
            case ..<24_000: self = .wideband
            case ..<48_000: self = .superWideband
            default: self = .fullband
            }
        }

        public static func < (lhs: Bandwidth, rhs: Bandwidth) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// What the encoder should optimise for (`OPUS_SET_SIGNAL`).
    public enum Signal: Int32, Sendable, Equatable {
        case auto = 0
        case voice = 1
        case music = 2
    }

    /// Encoder settings. The defaults suit telephony: 32 kbit/s, complexity 5 (about 60% of the
    /// CPU of complexity 9 for a small quality loss), in-band FEC on with 10% expected loss (FEC
    /// is only coded when the expected loss is above zero), DTX off, voice signal, 20 ms frames.
    public struct Configuration: Sendable, Equatable {
        /// Target bitrate in bit/s (500...512000).
        public var bitrate: Int
        /// 0 (cheapest) ... 10 (best).
        public var complexity: Int
        /// Code low-bitrate redundancy of each frame into the next (RFC 7587 `useinbandfec`).
        public var inbandFEC: Bool
        /// Expected packet loss in percent (0...100); drives how much FEC is spent.
        public var expectedPacketLoss: Int
        /// Discontinuous transmission: silence becomes 1-byte packets (RFC 7587 `usedtx`).
        public var dtx: Bool
        public var signal: Signal
        /// Upper bound on coded bandwidth.
        public var maxBandwidth: Bandwidth
        /// Milliseconds per frame (10, 20, 40 or 60).
        public var frameDuration: Int

        public init(bitrate: Int = 32_000, complexity: Int = 5, inbandFEC: Bool = true,
                    expectedPacketLoss: Int = 10, dtx: Bool = false, signal: Signal = .voice,
                    maxBandwidth: Bandwidth = .fullband, frameDuration: Int = 20) {
            self.bitrate = bitrate
            self.complexity = complexity
            self.inbandFEC = inbandFEC
            self.expectedPacketLoss = expectedPacketLoss
            self.dtx = dtx
            self.signal = signal
            self.maxBandwidth = maxBandwidth
            self.frameDuration = frameDuration
        }

        /// Throws ``CodecError/invalidSetting(name:value:)`` for the first value out of range.
        public func validate() throws(CodecError) {
            guard (500...512_000).contains(bitrate) else { throw .invalidSetting(name: "bitrate", value: bitrate) }
            guard (0...10).contains(complexity) else { throw .invalidSetting(name: "complexity", value: complexity) }
            guard (0...100).contains(expectedPacketLoss) else {
                throw .invalidSetting(name: "expectedPacketLoss", value: expectedPacketLoss)
            }
            guard Opus.supportedFrameDurations.contains(frameDuration) else {
                throw .invalidSetting(name: "frameDuration", value: frameDuration)
            }
        }
    }

    static func checkRate(_ sampleRate: Int) throws(CodecError) {
        guard supportedSampleRates.contains(sampleRate) else {
            throw .unsupportedSampleRate(codec: name, sampleRate: sampleRate)
        }
    }

    static func checkChannels(_ channels: Int) throws(CodecError) {
        guard channels == 1 || channels == 2 else {
            throw .invalidChannelCount(codec: name, channels: channels)
        }
    }

    /// libopus's text for a status code, for error payloads.
    static func message(_ status: Int32) -> String {
        guard let text = opus_strerror(status) else { return "status \(status)" }
        return String(cString: text)
    }
}
