import Synchronization

/// An ended utterance on its way to the worker.
struct QueuedUtterance: Sendable {
    var utterance: UtteranceCollector.Utterance
    var endedAt: ContinuousClock.Instant
}

/// What the media thread and the worker share: the collector (media thread) and the counters.
final class TranscriberShared: Sendable {
    struct State: Sendable {
        var collector: UtteranceCollector
        var closed = false
        var framesRefusedClosed = 0
    }

    let state: Mutex<State>
    let statistics = Mutex(TranscriberStatistics())

    init(collector: UtteranceCollector) {
        state = Mutex(State(collector: collector))
    }

    func count(_ update: (inout TranscriberStatistics) -> Void) {
        statistics.withLock { update(&$0) }
    }
}
