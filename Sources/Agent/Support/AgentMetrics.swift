import CoreMetrics
import Workflow

/// What the agent's providers measure, as swift-metrics handles made by the host's factory (the
/// control plane's Prometheus registry in `parley run`; nothing by default).
///
/// - `parley_llm_latency_seconds`: a language-model request to its first streamed chunk (the
///   whole answer when the endpoint does not stream).
/// - `parley_llm_reply_latency_seconds`: a language-model request to its complete reply.
/// - `parley_provider_errors_total{service, provider, kind}`: failed provider requests, one per
///   attempt: `service` is "llm", "stt" or "tts", `provider` the endpoint's kind ("openai"),
///   `kind` one of ``errorKind(status:)``'s values, "timeout", "transport", "bad_response" or
///   "misconfigured".
///
/// Speech latencies (`parley_stt_latency_seconds`, `parley_tts_latency_seconds`) are measured
/// by the switch's agent participant, which sees both the offline and the remote engines.
public struct AgentMetrics: Sendable {
    /// The series names.
    public enum Name {
        public static let llmFirstChunk = "parley_llm_latency_seconds"
        public static let llmReply = "parley_llm_reply_latency_seconds"
        public static let providerErrors = "parley_provider_errors_total"
    }

    let llmFirstChunk: CoreMetrics.Timer
    let llmReply: CoreMetrics.Timer
    private let factory: any MetricsFactory

    public init(factory: any MetricsFactory) {
        self.factory = factory
        llmFirstChunk = CoreMetrics.Timer(label: Name.llmFirstChunk, factory: factory)
        llmReply = CoreMetrics.Timer(label: Name.llmReply, factory: factory)
    }

    /// Measures nothing.
    public static let disabled = AgentMetrics(factory: NOOPMetricsHandler.instance)

    /// Counts one failed request to a provider.
    func providerError(service: String, provider: String = "openai", kind: String) {
        CoreMetrics.Counter(label: Name.providerErrors,
                            dimensions: [("service", service), ("provider", provider), ("kind", kind)],
                            factory: factory).increment()
    }

    /// "http_429", "http_4xx" (other client errors) or "http_5xx".
    static func errorKind(status: Int) -> String {
        switch status {
        case 429: "http_429"
        case 500...: "http_5xx"
        default: "http_4xx"
        }
    }

    /// The `kind` of a language-model failure.
    static func kind(of error: BrainError) -> String {
        switch error {
        case .http(let status, _, _): errorKind(status: status)
        case .timeout: "timeout"
        case .transport: "transport"
        case .badResponse: "bad_response"
        case .misconfigured: "misconfigured"
        }
    }

    /// The `kind` of a speech-provider failure (nil for a cancelled request, which is no error).
    static func kind(of error: SpeechProviderError) -> String? {
        switch error {
        case .http(let status, _, _): errorKind(status: status)
        case .timeout: "timeout"
        case .transport: "transport"
        case .badResponse: "bad_response"
        case .cancelled: nil
        default: "misconfigured"
        }
    }

    /// Records the time since `start` in `timer`.
    static func record(_ timer: CoreMetrics.Timer, since start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
