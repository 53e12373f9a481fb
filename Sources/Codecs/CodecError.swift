/// Why a codec, resampler or transcoder could not be built, or could not process a frame.
///
/// Every case carries the offending value. Bad payloads from the network land here (as
/// ``corruptPayload(codec:reason:)`` or ``payloadTooLarge(codec:count:limit:)``) instead of
/// trapping, so a media loop can count them and carry on.
public enum CodecError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An SDP encoding name this module has no codec for.
    case unsupportedCodec(name: String)
    /// An rtpmap clock rate the codec's RTP payload format does not allow (e.g. `G722/16000`).
    case invalidClockRate(codec: String, clockRate: Int)
    /// A channel count the codec does not support.
    case invalidChannelCount(codec: String, channels: Int)
    /// A PCM sample rate the codec or resampler does not support.
    case unsupportedSampleRate(codec: String, sampleRate: Int)
    /// An fmtp parameter with a value outside what its RFC allows.
    case invalidFormatParameter(name: String, value: String)
    /// A configuration value out of range (bitrate, complexity, quality, frame duration, ...).
    case invalidSetting(name: String, value: Int)
    /// The PCM handed to an encoder is not a whole frame of the size it was built for.
    case frameSizeMismatch(codec: String, expected: Int, actual: Int)
    /// A PCM sample count that is not a multiple of what the codec consumes at once (G.722 codes
    /// sample pairs; interleaved stereo needs whole sample frames).
    case sampleCountNotMultiple(codec: String, count: Int, multiple: Int)
    /// A payload the decoder cannot read (the reason names what was wrong).
    case corruptPayload(codec: String, reason: String)
    /// A payload larger than the codec allows in one RTP packet.
    case payloadTooLarge(codec: String, count: Int, limit: Int)
    /// A C library call failed with the given status code.
    case library(function: String, status: Int32)
    /// A C library could not allocate its state.
    case allocationFailed(what: String)

    public var description: String {
        switch self {
        case .unsupportedCodec(let name):
            return "codec: no codec for encoding name '\(name)'"
        case .invalidClockRate(let codec, let clockRate):
            return "codec: \(codec) does not use RTP clock rate \(clockRate)"
        case .invalidChannelCount(let codec, let channels):
            return "codec: \(codec) does not support \(channels) channels"
        case .unsupportedSampleRate(let codec, let sampleRate):
            return "codec: \(codec) does not support a PCM rate of \(sampleRate) Hz"
        case .invalidFormatParameter(let name, let value):
            return "codec: fmtp parameter \(name)=\(value) is out of range"
        case .invalidSetting(let name, let value):
            return "codec: setting \(name)=\(value) is out of range"
        case .frameSizeMismatch(let codec, let expected, let actual):
            return "codec: \(codec) encodes frames of \(expected) samples, got \(actual)"
        case .sampleCountNotMultiple(let codec, let count, let multiple):
            return "codec: \(codec) needs a multiple of \(multiple) samples, got \(count)"
        case .corruptPayload(let codec, let reason):
            return "codec: corrupt \(codec) payload: \(reason)"
        case .payloadTooLarge(let codec, let count, let limit):
            return "codec: \(codec) payload of \(count) bytes exceeds \(limit)"
        case .library(let function, let status):
            return "codec: \(function) failed with status \(status)"
        case .allocationFailed(let what):
            return "codec: could not allocate \(what)"
        }
    }
}
