extension Opus {
    /// The Opus media type parameters one side writes in its fmtp (RFC 7587 §6.1), typed.
    ///
    /// The receive-side parameters (`maxplaybackrate`, `maxaveragebitrate`, `stereo`, `cbr`,
    /// `useinbandfec`, `usedtx`) tell the *other* side how to encode for us; the `sprop-*` ones
    /// describe what we send. Absent parameters take the RFC defaults: 48 kHz playback, mono
    /// preferred, no FEC, no DTX, variable bitrate.
    public struct Parameters: Sendable, Equatable {
        public var maxPlaybackRate: Int
        public var spropMaxCaptureRate: Int?
        /// Upper bound on the average bitrate the receiver wants (6000...510000).
        public var maxAverageBitrate: Int?
        /// The receiver prefers stereo.
        public var stereo: Bool
        /// The sender is likely to send stereo.
        public var spropStereo: Bool
        public var constantBitrate: Bool
        /// The receiver can use in-band FEC.
        public var useInbandFEC: Bool
        /// The receiver prefers DTX.
        public var useDTX: Bool
        public var ptime: Int?
        public var minptime: Int?
        public var maxptime: Int?

        public init(maxPlaybackRate: Int = 48_000, spropMaxCaptureRate: Int? = nil, maxAverageBitrate: Int? = nil,
                    stereo: Bool = false, spropStereo: Bool = false, constantBitrate: Bool = false,
                    useInbandFEC: Bool = false, useDTX: Bool = false,
                    ptime: Int? = nil, minptime: Int? = nil, maxptime: Int? = nil) {
            self.maxPlaybackRate = maxPlaybackRate
            self.spropMaxCaptureRate = spropMaxCaptureRate
            self.maxAverageBitrate = maxAverageBitrate
            self.stereo = stereo
            self.spropStereo = spropStereo
            self.constantBitrate = constantBitrate
            self.useInbandFEC = useInbandFEC
            self.useDTX = useDTX
            self.ptime = ptime
            self.minptime = minptime
            self.maxptime = maxptime
        }

        /// Reads and range-checks the parameters; unknown ones are ignored (RFC 7587 §6.1).
        public init(_ fmtp: FormatParameters) throws(CodecError) {
            self.init()
            maxPlaybackRate = try fmtp.integer("maxplaybackrate", in: 8000...48_000) ?? 48_000
            spropMaxCaptureRate = try fmtp.integer("sprop-maxcapturerate", in: 8000...48_000)
            maxAverageBitrate = try fmtp.integer("maxaveragebitrate", in: 6000...510_000)
            stereo = try fmtp.flag("stereo") ?? false
            spropStereo = try fmtp.flag("sprop-stereo") ?? false
            constantBitrate = try fmtp.flag("cbr") ?? false
            useInbandFEC = try fmtp.flag("useinbandfec") ?? false
            useDTX = try fmtp.flag("usedtx") ?? false
            ptime = try fmtp.integer("ptime", in: 3...120)
            minptime = try fmtp.integer("minptime", in: 3...120)
            maxptime = try fmtp.integer("maxptime", in: 3...120)
        }

        /// The fmtp text for these parameters, writing only what differs from the defaults.
        public var formatParameters: FormatParameters {
            var out = FormatParameters()
            if let minptime { out["minptime"] = "\(minptime)" }
            if let ptime { out["ptime"] = "\(ptime)" }
            if let maxptime { out["maxptime"] = "\(maxptime)" }
            if maxPlaybackRate != 48_000 { out["maxplaybackrate"] = "\(maxPlaybackRate)" }
            if let spropMaxCaptureRate { out["sprop-maxcapturerate"] = "\(spropMaxCaptureRate)" }
            if let maxAverageBitrate { out["maxaveragebitrate"] = "\(maxAverageBitrate)" }
            if stereo { out["stereo"] = "1" }
            if spropStereo { out["sprop-stereo"] = "1" }
            if constantBitrate { out["cbr"] = "1" }
            if useInbandFEC { out["useinbandfec"] = "1" }
            if useDTX { out["usedtx"] = "1" }
            return out
        }

        /// The encoder settings for sending to a receiver that wrote these parameters: `base`
        /// with the bitrate capped, FEC and DTX on only where both sides want them, and the
        /// bandwidth limited to what the receiver plays (RFC 7587 §7.1).
        public func encoderConfiguration(base: Configuration) -> Configuration {
            var settings = base
            if let maxAverageBitrate { settings.bitrate = min(settings.bitrate, maxAverageBitrate) }
            settings.inbandFEC = base.inbandFEC && useInbandFEC
            settings.dtx = base.dtx && useDTX
            settings.maxBandwidth = min(base.maxBandwidth, Bandwidth(maxPlaybackRate: maxPlaybackRate))
            return settings
        }

        /// Channels to encode for this receiver: stereo only when it asked for it (RFC 7587 §7.1).
        public func encoderChannels(capturing captureChannels: Int) -> Int {
            stereo && captureChannels == 2 ? 2 : 1
        }
    }
}
