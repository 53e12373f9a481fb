/// The SSE streams a server has open, so a shutdown can end them.
final class EventStreamRegistry: Sendable {
    private let state = ControlLock<(next: UInt64, open: [UInt64: ControlEventSubscription], closed: Bool)>(
        (1, [:], false))

    /// Registers a stream; nil once the server is shutting down.
    func register(_ subscription: ControlEventSubscription) -> UInt64? {
        state.withLock { state -> UInt64? in
            guard !state.closed else { return nil }
            defer { state.next += 1 }
            state.open[state.next] = subscription
            return state.next
        }
    }

    func unregister(_ id: UInt64) {
        _ = state.withLock { $0.open.removeValue(forKey: id) }
    }

    /// Accepts streams again (a server started after a stop).
    func reopen() {
        state.withLock { $0.closed = false }
    }

    func cancelAll() {
        let open = state.withLock { state -> [ControlEventSubscription] in
            state.closed = true
            defer { state.open.removeAll() }
            return Array(state.open.values)
        }
        for subscription in open { subscription.cancel() }
    }

    var count: Int { state.withLock { $0.open.count } }
}
