/// Live counters of a stream, for the control plane's call list.
extension MediaStream {
    /// The stream's counters as of now (jitter buffer, RTCP round trip included), read on its media
    /// thread. `reply` runs on that thread, with nil when the stream is closed or between loops.
    public func statistics(_ reply: @escaping @Sendable (MediaStatistics?) -> Void) {
        let id = id
        loop.post { loop in
            guard let state = loop.stream(id) else { return reply(nil) }
            reply(state.liveStatistics)
        }
    }
}
