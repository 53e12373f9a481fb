/// Sends key presses as RFC 4733 telephone-event packets, one packet per tick of the caller's
/// media clock, interleaved with the caller's own audio stream.
///
/// Queue digits with ``enqueue(_:durationMs:)``, then call ``tick(timestamp:sequenceNumber:)``
/// once per packet time with the RTP timestamp this tick's audio frame would carry and the
/// stream's next sequence number. When it returns a packet, send that instead of audio (it has
/// used and advanced the sequence number); when it returns nil, send audio as usual. The audio
/// timestamp keeps advancing by one packet time per tick throughout, so audio resumes on its own
/// timeline after the event (RFC 4733 §2.5.1.2). The sender never reads a clock.
///
/// Per event (§2.5.1): every packet carries the event's start timestamp; the first has the marker
/// bit; the duration grows by one packet time per packet; the final packet has the E bit and is
/// sent three times on consecutive ticks (§2.5.1.4), each with its own sequence number. Events
/// longer than 0xFFFF units are split into segments (§2.5.1.3). Queued digits are separated by
/// ``Configuration/interDigitGapMs`` of audio.
public struct DTMFSender: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// The negotiated telephone-event payload type.
        public var payloadType: UInt8
        /// The SSRC of the audio stream the events share.
        public var ssrc: UInt32
        public var clockRate: Int
        /// Timestamp units per tick (160 = 20 ms at 8 kHz).
        public var packetTime: Int
        /// Power level in -dBm0 for the volume field (§2.3), 0...63.
        public var volume: UInt8
        /// Copies of the final packet (§2.5.1.4 recommends three).
        public var endRepeats: Int
        /// Audio between two queued digits.
        public var interDigitGapMs: Int
        /// Digits that may wait in the queue.
        public var queueLimit: Int

        public init(
            payloadType: UInt8 = 101, ssrc: UInt32, clockRate: Int = 8000, packetTime: Int = 160,
            volume: UInt8 = 10, endRepeats: Int = 3, interDigitGapMs: Int = 60, queueLimit: Int = 64
        ) {
            self.payloadType = payloadType & 0x7F
            self.ssrc = ssrc
            self.clockRate = max(1, clockRate)
            self.packetTime = max(1, packetTime)
            self.volume = min(volume, TelephoneEvent.maximumVolume)
            self.endRepeats = max(1, endRepeats)
            self.interDigitGapMs = max(0, interDigitGapMs)
            self.queueLimit = max(1, queueLimit)
        }
    }

    /// The longest press accepted (10 minutes).
    public static let maximumDurationMs = 600_000

    /// One event being sent.
    struct Sending: Sendable {
        var event: UInt8
        /// Timestamp of the current segment.
        var segmentTimestamp: UInt32
        /// Units of the event covered by earlier segments.
        var segmentOffset: Int
        /// Units covered so far, up to `total`.
        var elapsed: Int
        var total: Int
        var isFirstPacket: Bool
        /// Final packets sent so far (0 while the event is still growing).
        var endsSent: Int
    }

    public let configuration: Configuration
    var queue: [(event: UInt8, duration: Int)] = []
    var queueHead = 0
    var sending: Sending?
    /// Ticks of audio still owed before the next queued digit may start.
    var gapTicks = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// True while no event is being sent and nothing is queued.
    public var isIdle: Bool { sending == nil && queueHead == queue.count }

    /// Whether the next ``tick(timestamp:sequenceNumber:)`` returns a packet: an event is under
    /// way, or a queued digit starts (no inter-digit gap is owed).
    public var sendsOnNextTick: Bool { sending != nil || (gapTicks == 0 && queueHead < queue.count) }

    /// Digits waiting to be sent (not counting the one being sent).
    public var queuedCount: Int { queue.count - queueHead }

    /// Queues one press of `digit` lasting `durationMs`.
    public mutating func enqueue(_ digit: Character, durationMs: Int = 100) throws(DTMFError) {
        guard let event = DTMFDigit.event(for: digit) else {
            throw DTMFError(.unknownDigit, "'\(digit)' is not a DTMF key")
        }
        try enqueue(event: event, durationMs: durationMs)
    }

    /// Queues every key of `digits` (all checked before any is queued).
    public mutating func enqueue(_ digits: String, durationMs: Int = 100) throws(DTMFError) {
        var events: [UInt8] = []
        for digit in digits {
            guard let event = DTMFDigit.event(for: digit) else {
                throw DTMFError(.unknownDigit, "'\(digit)' in \"\(digits)\" is not a DTMF key")
            }
            events.append(event)
        }
        guard queuedCount + events.count <= configuration.queueLimit else {
            let limit = configuration.queueLimit
            throw DTMFError(.queueFull, "\(events.count) digits on top of \(queuedCount) queued, limit \(limit)")
        }
        for event in events {
            try enqueue(event: event, durationMs: durationMs)
        }
    }

    /// Queues an event code (0-255; codes above 15 are non-DTMF events such as flash = 16).
    public mutating func enqueue(event: UInt8, durationMs: Int) throws(DTMFError) {
        guard durationMs > 0, durationMs <= Self.maximumDurationMs else {
            throw DTMFError(.badDuration, "\(durationMs) ms, must be 1...\(Self.maximumDurationMs)")
        }
        guard queuedCount < configuration.queueLimit else {
            throw DTMFError(.queueFull, "\(queuedCount) digits queued, limit \(configuration.queueLimit)")
        }
        if queueHead > 0, queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        let units = max(1, durationMs * configuration.clockRate / 1000)
        queue.append((event, units))
    }

    /// Drops the queue and ends the event being sent at its current length (its final packets
    /// still go out on the next ticks, so the far end sees a clean end).
    public mutating func cancel() {
        queue.removeAll(keepingCapacity: true)
        queueHead = 0
        if var current = sending, current.endsSent == 0 {
            current.total = max(current.elapsed, 1)
            sending = current
        }
    }

    /// Called once per packet time. `timestamp` is the RTP timestamp this tick's audio would
    /// carry; `sequenceNumber` is the stream's next sequence number. Returns the packet to send
    /// instead of audio (and advances `sequenceNumber`), or nil to send audio.
    public mutating func tick(timestamp: UInt32, sequenceNumber: inout UInt16) -> RTPPacket? {
        if sending == nil {
            guard gapTicks == 0 else {
                gapTicks -= 1
                return nil
            }
            guard queueHead < queue.count else { return nil }
            let next = queue[queueHead]
            queueHead += 1
            sending = Sending(
                event: next.event, segmentTimestamp: timestamp, segmentOffset: 0, elapsed: 0,
                total: next.duration, isFirstPacket: true, endsSent: 0
            )
        }
        guard var current = sending else { return nil }
        let eventTimestamp = current.segmentTimestamp
        let block = nextBlock(&current)
        let packet = RTPPacket(
            payloadType: configuration.payloadType,
            sequenceNumber: sequenceNumber,
            timestamp: eventTimestamp,
            ssrc: configuration.ssrc,
            marker: current.isFirstPacket,
            payload: block.serialized()
        )
        sequenceNumber &+= 1
        current.isFirstPacket = false
        if current.endsSent >= configuration.endRepeats {
            sending = nil
            let gapUnits = configuration.interDigitGapMs * configuration.clockRate / 1000
            gapTicks = (gapUnits + configuration.packetTime - 1) / configuration.packetTime
        } else {
            sending = current
        }
        return packet
    }

    /// The block for this tick (sent with the segment timestamp from before the call); moves
    /// segments along and counts final packets.
    private func nextBlock(_ current: inout Sending) -> TelephoneEvent {
        let volume = configuration.volume
        if current.endsSent > 0 {
            current.endsSent += 1
            let final = UInt16(clamping: current.total - current.segmentOffset)
            return TelephoneEvent(event: current.event, end: true, volume: volume, duration: final)
        }
        current.elapsed = min(current.elapsed + configuration.packetTime, current.total)
        let inSegment = current.elapsed - current.segmentOffset
        if inSegment > DTMFReceiver.segmentLength {
            // §2.5.1.3: report the full segment (no E bit), continue in a new one.
            let block = TelephoneEvent(event: current.event, end: false, volume: volume, duration: UInt16.max)
            current.segmentOffset += DTMFReceiver.segmentLength
            current.segmentTimestamp &+= UInt32(DTMFReceiver.segmentLength)
            return block
        }
        let ended = current.elapsed >= current.total
        if ended { current.endsSent = 1 }
        return TelephoneEvent(event: current.event, end: ended, volume: volume, duration: UInt16(clamping: inSegment))
    }
}
