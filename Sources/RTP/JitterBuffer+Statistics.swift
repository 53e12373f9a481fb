extension JitterBuffer {
    /// Counters since the buffer was created. Every arriving packet is counted in `received` and
    /// at most one of `duplicates`, `late`, `reordered` or `strays`; every sequence number the
    /// playout point passes without playing it is counted once in `lost` or `overflowDropped`.
    /// Packets a reset discards are not counted again.
    public struct Statistics: Sendable, Equatable {
        /// Packets passed to `insert`, whatever became of them.
        public var received: Int
        /// Copies of a packet that was still buffered (dropped).
        public var duplicates: Int
        /// Packets older than the playout point (dropped).
        public var late: Int
        /// Sequence numbers that were due but missing, or skipped when playout resumed.
        public var lost: Int
        /// Packets accepted although a newer one had already arrived.
        public var reordered: Int
        /// Buffered packets pushed out unplayed because a much newer packet arrived.
        public var overflowDropped: Int
        /// Times `pop` found the buffer empty while playing and re-primed.
        public var underruns: Int
        /// Times a new SSRC or a big sequence jump, confirmed by the next packet, discarded the
        /// buffer and restarted.
        public var resets: Int
        /// Packets from another SSRC or far outside the stream that the next packet did not
        /// confirm as a new stream (dropped).
        public var strays: Int

        public init(
            received: Int = 0,
            duplicates: Int = 0,
            late: Int = 0,
            lost: Int = 0,
            reordered: Int = 0,
            overflowDropped: Int = 0,
            underruns: Int = 0,
            resets: Int = 0,
            strays: Int = 0
        ) {
            self.received = received
            self.duplicates = duplicates
            self.late = late
            self.lost = lost
            self.reordered = reordered
            self.overflowDropped = overflowDropped
            self.underruns = underruns
            self.resets = resets
            self.strays = strays
        }
    }
}
