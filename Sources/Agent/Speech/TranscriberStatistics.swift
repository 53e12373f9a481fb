/// Counters of one ``OpenAITranscriber``.
public struct TranscriberStatistics: Sendable, Equatable {
    /// Frames taken into an utterance.
    public var framesAccepted = 0
    /// Frames refused: malformed, past the utterance cap, or after ``OpenAITranscriber/close()``.
    public var framesDropped = 0
    /// Utterances handed to the request worker.
    public var utterancesQueued = 0
    /// Utterances lost because too many were already waiting for the endpoint.
    public var utterancesDropped = 0
    /// Utterances too short to send (delivered as rejected finals without a request).
    public var utterancesTooShort = 0
    /// HTTP requests made, retries included.
    public var requests = 0
    /// Requests that were retries.
    public var retries = 0
    /// Utterances whose request failed (delivered as rejected finals).
    public var failures = 0
    /// The most recent failure.
    public var lastError: SpeechProviderError?
    /// From ``OpenAITranscriber/endUtterance()`` to its final being delivered, for the last
    /// utterance sent to the endpoint.
    public var lastLatency: Duration?

    public init() {}
}
