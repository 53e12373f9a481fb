/// One negotiated audio format as SDP describes it: the rtpmap's encoding name, clock rate and
/// channels plus the fmtp parameters (RFC 8866 §6.6, §6.15), checked against the codec's RTP
/// payload format. ``CodecFactory`` turns it into an encoder and a decoder.
///
/// The payload type number is not part of it: that belongs to the SDP and RTP layers.
public struct CodecDescription: Sendable, Hashable, CustomStringConvertible {
    /// The codecs this module implements.
    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case pcmu = "PCMU"
        case pcma = "PCMA"
        case g722 = "G722"
        case opus = "opus"

        /// Finds an encoding by its SDP name, ignoring case (RFC 4855 §3).
        public init?(name: String) {
            let lowered = name.lowercased()
            guard let match = Encoding.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else {
                return nil
            }
            self = match
        }

        /// The only rtpmap clock rate each payload format allows.
        public var clockRate: Int {
            switch self {
            case .pcmu, .pcma: return 8000
            case .g722: return G722.rtpClockRate
            case .opus: return Opus.rtpClockRate
            }
        }

        /// PCM rate at which the codec works best (Opus can do others too).
        public var naturalSampleRate: Int {
            switch self {
            case .pcmu, .pcma: return 8000
            case .g722: return G722.sampleRate
            case .opus: return 48_000
            }
        }

        /// The RFC 3551 static payload type, nil for Opus (always dynamic).
        public var staticPayloadType: UInt8? {
            switch self {
            case .pcmu: return 0
            case .pcma: return 8
            case .g722: return G722.staticPayloadType
            case .opus: return nil
            }
        }
    }

    public var encoding: Encoding
    public var clockRate: Int { encoding.clockRate }
    /// The rtpmap channel count: 1 for G.711 and G.722, always 2 for Opus (RFC 7587 §7).
    public var channels: Int { encoding == .opus ? 2 : 1 }
    public var parameters: FormatParameters

    public static let pcmu = CodecDescription(encoding: .pcmu)
    public static let pcma = CodecDescription(encoding: .pcma)
    public static let g722 = CodecDescription(encoding: .g722)

    /// Opus with the given fmtp parameters.
    public static func opus(_ parameters: Opus.Parameters = Opus.Parameters()) -> CodecDescription {
        CodecDescription(encoding: .opus, parameters: parameters.formatParameters)
    }

    public init(encoding: Encoding, parameters: FormatParameters = FormatParameters()) {
        self.encoding = encoding
        self.parameters = parameters
    }

    /// Checks an rtpmap's name, clock rate and channels (nil when the rtpmap gave none) and
    /// reads the fmtp text, if any.
    public init(name: String, clockRate: Int, channels: Int? = nil, fmtp: String? = nil) throws(CodecError) {
        guard let encoding = Encoding(name: name) else { throw .unsupportedCodec(name: name) }
        guard clockRate == encoding.clockRate else {
            throw .invalidClockRate(codec: encoding.rawValue, clockRate: clockRate)
        }
        let allowed: ClosedRange<Int> = encoding == .opus ? 1...2 : 1...1
        if let channels, !allowed.contains(channels) {
            throw .invalidChannelCount(codec: encoding.rawValue, channels: channels)
        }
        self.encoding = encoding
        self.parameters = FormatParameters(parsing: fmtp ?? "")
        if encoding == .opus { _ = try Opus.Parameters(parameters) }
    }

    /// Reads the encoding part of an rtpmap value, `<name>/<clock rate>[/<channels>]`
    /// (e.g. `opus/48000/2`, without the payload type).
    public init(rtpmap: String, fmtp: String? = nil) throws(CodecError) {
        let parts = rtpmap.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty else {
            throw .unsupportedCodec(name: rtpmap)
        }
        let rateText = String(parts[1])
        guard rateText.utf8.count <= 9, let clockRate = Int(rateText), clockRate > 0 else {
            throw .invalidClockRate(codec: String(parts[0]), clockRate: 0)
        }
        var channels: Int? = nil
        if parts.count == 3 {
            let text = String(parts[2])
            guard text.utf8.count <= 3, let count = Int(text) else {
                throw .invalidChannelCount(codec: String(parts[0]), channels: 0)
            }
            channels = count
        }
        try self.init(name: String(parts[0]), clockRate: clockRate, channels: channels, fmtp: fmtp)
    }

    /// The SDP encoding name.
    public var name: String { encoding.rawValue }

    /// The rtpmap text after the payload type: `PCMU/8000`, `G722/8000`, `opus/48000/2`.
    public var rtpmap: String {
        encoding == .opus ? "\(name)/\(clockRate)/\(channels)" : "\(name)/\(clockRate)"
    }

    /// The typed Opus parameters (nil for other codecs). The initialisers have already checked
    /// them, so a failure here means they were edited afterwards.
    public func opusParameters() throws(CodecError) -> Opus.Parameters? {
        encoding == .opus ? try Opus.Parameters(parameters) : nil
    }

    public var description: String {
        parameters.isEmpty ? rtpmap : "\(rtpmap) \(parameters)"
    }
}
