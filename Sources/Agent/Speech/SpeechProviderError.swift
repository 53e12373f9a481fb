import Codecs
import Speech

/// Why an HTTP speech provider (``OpenAITranscriber``, ``OpenAISpeechSynthesizer``) could not be
/// set up or could not turn audio into words or words into audio.
///
/// Every case carries the offending value, so a log line says what was wrong without context.
public enum SpeechProviderError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The definition names an environment variable for the API key and it is not set (or empty).
    case missingAPIKey(agent: String, variable: String)
    /// A PCM rate the provider does not accept or produce.
    case unsupportedSampleRate(component: String, sampleRate: Int)
    /// The endpoint answered with an HTTP error status (after any retries).
    case http(status: Int, body: String, retryAfter: Duration?)
    /// The request did not finish within the endpoint's timeout.
    case timeout
    /// The connection failed or broke.
    case transport(String)
    /// The endpoint's answer could not be understood (not JSON, no text, not audio).
    case badResponse(String)
    /// Resampling the endpoint's audio failed.
    case resampler(CodecError)
    /// The job or session was cancelled or closed before it finished.
    case cancelled

    public var description: String {
        switch self {
        case .missingAPIKey(let agent, let variable):
            return "speech provider: agent \(agent) needs its API key in environment variable \(variable), which is not set"
        case .unsupportedSampleRate(let component, let sampleRate):
            return "speech provider: \(component) does not support \(sampleRate) Hz"
        case .http(let status, let body, let retryAfter):
            return "speech provider: HTTP \(status)\(retryAfter.map { " (retry after \($0))" } ?? ""): \(body.prefix(200))"
        case .timeout:
            return "speech provider: request timed out"
        case .transport(let detail):
            return "speech provider: connection failed: \(detail)"
        case .badResponse(let detail):
            return "speech provider: bad response: \(detail)"
        case .resampler(let error):
            return "speech provider: resampler: \(error)"
        case .cancelled:
            return "speech provider: cancelled"
        }
    }

    /// The error as the ``Speech`` module's ``SpeechError``, for ``SynthesisCompletion/failed(_:)``.
    /// `SpeechError` has no case for a remote provider, so HTTP, transport and response errors
    /// travel as `synthesizerUnavailable` with this error's description as the reason.
    public var speechError: SpeechError {
        switch self {
        case .unsupportedSampleRate(let component, let sampleRate):
            return .unsupportedSampleRate(component: component, sampleRate: sampleRate)
        case .resampler(let error):
            return .resampler(error)
        case .timeout:
            return .timedOut(operation: "speech provider request")
        case .cancelled:
            return .closed(component: "speech provider job")
        case .missingAPIKey, .http, .transport, .badResponse:
            return .synthesizerUnavailable(reason: description)
        }
    }

    /// The same failure from the module's HTTP client.
    init(_ error: BrainError) {
        switch error {
        case .http(let status, let body, let retryAfter): self = .http(status: status, body: body, retryAfter: retryAfter)
        case .timeout: self = .timeout
        case .transport(let detail): self = .transport(detail)
        case .badResponse(let detail): self = .badResponse(detail)
        case .misconfigured(let detail): self = .badResponse(detail)
        }
    }
}
