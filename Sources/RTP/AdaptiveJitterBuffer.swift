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
/// - **Comfort noise.** A packet inserted with `isComfortNoise` (RFC 3389) starts a pause: after
///   it plays, an empty buffer is the sender's discontinuous transmission, answered with
///   `.silence` and counted neither as an underrun nor as concealment.
///
/// Payloads are copied into blocks of a pool the buffer keeps and recycles, so the hot-path pair
/// ``insert(_:payload:arrival:isSilence:isComfortNoise:)`` and ``popFrame(now:)`` allocates
/// nothing once the pool has grown to the stream's needs. ``insert(_:arrival:isSilence:)`` and
/// ``pop(now:)`` keep the `RTPPacket` interface (the popped packet carries the header fields,
/// padding length and payload; CSRCs and header extensions are not kept).
public struct AdaptiveJitterBuffer: Sendable {
    /// What one pop yields.
    public enum Output: Sendable, Equatable {
        /// The next frame to decode.
        case packet(RTPPacket)
        /// A frame is due but missing or was inserted mid-speech: conceal one packet time.
        case conceal
        /// Nothing is due: play silence (or comfort noise) for one packet time.
        case silence
    }

    /// What ``popFrame(now:)`` yields; the frame's payload is read with ``withPlayedPayload(_:)``.
    public enum Playout: Sendable, Equatable {
        /// The next frame to decode.
        case frame(Frame)
        /// A frame is due but missing or was inserted mid-speech: conceal one packet time.
        case conceal
        /// Nothing is due: play silence (or comfort noise) for one packet time.
        case silence
    }

    /// The header fields of a played frame.
    public struct Frame: Sendable, Equatable {
        public var sequenceNumber: UInt16
        public var timestamp: UInt32
        public var ssrc: UInt32
        public var payloadType: UInt8
        public var marker: Bool
        /// The caller inserted it as comfort noise.
        public var isComfortNoise: Bool
        /// Payload bytes (read them with ``AdaptiveJitterBuffer/withPlayedPayload(_:)``).
        public var payloadCount: Int
    }

    /// A buffered packet: its header fields, the caller's flags and the pool block holding its
    /// payload. A trivial value, so moving entries around the ring costs no reference counting.
    struct Entry: Sendable {
        var sequenceNumber: UInt16
        var timestamp: UInt32
        var ssrc: UInt32
        var payloadType: UInt8
        var marker: Bool
        var silent: Bool
        var comfortNoise: Bool
        var paddingLength: UInt8
        var payloadCount: Int32
        var block: Int32

        var frame: Frame {
            Frame(sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc, payloadType: payloadType,
                  marker: marker, isComfortNoise: comfortNoise, payloadCount: Int(payloadCount))
        }
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
    /// Payload storage for the ring, the candidate and the frame played last.
    var pool: JitterPayloadPool
    /// The block of the frame ``popFrame(now:)`` handed out last, readable until the next call.
    var playedBlock: Int32 = -1
    var playedCount = 0
    var playedPadding: UInt8 = 0
    /// A comfort-noise frame played last: an empty buffer is a transmission pause, not an underrun.
    var pausedForComfortNoise = false

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
        pool = JitterPayloadPool(blocks: 8, stride: 256)
    }

    /// Accepts a packet that arrived at `arrival` (caller's clock, timestamp units). Pass
    /// `isSilence` when the caller knows the frame is silence (comfort noise, a quiet G.711
    /// frame, a VAD decision): only such frames are dropped to shrink the delay.
    public mutating func insert(_ packet: RTPPacket, arrival: UInt32, isSilence: Bool = false) {
        packet.payload.withUnsafeBytes { payload in
            insert(packet.header, payload: payload, arrival: arrival, isSilence: isSilence)
        }
    }

    /// The hot-path insert: `header` as parsed in place and its `payload`, which is copied into
    /// the buffer's own recycled storage (no allocation once the storage has grown). Pass
    /// `isComfortNoise` for an RFC 3389 packet: it is silence, and the pause after it is not
    /// an underrun.
    public mutating func insert(
        _ header: RTPHeader, payload: UnsafeRawBufferPointer, arrival: UInt32,
        isSilence: Bool = false, isComfortNoise: Bool = false
    ) {
        releasePlayed()
        counters.received += 1
        let stored = pool.store(payload)
        let entry = Entry(
            sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, ssrc: header.ssrc,
            payloadType: header.payloadType, marker: header.marker, silent: isSilence || isComfortNoise,
            comfortNoise: isComfortNoise, paddingLength: header.paddingLength,
            payloadCount: Int32(stored.count), block: stored.block
        )
        let transit = arrival &- entry.timestamp
        guard synced else {
            restart(with: entry, transit: transit)
            return
        }
        let inStream = fitsStream(entry)
        if inStream, abs(estimator.relative(transit) - estimator.minimum) <= resyncThreshold {
            if let pending = candidate {
                pool.release(pending.entry.block)
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
        releasePlayed()
        clearSlots()
        if let pending = candidate { pool.release(pending.entry.block) }
        candidate = nil
        pausedForComfortNoise = false
        synced = false
        started = false
        anchored = false
        epochBoundary = nil
    }

    // MARK: - Admission

    private func fitsStream(_ entry: Entry) -> Bool {
        entry.ssrc == ssrc && abs(Serial.distance(from: highest, to: entry.sequenceNumber)) <= capacity
    }

    /// Probation (as in RFC 3550 Appendix A.1): one odd packet is a stray, two that agree are a
    /// new stream or a new timing epoch.
    private mutating func confirmOrHold(_ entry: Entry, transit: UInt32) {
        guard let pending = candidate, pending.entry.ssrc == entry.ssrc else {
            if let pending = candidate {
                pool.release(pending.entry.block)
                counters.strays += 1
            }
            candidate = (entry, transit)
            return
        }
        let steps = Serial.distance(from: pending.entry.sequenceNumber, to: entry.sequenceNumber)
        let drift = Int(Int32(bitPattern: transit &- pending.transit))
        if steps == 0 {
            counters.duplicates += 1
            pool.release(entry.block)
            return
        }
        guard abs(steps) <= capacity, abs(drift) <= resyncThreshold else {
            counters.strays += 1
            pool.release(pending.entry.block)
            candidate = (entry, transit)
            return
        }
        candidate = nil
        if fitsStream(pending.entry), fitsStream(entry) {
            // Same stream, new timing: play out what is buffered, then re-anchor (resync).
            counters.resyncs += 1
            estimator.start(transit: pending.transit)
            let first = steps > 0 ? pending.entry.sequenceNumber : entry.sequenceNumber
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
        let sequence = entry.sequenceNumber
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
                pool.release(entry.block)
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
            pool.release(entry.block)
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
        next = entry.sequenceNumber
        highest = next
        ssrc = entry.ssrc
        synced = true
        started = false
        anchored = false
        epochBoundary = nil
        history = 0
        emptyPops = 0
        pausedForComfortNoise = false
        estimator.start(transit: transit)
        slots[head] = entry
        count = 1
        estimator.observe(transit: transit)
    }

    private mutating func clearSlots() {
        if count > 0 {
            for index in slots.indices {
                if let entry = slots[index] { pool.release(entry.block) }
                slots[index] = nil
            }
        }
        count = 0
        head = 0
    }

    /// The frame handed out last is no longer readable: its block goes back to the pool.
    mutating func releasePlayed() {
        guard playedBlock >= 0 else { return }
        pool.release(playedBlock)
        playedBlock = -1
        playedCount = 0
    }
}
