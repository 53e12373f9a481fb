import CoreMetrics
import Foundation
import Prometheus
import Workflow

/// Parley's metrics, one place for every module to update and for `GET /metrics` to expose in
/// Prometheus text format. The handles are plain swift-metrics types (`Counter`, `Meter`,
/// `Timer`, `Recorder`) made through a Prometheus factory on this instance's own registry, so
/// nothing is bootstrapped globally and each test (or process) has its own set. The composition
/// root makes one and passes it to the switch, the media layer, the workflow host and the agent.
/// Modules that measure their own work (the workflow engine, the agent's providers) get
/// ``factory`` and make their handles with it: they see swift-metrics, never Prometheus.
///
/// Rates are for Prometheus to compute: "workflow events per second" is
/// `rate(parley_workflow_events_total[1m])`.
public final class ParleyMetrics: Sendable {
    /// Every series name, for documentation and the tests.
    public enum Name {
        public static let activeCalls = "parley_calls_active"
        public static let callsTotal = "parley_calls_total"
        public static let callsEnded = "parley_calls_ended_total"
        public static let registrations = "parley_registrations"
        public static let rtpPacketsReceived = "parley_rtp_packets_received_total"
        public static let rtpPacketsSent = "parley_rtp_packets_sent_total"
        public static let rtpPacketsLost = "parley_rtp_packets_lost_total"
        public static let rtpJitter = "parley_rtp_jitter_milliseconds"
        public static let workflowEvents = WorkflowMetrics.Name.events
        public static let signalLatency = WorkflowMetrics.Name.signalLatency
        public static let updateLatency = WorkflowMetrics.Name.updateLatency
        public static let queryLatency = WorkflowMetrics.Name.queryLatency
        public static let agentTurnLatency = "parley_agent_turn_latency_seconds"
        public static let sttLatency = "parley_stt_latency_seconds"
        public static let ttsLatency = "parley_tts_latency_seconds"
        public static let llmLatency = "parley_llm_latency_seconds"
        public static let llmReplyLatency = "parley_llm_reply_latency_seconds"
        public static let providerErrors = "parley_provider_errors_total"
        public static let eventSubscribers = "parley_control_event_subscribers"
        public static let eventsDropped = "parley_control_events_dropped"

        /// The series that exist as soon as a ``ParleyMetrics`` is made.
        public static let all = [
            activeCalls, callsTotal, registrations, rtpPacketsReceived, rtpPacketsSent, rtpPacketsLost, rtpJitter,
            workflowEvents, signalLatency, updateLatency, queryLatency, agentTurnLatency, sttLatency, ttsLatency,
            llmLatency, llmReplyLatency, eventSubscribers, eventsDropped,
        ]
    }

    public let registry: PrometheusCollectorRegistry
    /// Makes swift-metrics handles on this instance's registry (with its histogram buckets).
    public let factory: any MetricsFactory
    /// The workflow engine's series, made up front so they show before any conversation.
    public let workflow: WorkflowMetrics

    /// Calls in progress: increment on the first INVITE, decrement when the call ends.
    public let activeCalls: Meter
    /// Calls started since the process began.
    public let callsTotal: CoreMetrics.Counter
    /// Bindings in the location service (registered phones).
    public let registrations: Meter
    public let rtpPacketsReceived: CoreMetrics.Counter
    public let rtpPacketsSent: CoreMetrics.Counter
    /// Packets expected but never received (from sequence-number gaps, RFC 3550 §6.4.1).
    public let rtpPacketsLost: CoreMetrics.Counter
    /// Interarrival jitter per report, in milliseconds.
    public let rtpJitter: Recorder
    /// From a signal's submission to its event being durable.
    public let signalLatency: CoreMetrics.Timer
    /// From the end of the caller's utterance to the agent's first audio.
    public let agentTurnLatency: CoreMetrics.Timer
    /// Speech-to-text: end of speech to final transcript.
    public let sttLatency: CoreMetrics.Timer
    /// Text-to-speech: request to first audio.
    public let ttsLatency: CoreMetrics.Timer
    /// Language model: request to first token (or whole reply when not streaming).
    public let llmLatency: CoreMetrics.Timer
    /// Language model: request to the complete reply.
    public let llmReplyLatency: CoreMetrics.Timer
    let eventSubscribers: Meter
    let eventsDropped: Meter

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        var factory = PrometheusMetricsFactory(registry: registry)
        // Signals are committed in about a millisecond (group commit); the default buckets
        // start at 5 ms and would put them all in one.
        let fine: [Duration] = [
            .microseconds(50), .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1),
            .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
            .milliseconds(100), .milliseconds(500),
        ]
        for name in [Name.signalLatency, Name.updateLatency, Name.queryLatency] {
            factory.durationHistogramBuckets[name] = fine
        }
        factory.valueHistogramBuckets[Name.rtpJitter] = [1, 2, 5, 10, 20, 30, 50, 75, 100, 200]
        self.factory = factory
        workflow = WorkflowMetrics(factory: factory)
        activeCalls = Meter(label: Name.activeCalls, factory: factory)
        callsTotal = CoreMetrics.Counter(label: Name.callsTotal, factory: factory)
        registrations = Meter(label: Name.registrations, factory: factory)
        rtpPacketsReceived = CoreMetrics.Counter(label: Name.rtpPacketsReceived, factory: factory)
        rtpPacketsSent = CoreMetrics.Counter(label: Name.rtpPacketsSent, factory: factory)
        rtpPacketsLost = CoreMetrics.Counter(label: Name.rtpPacketsLost, factory: factory)
        rtpJitter = Recorder(label: Name.rtpJitter, aggregate: true, factory: factory)
        signalLatency = CoreMetrics.Timer(label: Name.signalLatency, factory: factory)
        agentTurnLatency = CoreMetrics.Timer(label: Name.agentTurnLatency, factory: factory)
        sttLatency = CoreMetrics.Timer(label: Name.sttLatency, factory: factory)
        ttsLatency = CoreMetrics.Timer(label: Name.ttsLatency, factory: factory)
        llmLatency = CoreMetrics.Timer(label: Name.llmLatency, factory: factory)
        llmReplyLatency = CoreMetrics.Timer(label: Name.llmReplyLatency, factory: factory)
        eventSubscribers = Meter(label: Name.eventSubscribers, factory: factory)
        eventsDropped = Meter(label: Name.eventsDropped, factory: factory)
    }

    /// Calls that ended, by disposition ("answered", "busy", "no_answer", "failed"...).
    public func callsEnded(disposition: String) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: Name.callsEnded, dimensions: [("disposition", disposition)], factory: factory)
    }

    /// Failed requests to a provider: `service` "llm", "stt" or "tts", `provider` its kind
    /// ("openai"), `kind` "http_429", "http_4xx", "http_5xx", "timeout", "transport",
    /// "bad_response" or "misconfigured" (the agent module counts them).
    public func providerErrors(service: String, provider: String, kind: String) -> CoreMetrics.Counter {
        CoreMetrics.Counter(label: Name.providerErrors,
                            dimensions: [("service", service), ("provider", provider), ("kind", kind)], factory: factory)
    }

    /// The Prometheus text exposition (format 0.0.4) of every series, after reading the event
    /// bus's own numbers.
    public func render(bus: ControlEventBus? = nil) -> String {
        if let bus {
            eventSubscribers.set(Double(bus.subscriberCount))
            eventsDropped.set(Double(bus.droppedCount))
        }
        return registry.emitToString()
    }
}
