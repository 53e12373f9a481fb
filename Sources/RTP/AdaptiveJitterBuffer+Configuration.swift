extension AdaptiveJitterBuffer {
    public struct Configuration: Sendable, Equatable {
        /// RTP clock rate of the stream.
        public var clockRate: Int
        /// Timestamp units per packet and per pop (160 = 20 ms at 8 kHz).
        public var packetTime: Int
        public var minimumDelayMs: Int
        public var maximumDelayMs: Int
        /// The target before the network has been measured.
        public var initialDelayMs: Int
        /// Ring slots: the most packets held and the widest sequence span accepted.
        public var capacity: Int
        /// Weight of the RFC 3550 jitter estimate in the target.
        public var jitterFactor: Double
        /// Packets per window of the fastest-transit tracker.
        public var minimumWindow: Int
        /// Packets per window of the peak-delay tracker (250 = 5 s at 20 ms).
        public var peakWindow: Int
        /// Least pops between two silent-frame drops.
        public var silenceShrinkInterval: Int
        /// Excess over the target at which a non-silent frame may be dropped, in ms.
        public var forcedShrinkMargin: Int
        /// Least pops between two forced drops.
        public var forcedShrinkInterval: Int
        /// Forced drops happen only after this many pops without a frame flagged silent or a
        /// marked talkspurt start (250 = 5 s): streams with silence shrink in silence only.
        public var forcedShrinkAfterSpeech: Int
        /// Pops of `.conceal` in an underrun before the buffer answers `.silence`.
        public var concealLimit: Int
        /// Transit change that counts as a timestamp jump rather than network delay, in ms.
        public var resyncThresholdMs: Int

        public init(
            clockRate: Int = 8000, packetTime: Int = 160, minimumDelayMs: Int = 20,
            maximumDelayMs: Int = 400, initialDelayMs: Int = 60, capacity: Int = 128,
            jitterFactor: Double = 3, minimumWindow: Int = 100, peakWindow: Int = 250,
            silenceShrinkInterval: Int = 5, forcedShrinkMargin: Int = 60,
            forcedShrinkInterval: Int = 50, forcedShrinkAfterSpeech: Int = 250, concealLimit: Int = 5,
            resyncThresholdMs: Int = 2000
        ) {
            self.clockRate = min(max(1, clockRate), 192_000)
            self.packetTime = min(max(1, packetTime), 192_000)
            // Milliseconds are clamped to a minute so conversions to timestamp units stay small.
            self.minimumDelayMs = min(max(0, minimumDelayMs), 60_000)
            self.maximumDelayMs = min(max(self.minimumDelayMs, maximumDelayMs), 60_000)
            self.initialDelayMs = min(max(initialDelayMs, self.minimumDelayMs), self.maximumDelayMs)
            self.capacity = min(max(2, capacity), JitterBuffer.maximumCapacity)
            self.jitterFactor = max(0, jitterFactor)
            self.minimumWindow = max(1, minimumWindow)
            self.peakWindow = max(1, peakWindow)
            self.silenceShrinkInterval = max(1, silenceShrinkInterval)
            self.forcedShrinkMargin = min(max(0, forcedShrinkMargin), 60_000)
            self.forcedShrinkInterval = max(1, forcedShrinkInterval)
            self.forcedShrinkAfterSpeech = max(0, forcedShrinkAfterSpeech)
            self.concealLimit = max(0, concealLimit)
            self.resyncThresholdMs = min(max(1, resyncThresholdMs), 60_000)
        }

        /// Milliseconds to timestamp units.
        func units(_ milliseconds: Int) -> Int {
            milliseconds * clockRate / 1000
        }
    }
}
