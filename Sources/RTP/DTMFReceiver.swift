/// Turns RFC 4733 telephone-event packets into key presses: exactly one ``DTMFDigit`` per press.
///
/// Feed it every packet of the negotiated telephone-event payload type (whatever its number) with
/// its arrival time in RTP timestamp units of the caller's clock, and call ``tick(now:)`` once per
/// packet time (the 20 ms media tick). It never reads a clock and never allocates for a packet
/// that changes nothing. Like baresip's receiver it has no timer of its own.
///
/// Rules (RFC 4733 §2.5.2):
/// - All packets of one event share its RTP timestamp, so the timestamp identifies the press: a
///   new timestamp is a new press even for the same key, the same one is never reported twice.
/// - The marker bit is not needed: the first packet seen for a timestamp starts the event, also
///   when the start packets were lost and it arrives mid-event or already ended.
/// - The E bit ends the event; its redundant copies (§2.5.1.4) and stragglers are ignored.
/// - Without an end packet, the event ends when a newer timestamp starts (an event change without
///   end, or a new press), when the SSRC changes, or on the tick where no update has arrived for
///   ``Configuration/timeoutPackets`` update intervals.
/// - An event longer than the 16-bit duration field continues as a new segment whose timestamp
///   is the old one plus 0xFFFF (§2.5.1.3); segments add up to one press.
/// - Only the first event block of a packet is read (§2.5.1.5 packing is not used for DTMF by
///   common senders). Events above 15 (flash and tones) are tracked but not reported.
public struct DTMFReceiver: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// The telephone-event clock rate from SDP (`a=rtpmap:101 telephone-event/8000`).
        public var clockRate: Int
        /// The expected interval between updates, in timestamp units (the stream's ptime).
        public var packetTime: Int
        /// Update intervals without news after which ``DTMFReceiver/tick(now:)`` ends an event.
        public var timeoutPackets: Int

        public init(clockRate: Int = 8000, packetTime: Int = 160, timeoutPackets: Int = 3) {
            self.clockRate = max(1, clockRate)
            self.packetTime = max(1, packetTime)
            self.timeoutPackets = max(1, timeoutPackets)
        }
    }

    /// Counters since creation.
    public struct Statistics: Sendable, Equatable {
        /// Packets passed to `handle`.
        public var packets = 0
        /// Payloads too short for a telephone-event block (dropped).
        public var malformed = 0
        /// Redundant end packets, stragglers of finished events and other packets that changed
        /// nothing (dropped).
        public var ignored = 0
        /// Digits reported.
        public var digits = 0
        /// Events ended by `tick` because their updates stopped.
        public var endedByTimeout = 0
        /// Events ended by a newer timestamp or another SSRC before any end packet arrived.
        public var endedByNewEvent = 0
        /// Long-event segments joined to the event before them (§2.5.1.3).
        public var segments = 0
        /// Completed events that are not DTMF (codes above 15): not reported.
        public var nonDTMFEvents = 0

        public init() {}
    }

    /// The event being received.
    struct Ongoing: Sendable {
        var ssrc: UInt32
        var event: UInt8
        /// Timestamp of the press (its first segment).
        var startTimestamp: UInt32
        /// Timestamp of the current segment.
        var segmentTimestamp: UInt32
        /// Units covered by the segments before the current one.
        var earlierSegments: Int
        /// Longest duration reported for the current segment.
        var duration: Int
        /// Arrival of the latest packet of this event.
        var lastUpdate: UInt32
        /// Largest duration step seen between updates, to scale the timeout for slow senders.
        var step: Int
    }

    /// Segment timestamps advance by exactly this much (§2.5.1.3).
    static let segmentLength = Int(UInt16.max)

    public let configuration: Configuration
    public private(set) var statistics = Statistics()
    var current: Ongoing?
    /// Timestamp of the newest event (segment) seen on `ssrc`; older ones are stale.
    var newestTimestamp: UInt32?
    /// Start timestamps of the last few presses, to tell a late copy of one of them from a new
    /// press on a timeline that jumped back.
    private var recentStarts: [UInt32] = []
    var ssrc: UInt32?

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The key currently held down, if any (for masking the tone or stopping a prompt).
    public var activeDigit: Character? {
        current.flatMap { DTMFDigit.character(for: $0.event) }
    }

    /// Handles one telephone-event packet that arrived at `arrival` (caller's clock, timestamp
    /// units). Returns what changed: usually nothing, a `keyDown` for a new press and one `digit`
    /// when a press ends.
    public mutating func handle(_ packet: RTPPacket, arrival: UInt32) -> [DTMFAction] {
        packet.payload.withUnsafeBytes { payload in
            handle(packet.header, payload: payload, arrival: arrival)
        }
    }

    /// Handles one telephone-event packet read in place: `header` and its `payload` (see
    /// ``handle(_:arrival:)``).
    public mutating func handle(_ packet: RTPHeader, payload: UnsafeRawBufferPointer, arrival: UInt32) -> [DTMFAction] {
        statistics.packets += 1
        guard let block = try? TelephoneEvent(parsing: payload) else {
            statistics.malformed += 1
            return []
        }
        var actions: [DTMFAction] = []
        if let known = ssrc, known != packet.ssrc {
            // A new stream (re-INVITE, new sender): its timestamps bear no relation to the old.
            if let ongoing = current {
                statistics.endedByNewEvent += 1
                finish(ongoing, into: &actions)
            }
            newestTimestamp = nil
            recentStarts.removeAll()
        }
        ssrc = packet.ssrc
        let timestamp = packet.timestamp

        if var ongoing = current {
            if timestamp == ongoing.segmentTimestamp {
                update(&ongoing, with: block, arrival: arrival, into: &actions)
                return actions
            }
            if recentStarts.contains(timestamp) {
                // A late copy of an earlier press arriving during this one.
                statistics.ignored += 1
                return actions
            }
            guard Serial.isNewer(timestamp, than: ongoing.segmentTimestamp) else {
                statistics.ignored += 1
                return actions
            }
            if continuesAsSegment(ongoing, timestamp: timestamp, block: block) {
                statistics.segments += 1
                ongoing.earlierSegments += Serial.distance(from: ongoing.segmentTimestamp, to: timestamp)
                ongoing.segmentTimestamp = timestamp
                ongoing.duration = 0
                newestTimestamp = timestamp
                recentStarts.append(timestamp)
                if recentStarts.count > 8 { recentStarts.removeFirst() }
                update(&ongoing, with: block, arrival: arrival, into: &actions)
                return actions
            }
            // §2.5.2.2: a new timestamp ends the previous event even without its end packet.
            statistics.endedByNewEvent += 1
            finish(ongoing, into: &actions)
        } else if recentStarts.contains(timestamp) {
            // A redundant end packet, or a late packet of a press already reported (whichever
            // way the timeline has moved since).
            statistics.ignored += 1
            return actions
        }
        // A timestamp that belongs to no recent press is a new press, even when it is older than
        // the newest: the sender's timeline jumped back (a restarted or replayed stream).
        start(with: block, packet: packet, arrival: arrival, into: &actions)
        return actions
    }

    /// Called once per packet time with the caller's clock: ends an event whose updates stopped
    /// (all end packets lost). Returns the completed digit, if any.
    public mutating func tick(now: UInt32) -> [DTMFAction] {
        guard let ongoing = current else { return [] }
        let quiet = Serial.distance(from: ongoing.lastUpdate, to: now)
        guard quiet >= timeout(for: ongoing) else { return [] }
        statistics.endedByTimeout += 1
        var actions: [DTMFAction] = []
        finish(ongoing, into: &actions)
        return actions
    }

    /// Forgets everything, reporting a press in progress (for example at hangup).
    public mutating func flush() -> [DTMFAction] {
        var actions: [DTMFAction] = []
        if let ongoing = current {
            statistics.endedByNewEvent += 1
            finish(ongoing, into: &actions)
        }
        newestTimestamp = nil
        ssrc = nil
        return actions
    }

    // MARK: - Internals

    private mutating func start(
        with block: TelephoneEvent, packet: RTPHeader, arrival: UInt32, into actions: inout [DTMFAction]
    ) {
        var ongoing = Ongoing(
            ssrc: packet.ssrc, event: block.event, startTimestamp: packet.timestamp,
            segmentTimestamp: packet.timestamp, earlierSegments: 0, duration: 0,
            lastUpdate: arrival, step: 0
        )
        newestTimestamp = packet.timestamp
        recentStarts.append(packet.timestamp)
        if recentStarts.count > 8 { recentStarts.removeFirst() }
        if let digit = DTMFDigit.character(for: block.event) {
            actions.append(.keyDown(digit: digit, event: block.event, startTimestamp: packet.timestamp))
        }
        update(&ongoing, with: block, arrival: arrival, into: &actions)
    }

    /// Applies a packet carrying the current segment's timestamp.
    private mutating func update(
        _ ongoing: inout Ongoing, with block: TelephoneEvent, arrival: UInt32, into actions: inout [DTMFAction]
    ) {
        guard block.event == ongoing.event else {
            // One timestamp, two events: not allowed by §2.5.1.1; keep the first.
            statistics.ignored += 1
            current = ongoing
            return
        }
        let duration = Int(block.duration)
        if duration > ongoing.duration {
            if ongoing.duration > 0 { ongoing.step = max(ongoing.step, duration - ongoing.duration) }
            ongoing.duration = duration
        }
        ongoing.lastUpdate = arrival
        if block.end {
            finish(ongoing, into: &actions)
        } else {
            current = ongoing
        }
    }

    /// §2.5.1.3: the same event, not ended, continuing at exactly one full segment later. A few
    /// packet times of slack allow senders that cut segments on a packet boundary.
    private func continuesAsSegment(_ ongoing: Ongoing, timestamp: UInt32, block: TelephoneEvent) -> Bool {
        guard block.event == ongoing.event else { return false }
        let distance = Serial.distance(from: ongoing.segmentTimestamp, to: timestamp)
        let slack = 4 * configuration.packetTime
        return distance <= Self.segmentLength && distance >= Self.segmentLength - slack
    }

    private func timeout(for ongoing: Ongoing) -> Int {
        let interval = max(configuration.packetTime, min(ongoing.step, 8 * configuration.packetTime))
        return configuration.timeoutPackets * interval
    }

    private mutating func finish(_ ongoing: Ongoing, into actions: inout [DTMFAction]) {
        current = nil
        let total = ongoing.earlierSegments + ongoing.duration
        guard let digit = DTMFDigit(
            event: ongoing.event, duration: total, clockRate: configuration.clockRate,
            startTimestamp: ongoing.startTimestamp, source: .rfc4733
        ) else {
            statistics.nonDTMFEvents += 1
            return
        }
        statistics.digits += 1
        actions.append(.digit(digit))
    }
}
