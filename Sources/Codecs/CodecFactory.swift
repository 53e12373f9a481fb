/// Builds encoders and decoders from negotiated ``CodecDescription``s: the one place where SDP
/// parameters become codec settings, so the media layer never configures a codec by hand.
///
/// The factory holds our side's preferences (Opus settings, whether we would take stereo) and is
/// passed in from the composition root. For sending, the *remote's* description applies (its
/// fmtp says how it wants to receive); for receiving, ours does.
public struct CodecFactory: Sendable {
    /// Our Opus encoder settings before the remote's fmtp narrows them.
    public var opus: Opus.Configuration
    /// Channels we capture and would send when the remote asks for stereo (1 or 2).
    public var captureChannels: Int
    /// Wrap G.711 and G.722 decoders in ``LossConcealer`` (on by default).
    public var concealsLoss: Bool

    public init(opus: Opus.Configuration = Opus.Configuration(), captureChannels: Int = 1,
                concealsLoss: Bool = true) {
        self.opus = opus
        self.captureChannels = captureChannels
        self.concealsLoss = concealsLoss
    }

    /// An encoder for sending to a peer that described its receive side as `remote`.
    ///
    /// - Parameters:
    ///   - sampleRate: the PCM rate to feed it. Opus honours 8/12/16/24/48 kHz (nil means 48 kHz);
    ///     the others only take their own rate (nil or equal to it).
    ///   - frameDuration: milliseconds per packet for Opus (nil keeps the configuration's).
    public func makeEncoder(for remote: CodecDescription, sampleRate: Int? = nil,
                            frameDuration: Int? = nil) throws(CodecError) -> any AudioEncoder {
        switch remote.encoding {
        case .pcmu, .pcma:
            try check(sampleRate, for: remote)
            return G711(law: remote.encoding == .pcmu ? .mu : .a)
        case .g722:
            try check(sampleRate, for: remote)
            return try G722.Encoder()
        case .opus:
            let parameters = try Opus.Parameters(remote.parameters)
            var settings = parameters.encoderConfiguration(base: opus)
            if let frameDuration { settings.frameDuration = frameDuration }
            return try Opus.Encoder(sampleRate: sampleRate ?? 48_000,
                                    channels: parameters.encoderChannels(capturing: captureChannels),
                                    configuration: settings)
        }
    }

    /// A decoder for what arrives in `description`.
    ///
    /// - Parameters:
    ///   - sampleRate: the PCM rate wanted out. Opus decodes straight to 8/12/16/24/48 kHz (nil
    ///     means 48 kHz); the others only produce their own rate (nil or equal to it).
    ///   - channels: PCM channels wanted out; only Opus can produce 2.
    public func makeDecoder(for description: CodecDescription, sampleRate: Int? = nil,
                            channels: Int = 1) throws(CodecError) -> any AudioDecoder {
        if description.encoding != .opus, channels != 1 {
            throw .invalidChannelCount(codec: description.name, channels: channels)
        }
        switch description.encoding {
        case .pcmu, .pcma:
            try check(sampleRate, for: description)
            let decoder = G711(law: description.encoding == .pcmu ? .mu : .a)
            return concealsLoss ? try LossConcealer(decoder) : decoder
        case .g722:
            try check(sampleRate, for: description)
            let decoder = try G722.Decoder()
            return concealsLoss ? try LossConcealer(decoder) : decoder
        case .opus:
            _ = try Opus.Parameters(description.parameters)
            return try Opus.Decoder(sampleRate: sampleRate ?? 48_000, channels: channels)
        }
    }

    /// The fmtp we write for receiving Opus: we can use FEC, take DTX when our own settings
    /// have it on, and say stereo only when we would take it.
    public func opusReceiveParameters(stereo: Bool = false) -> Opus.Parameters {
        Opus.Parameters(stereo: stereo, spropStereo: captureChannels == 2,
                        useInbandFEC: true, useDTX: opus.dtx, minptime: 10)
    }

    private func check(_ sampleRate: Int?, for description: CodecDescription) throws(CodecError) {
        if let sampleRate, sampleRate != description.encoding.naturalSampleRate {
            throw .unsupportedSampleRate(codec: description.name, sampleRate: sampleRate)
        }
    }
}
