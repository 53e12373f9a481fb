import Codecs

/// Why a speech engine could not be set up or could not process audio.
///
/// Every case carries the offending value, so a log line says what was wrong without context.
/// Nothing in this module traps on bad input: frames of the wrong size, unknown voices,
/// grammars that do not parse and missing model files all land here.
public enum SpeechError: Error, Sendable, Equatable, CustomStringConvertible {
    /// espeak-ng could not be initialised (its data directory is missing, usually).
    case synthesizerUnavailable(reason: String)
    /// espeak-ng knows no voice by this name.
    case unknownVoice(name: String)
    /// A PCM rate this component does not produce or accept.
    case unsupportedSampleRate(component: String, sampleRate: Int)
    /// `espeak_Synth` returned an error status.
    case synthesisFailed(status: Int32)
    /// A model, dictionary or language-model file is missing.
    case modelNotFound(path: String)
    /// pocketsphinx rejected the configuration or could not build a decoder.
    case decoderInitFailed(reason: String)
    /// A JSGF grammar that pocketsphinx could not parse or compile.
    case invalidGrammar(reason: String)
    /// A frame whose sample count is not one of those allowed at its rate.
    case invalidFrameLength(component: String, sampleRate: Int, count: Int)
    /// A WebRTC VAD call failed.
    case voiceActivityDetector(function: String, status: Int32)
    /// A configuration value out of range.
    case invalidSetting(name: String, value: String)
    /// The resampler (Codecs) failed.
    case resampler(CodecError)
    /// The session or worker was already closed.
    case closed(component: String)
    /// A blocking wait gave up (the engine is stuck or the machine badly overloaded).
    case timedOut(operation: String)

    public var description: String {
        switch self {
        case .synthesizerUnavailable(let reason):
            return "speech: espeak-ng unavailable: \(reason)"
        case .unknownVoice(let name):
            return "speech: espeak-ng has no voice '\(name)'"
        case .unsupportedSampleRate(let component, let sampleRate):
            return "speech: \(component) does not support \(sampleRate) Hz"
        case .synthesisFailed(let status):
            return "speech: espeak_Synth failed with status \(status)"
        case .modelNotFound(let path):
            return "speech: model file not found: \(path)"
        case .decoderInitFailed(let reason):
            return "speech: pocketsphinx decoder could not be created: \(reason)"
        case .invalidGrammar(let reason):
            return "speech: invalid JSGF grammar: \(reason)"
        case .invalidFrameLength(let component, let sampleRate, let count):
            return "speech: \(component) cannot take a frame of \(count) samples at \(sampleRate) Hz"
        case .voiceActivityDetector(let function, let status):
            return "speech: \(function) failed with status \(status)"
        case .invalidSetting(let name, let value):
            return "speech: setting \(name)=\(value) is out of range"
        case .resampler(let error):
            return "speech: resampler: \(error)"
        case .closed(let component):
            return "speech: \(component) is closed"
        case .timedOut(let operation):
            return "speech: \(operation) timed out"
        }
    }
}
