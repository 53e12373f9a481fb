/// When an HTTP speech request is tried again: the speech side of a call cannot wait long, so
/// at most ``retries`` more attempts, and only for failures that another attempt may fix.
///
/// - 429: after the server's `Retry-After` (or `retry-after-ms`), capped at
///   ``maximumRetryAfter``; ``defaultRetryAfter`` when the server gave none.
/// - 408, 5xx and broken connections: after ``serverErrorDelay`` (or a shorter capped
///   `Retry-After` on a 503).
/// - Other 4xx (400 bad request, 401 bad key, 404 unknown model), timeouts, bad responses:
///   never (the same request would fail the same way, or the caller has waited long enough).
public struct SpeechRetryPolicy: Sendable, Equatable {
    /// Attempts after the first.
    public var retries: Int
    /// The longest wait a `Retry-After` may impose.
    public var maximumRetryAfter: Duration
    /// The wait after a 429 without `Retry-After`.
    public var defaultRetryAfter: Duration
    /// The wait after a 5xx or a broken connection.
    public var serverErrorDelay: Duration

    public init(retries: Int = 1, maximumRetryAfter: Duration = .seconds(2),
                defaultRetryAfter: Duration = .milliseconds(500), serverErrorDelay: Duration = .milliseconds(200)) {
        self.retries = max(0, retries)
        self.maximumRetryAfter = max(.zero, maximumRetryAfter)
        self.defaultRetryAfter = max(.zero, defaultRetryAfter)
        self.serverErrorDelay = max(.zero, serverErrorDelay)
    }

    /// No retries at all.
    public static let never = SpeechRetryPolicy(retries: 0)

    /// How long to wait before the next attempt after `error`, or nil to give up.
    /// `attempts` is the number of attempts already made (1 after the first).
    public func delay(after error: SpeechProviderError, attempts: Int) -> Duration? {
        guard attempts <= retries else { return nil }
        switch error {
        case .http(let status, _, let retryAfter) where status == 429:
            return min(retryAfter ?? defaultRetryAfter, maximumRetryAfter)
        case .http(let status, _, let retryAfter) where status == 408 || (500..<600).contains(status):
            return min(retryAfter ?? serverErrorDelay, maximumRetryAfter)
        case .transport:
            return serverErrorDelay
        case .http, .timeout, .badResponse, .missingAPIKey, .unsupportedSampleRate, .resampler, .cancelled:
            return nil
        }
    }
}
