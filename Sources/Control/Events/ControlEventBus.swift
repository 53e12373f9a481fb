import Foundation

/// Fans live events out to every subscriber (SSE clients, the web page, tests) without ever
/// blocking the publisher: `publish` takes one short lock, stamps the event, and hands it to
/// each subscriber's bounded buffer. A subscriber that falls behind loses its oldest buffered
/// events (it wants the present, not the past); each loss is counted, per subscriber and in
/// total, and the SSE stream tells its client. A small ring of recent events lets a
/// reconnecting client resume after the last sequence number it saw (`Last-Event-ID`).
public final class ControlEventBus: Sendable {
    /// What a subscriber's buffer holds: events, and keep-alive nudges from its SSE writer.
    enum Delivery: Sendable {
        case event(ControlEventEnvelope)
        case heartbeat
    }

    private struct Subscriber {
        let continuation: AsyncStream<Delivery>.Continuation
        let dropped: ControlLock<Int>
    }

    private struct State {
        var nextSequence: UInt64 = 1
        var nextSubscriber: UInt64 = 1
        var subscribers: [UInt64: Subscriber] = [:]
        var recent: [ControlEventEnvelope] = []
        var recentStart = 0
        var totalDropped: UInt64 = 0
        var finished = false
    }

    private let state = ControlLock(State())
    private let bufferSize: Int
    private let historySize: Int
    private let now: @Sendable () -> Date

    /// - Parameters:
    ///   - bufferSize: events each subscriber may have waiting before the oldest are dropped.
    ///   - historySize: recent events kept for clients that resume after a reconnect.
    ///   - now: the clock that stamps events published without a time.
    public init(bufferSize: Int = 512, historySize: Int = 256, now: @escaping @Sendable () -> Date = { Date() }) {
        self.bufferSize = max(1, bufferSize)
        self.historySize = max(0, historySize)
        self.now = now
    }

    /// Publishes an event to every current subscriber. Never blocks, never suspends; safe from
    /// any thread (the SIP thread, media loops, actors).
    @discardableResult
    public func publish(_ event: ControlEvent, call: CallID? = nil, conversation: String? = nil,
                        at time: Date? = nil) -> ControlEventEnvelope {
        let stamp = time ?? now()
        return state.withLock { state in
            let envelope = ControlEventEnvelope(sequence: state.nextSequence, time: stamp, callID: call,
                                                conversationID: conversation, event: event)
            state.nextSequence += 1
            guard !state.finished else { return envelope }
            remember(envelope, in: &state)
            var gone: [UInt64] = []
            for (id, subscriber) in state.subscribers {
                switch subscriber.continuation.yield(.event(envelope)) {
                case .enqueued: break
                case .dropped:
                    subscriber.dropped.withLock { $0 += 1 }
                    state.totalDropped += 1
                case .terminated: gone.append(id)
                @unknown default: break
                }
            }
            for id in gone { state.subscribers[id] = nil }
            return envelope
        }
    }

    /// Starts receiving events published from now on. With `after`, first replays the recent
    /// events whose sequence is greater (those still in the ring), in order.
    public func subscribe(after sequence: UInt64? = nil, bufferSize: Int? = nil) -> ControlEventSubscription {
        let size = max(1, bufferSize ?? self.bufferSize)
        let (stream, continuation) = AsyncStream<Delivery>.makeStream(bufferingPolicy: .bufferingNewest(size))
        let dropped = ControlLock(0)
        let id = state.withLock { state -> UInt64? in
            guard !state.finished else { return nil }
            if let sequence {
                for envelope in ordered(state) where envelope.sequence > sequence {
                    continuation.yield(.event(envelope))
                }
            }
            let id = state.nextSubscriber
            state.nextSubscriber += 1
            state.subscribers[id] = Subscriber(continuation: continuation, dropped: dropped)
            return id
        }
        guard let id else {
            continuation.finish()
            return ControlEventSubscription(stream: stream, continuation: continuation, dropped: dropped, cancel: {})
        }
        continuation.onTermination = { [weak self] _ in
            self?.unsubscribe(id)
        }
        return ControlEventSubscription(stream: stream, continuation: continuation, dropped: dropped) { [weak self] in
            self?.finishSubscriber(id)
        }
    }

    /// Subscribers right now.
    public var subscriberCount: Int {
        state.withLock { $0.subscribers.count }
    }

    /// Events dropped for slow subscribers since the bus was made.
    public var droppedCount: UInt64 {
        state.withLock { $0.totalDropped }
    }

    /// The sequence number the next event will get.
    public var nextSequence: UInt64 {
        state.withLock { $0.nextSequence }
    }

    /// The recent events still in the ring, oldest first.
    public func recent() -> [ControlEventEnvelope] {
        state.withLock { ordered($0) }
    }

    /// Ends every subscription (at shutdown); later publishes go nowhere.
    public func finish() {
        let continuations = state.withLock { state -> [AsyncStream<Delivery>.Continuation] in
            state.finished = true
            defer { state.subscribers.removeAll() }
            return state.subscribers.values.map(\.continuation)
        }
        for continuation in continuations { continuation.finish() }
    }

    private func unsubscribe(_ id: UInt64) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    private func finishSubscriber(_ id: UInt64) {
        let subscriber = state.withLock { $0.subscribers.removeValue(forKey: id) }
        subscriber?.continuation.finish()
    }

    private func remember(_ envelope: ControlEventEnvelope, in state: inout State) {
        guard historySize > 0 else { return }
        if state.recent.count < historySize {
            state.recent.append(envelope)
        } else {
            state.recent[state.recentStart] = envelope
            state.recentStart = (state.recentStart + 1) % historySize
        }
    }

    private func ordered(_ state: State) -> [ControlEventEnvelope] {
        Array(state.recent[state.recentStart...] + state.recent[..<state.recentStart])
    }
}

/// The events one subscriber receives, in publication order. Iterate it with `for await`;
/// the loop ends when the subscription is cancelled or the bus finishes.
public struct ControlEventSubscription: AsyncSequence, Sendable {
    public typealias Element = ControlEventEnvelope
    let deliveries: AsyncStream<ControlEventBus.Delivery>
    private let continuation: AsyncStream<ControlEventBus.Delivery>.Continuation
    private let droppedCounter: ControlLock<Int>
    private let cancelAction: @Sendable () -> Void

    init(stream: AsyncStream<ControlEventBus.Delivery>, continuation: AsyncStream<ControlEventBus.Delivery>.Continuation,
         dropped: ControlLock<Int>, cancel: @escaping @Sendable () -> Void) {
        self.deliveries = stream
        self.continuation = continuation
        self.droppedCounter = dropped
        self.cancelAction = cancel
    }

    public struct Iterator: AsyncIteratorProtocol {
        var base: AsyncStream<ControlEventBus.Delivery>.Iterator

        public mutating func next() async -> ControlEventEnvelope? {
            // Bounded: each heartbeat is skipped, and heartbeats are only sent while idle.
            while let delivery = await base.next() {
                if case .event(let envelope) = delivery { return envelope }
            }
            return nil
        }
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(base: deliveries.makeAsyncIterator())
    }

    /// Events this subscriber lost because its buffer was full.
    public var dropped: Int {
        droppedCounter.withLock { $0 }
    }

    /// Stops the subscription; a loop over it ends after the events already buffered.
    public func cancel() {
        cancelAction()
    }

    /// Wakes the reader with a keep-alive (the SSE writer sends a comment for it).
    func heartbeat() {
        continuation.yield(.heartbeat)
    }
}
