/// A jitter buffer for one RTP stream whose delay follows the network, driven by its caller.
///
/// The caller ``insert(_:arrival:isSilence:)``s packets as they arrive, with the arrival time in
/// RTP timestamp units of its own clock, and calls ``pop(now:)`` once per packet time (the 20 ms
/// tick). The buffer never reads a clock. Each pop returns one ``Output``: a packet to decode,
/// `.conceal` (a frame is due but missing: run the codec's or a ``G711PacketLossConcealer``'s
/// concealment) or `.silence` (nothing is due: priming, waiting for a talkspurt, idle stream).
///
/// How the delay adapts:
/// - **Measure.** Every packet's transit feeds a playout delay estimator: RFC 3550 jitter and
///   the largest recent delay over the fastest recent packet. The target delay is the larger of
///   that peak and ``Configuration/jitterFactor`` × jitter, plus half a packet time, clamped to
///   the configured minimum and maximum. It rises with the first late packet and falls only after
///   one to two calm windows.
/// - **Play.** Packets play in sequence order, one per pop. The first packet of a stream, of a
///   talkspurt after a timestamp gap (DTX), and the first after a timestamp jump play once they
///   have waited the target delay: silence gaps absorb both growth and shrinkage for free.
/// - **Grow.** A due packet that has not arrived while nothing later is buffered stalls playout
///   (`.conceal`, then `.silence` after ``Configuration/concealLimit`` pops) instead of being
///   written off, so a delay burst costs no loss. When the delay falls below target it grows by
///   one silent frame at a silent frame or a marked talkspurt start, or by a concealed frame when
///   it is more than a packet time short.
/// - **Shrink.** When the delay exceeds the target by 1.5 packet times, a frame the caller flagged
///   as silence is dropped (at most one per ``Configuration/silenceShrinkInterval`` pops). If the
///   stream has had no silence for ``Configuration/forcedShrinkAfterSpeech`` pops, a frame is
///   dropped anyway when the excess passes ``Configuration/forcedShrinkMargin`` (at most one per
///   ``Configuration/forcedShrinkInterval``), and always at once when the delay passes the
///   maximum. Clock skew between sender and tick is absorbed the same way, so the buffer
///   neither grows without bound nor starves.
/// - **Loss.** A due packet that is missing while later ones are buffered is lost: one `.conceal`
///   and playout moves on. If it turns up later it counts as `late`; copies count as `duplicates`.
/// - **Streams.** A packet from a new SSRC, a sequence number far from the stream, or a transit
///   that jumped by more than ``Configuration/resyncThresholdMs`` is held on probation; when the
///   next packet confirms it, a new SSRC or sequence restarts the buffer (`resets`) and a
///   timestamp jump starts a new timing epoch after the packets already buffered (`resyncs`).
public struct AdaptiveJitterBuffer: Sendable {
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

    /// What one pop yields.
    public enum Output: Sendable, Equatable {
        /// The next frame to decode.
        case packet(RTPPacket)
        /// A frame is due but missing or was inserted mid-speech: conceal one packet time.
        case conceal
        /// Nothing is due: play silence (or comfort noise) for one packet time.
        case silence
    }

    /// A buffered packet and the caller's silence flag for it.
    struct Entry: Sendable {
        var packet: RTPPacket
        var silent: Bool
    }

    public let configuration: Configuration
    var counters = Statistics()
    /// Packets currently buffered.
    public internal(set) var count = 0

    let capacity: Int
    let minimumDelay: Int
    let maximumDelay: Int
    let resyncThreshold: Int
    var estimator: PlayoutDelayEstimator

    /// Ring of `capacity` slots; `slots[head]` holds sequence number `next`.
    var slots: [Entry?]
    var head = 0
    var next: UInt16 = 0
    var highest: UInt16 = 0
    var ssrc: UInt32 = 0
    var synced = false
    /// Something has played since the last restart (the playout point can no longer move back).
    var started = false
    /// `cursor` is valid: the timestamp that continues the last played frame.
    var anchored = false
    var cursor: UInt32 = 0
    /// First sequence number of a new timing epoch while older packets still play.
    var epochBoundary: UInt16?
    /// Bit k set: sequence number `next - 1 - k` held a packet (tells duplicates from late).
    var history: UInt64 = 0
    var emptyPops = 0
    var popsSinceShrink = Int.max / 2
    /// Pops since a frame flagged silent or a marked talkspurt start reached the playout point.
    var popsSinceSilence = 0
    /// The last measured playout delay over the fastest transit, in timestamp units.
    var lastDelay = 0
    /// A packet outside the stream or its timing, waiting for the next packet to confirm it.
    var candidate: (entry: Entry, transit: UInt32)?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        capacity = configuration.capacity
        minimumDelay = configuration.units(configuration.minimumDelayMs)
        maximumDelay = configuration.units(configuration.maximumDelayMs)
        resyncThreshold = configuration.units(configuration.resyncThresholdMs)
        let initial = configuration.units(configuration.initialDelayMs) - configuration.packetTime / 2
        estimator = PlayoutDelayEstimator(
            minimumWindow: configuration.minimumWindow, peakWindow: configuration.peakWindow,
            initialPeak: initial
        )
        slots = Array(repeating: nil, count: capacity)
    }

    /// Accepts a packet that arrived at `arrival` (caller's clock, timestamp units). Pass
    /// `isSilence` when the caller knows the frame is silence (comfort noise, a quiet G.711
    /// frame, a VAD decision): only such frames are dropped to shrink the delay.
    public mutating func insert(_ packet: RTPPacket, arrival: UInt32, isSilence: Bool = false) {
        counters.received += 1
        let entry = Entry(packet: packet, silent: isSilence)
        let transit = arrival &- packet.timestamp
        guard synced else {
            restart(with: entry, transit: transit)
            return
        }
        let inStream = fitsStream(packet)
        if inStream, abs(estimator.relative(transit) - estimator.minimum) <= resyncThreshold {
            if candidate != nil {
                candidate = nil
                counters.strays += 1
            }
            accept(entry, transit: transit)
            return
        }
        confirmOrHold(entry, transit: transit)
    }

    /// Forgets the stream (for example after a re-INVITE); the next packet starts a new one.
    /// Statistics and the learned delay are kept.
    public mutating func removeAll() {
        clearSlots()
        candidate = nil
        synced = false
        started = false
        anchored = false
        epochBoundary = nil
    }

    // MARK: - Admission

    private func fitsStream(_ packet: RTPPacket) -> Bool {
        packet.ssrc == ssrc && abs(Serial.distance(from: highest, to: packet.sequenceNumber)) <= capacity
    }

    /// Probation (as in RFC 3550 Appendix A.1): one odd packet is a stray, two that agree are a
    /// new stream or a new timing epoch.
    private mutating func confirmOrHold(_ entry: Entry, transit: UInt32) {
        let packet = entry.packet
        guard let pending = candidate, pending.entry.packet.ssrc == packet.ssrc else {
            if candidate != nil { counters.strays += 1 }
            candidate = (entry, transit)
            return
        }
        let steps = Serial.distance(from: pending.entry.packet.sequenceNumber, to: packet.sequenceNumber)
        let drift = Int(Int32(bitPattern: transit &- pending.transit))
        if steps == 0 {
            counters.duplicates += 1
            return
        }
        guard abs(steps) <= capacity, abs(drift) <= resyncThreshold else {
            counters.strays += 1
            candidate = (entry, transit)
            return
        }
        candidate = nil
        if fitsStream(pending.entry.packet), fitsStream(packet) {
            // Same stream, new timing: play out what is buffered, then re-anchor (resync).
            counters.resyncs += 1
            estimator.start(transit: pending.transit)
            let first = steps > 0 ? pending.entry.packet.sequenceNumber : packet.sequenceNumber
            epochBoundary = Serial.distance(from: next, to: first) > 0 ? first : nil
            if epochBoundary == nil { anchored = false }
            accept(pending.entry, transit: pending.transit)
            accept(entry, transit: transit)
        } else {
            counters.resets += 1
            restart(with: pending.entry, transit: pending.transit)
            accept(entry, transit: transit)
        }
    }

    /// Files a packet of the current stream and timing epoch.
    private mutating func accept(_ entry: Entry, transit: UInt32) {
        let sequence = entry.packet.sequenceNumber
        var offset = Serial.distance(from: next, to: sequence)
        if offset < 0 {
            guard !started, Serial.distance(from: sequence, to: highest) < capacity else {
                let age = -offset
                if age <= 64, history & (1 << UInt64(age - 1)) != 0 {
                    counters.duplicates += 1
                } else {
                    counters.late += 1
                    estimator.observe(transit: transit)
                }
                return
            }
            // Before playout starts a reordered packet may still go in front of the first one.
            head = (head + offset + capacity) % capacity
            next = sequence
            offset = 0
        }
        if offset >= capacity {
            advancePlayout(by: offset - capacity + 1)
            offset = capacity - 1
        }
        let index = (head + offset) % capacity
        guard slots[index] == nil else {
            counters.duplicates += 1
            return
        }
        slots[index] = entry
        count += 1
        if Serial.isNewer(sequence, than: highest) {
            highest = sequence
        } else if sequence != highest {
            counters.reordered += 1
        }
        estimator.observe(transit: transit)
    }

    private mutating func restart(with entry: Entry, transit: UInt32) {
        clearSlots()
        next = entry.packet.sequenceNumber
        highest = next
        ssrc = entry.packet.ssrc
        synced = true
        started = false
        anchored = false
        epochBoundary = nil
        history = 0
        emptyPops = 0
        estimator.start(transit: transit)
        slots[head] = entry
        count = 1
        estimator.observe(transit: transit)
    }

    private mutating func clearSlots() {
        if count > 0 {
            for index in slots.indices { slots[index] = nil }
        }
        count = 0
        head = 0
    }
}
