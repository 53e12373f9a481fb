import CoreMetrics

/// What the engine measures, as swift-metrics handles made by the host's factory (the control
/// plane's Prometheus registry in `parley run`; nothing by default). The engine never knows
/// where the numbers go.
///
/// - `parley_workflow_events_total{kind}`: history events made durable, by kind ("signal",
///   "timerFired", ...); their rate is the engine's events per second.
/// - `parley_workflow_signal_latency_seconds`: from a signal's submission to its event being
///   durable and its commands carried out (what ``WorkflowHandle/signal(_:)`` waits for).
/// - `parley_workflow_update_latency_seconds`: from an update's submission to its acceptance
///   being durable (validated and recorded; the workflow's answer may come later).
/// - `parley_workflow_query_latency_seconds`: a query answered from the live state.
public struct WorkflowMetrics: Sendable {
    /// The series names.
    public enum Name {
        public static let events = "parley_workflow_events_total"
        public static let signalLatency = "parley_workflow_signal_latency_seconds"
        public static let updateLatency = "parley_workflow_update_latency_seconds"
        public static let queryLatency = "parley_workflow_query_latency_seconds"
    }

    let events: [EventKind: CoreMetrics.Counter]
    let signalLatency: CoreMetrics.Timer
    let updateLatency: CoreMetrics.Timer
    let queryLatency: CoreMetrics.Timer

    /// Makes every series at once (one event counter per kind), so they show before any work.
    public init(factory: any MetricsFactory) {
        var events: [EventKind: CoreMetrics.Counter] = [:]
        for kind in EventKind.allCases {
            events[kind] = CoreMetrics.Counter(label: Name.events, dimensions: [("kind", kind.description)], factory: factory)
        }
        self.events = events
        signalLatency = CoreMetrics.Timer(label: Name.signalLatency, factory: factory)
        updateLatency = CoreMetrics.Timer(label: Name.updateLatency, factory: factory)
        queryLatency = CoreMetrics.Timer(label: Name.queryLatency, factory: factory)
    }

    /// Measures nothing.
    public static let disabled = WorkflowMetrics(factory: NOOPMetricsHandler.instance)

    /// Counts events that just became durable.
    func appended(_ kinds: [EventKind]) {
        for kind in kinds { events[kind]?.increment() }
    }

    /// Records the time since `start` in `timer`.
    static func record(_ timer: CoreMetrics.Timer, since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        timer.recordNanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
