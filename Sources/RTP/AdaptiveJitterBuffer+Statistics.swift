extension AdaptiveJitterBuffer {
    /// Counters since the buffer was created, and the delays as of the last pop.
    ///
    /// Every packet passed to `insert` counts in `received` and then at most one of
    /// `duplicates`, `late`, `strays` (or `reordered`, which is still played). Every pop returns
    /// one output: `played` counts packets, `concealed` the `.conceal` outputs (lost packets,
    /// underrun stalls up to the conceal limit, frames inserted mid-speech).
    public struct Statistics: Sendable, Equatable {
        public var received = 0
        /// Packets handed out by `pop`.
        public var played = 0
        /// Copies of a packet already buffered or played (dropped).
        public var duplicates = 0
        /// Packets that arrived after their slot was given up (dropped).
        public var late = 0
        /// Sequence numbers that were due and missing while later packets were buffered.
        public var lost = 0
        /// Packets accepted although a newer one had already arrived.
        public var reordered = 0
        /// `.conceal` outputs.
        public var concealed = 0
        /// Frames added to grow the delay (silence at a silent frame or talkspurt start, or a
        /// concealed frame).
        public var inserted = 0
        /// Frames dropped to shrink the delay.
        public var dropped = 0
        /// Buffered packets pushed out unplayed because the caller stopped popping.
        public var overflowDropped = 0
        /// Times a pop found nothing buffered while playing.
        public var underruns = 0
        /// Restarts on a confirmed new SSRC or sequence jump.
        public var resets = 0
        /// New timing epochs on a confirmed timestamp jump.
        public var resyncs = 0
        /// Packets outside the stream that the next packet did not confirm (dropped).
        public var strays = 0
        /// Delay of the last frame played beyond the fastest recent transit, in ms.
        public var currentDelayMs = 0.0
        /// The delay aimed for, in ms.
        public var targetDelayMs = 0.0
        /// RFC 3550 interarrival jitter, in ms.
        public var jitterMs = 0.0

        public init() {}
    }

    /// Counters and delays as of now.
    public var statistics: Statistics {
        var result = counters
        let rate = Double(configuration.clockRate)
        result.currentDelayMs = Double(lastDelay) * 1000 / rate
        result.targetDelayMs = Double(targetDelay) * 1000 / rate
        result.jitterMs = estimator.jitter * 1000 / rate
        return result
    }
}
