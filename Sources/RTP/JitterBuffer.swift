/// A fixed-depth jitter buffer for one RTP stream, driven entirely by its caller.
///
/// The caller ``insert(_:)``s packets as they arrive and calls ``pop()`` once per packet time
/// (the 20 ms media tick); the buffer never reads a clock. Ordering uses sequence numbers only
/// (wrap-aware, see ``Serial``); timestamps are passed through untouched.
///
/// Behaviour, tick by tick:
/// - **Priming.** After the first packet, a reset or an underrun, `pop` returns nil until
///   ``depth`` packets are buffered. While priming at the start of a stream, a reordered packet
///   older than the first one moves the playout point back instead of being late.
/// - **Playing.** `pop` returns the packet at the playout point and advances. If that packet is
///   missing but later ones are buffered, it returns nil, counts one `lost` and advances, so the
///   caller conceals exactly one frame. When playout resumes after priming, a gap at the playout
///   point is skipped at once (those frames elapsed while the buffer was empty).
/// - **Underrun.** `pop` on an empty buffer while playing returns nil, counts one `underruns`
///   and re-primes. The playout point stays, so packets older than it are still late.
/// - **Late.** A packet older than the playout point is dropped (its slot was played or given
///   up). A copy of a packet that already played also counts as late, not duplicate.
/// - **Overflow.** A packet that is newer than the playout point by ``capacity`` or more pushes
///   the playout point forward; buffered packets pushed out count as `overflowDropped`, empty
///   slots pushed out as `lost`. This bounds latency when the caller stops popping.
/// - **Reset.** A packet from a new SSRC, or more than ``capacity`` sequence numbers away from the
///   newest one seen (either direction), is held on probation (as in RFC 3550 Appendix A.1). If
///   the very next packet confirms it (same SSRC, within ``capacity`` of it), everything buffered
///   is discarded and the buffer restarts from those two packets; otherwise it is dropped as a
///   stray. A lone straggler or a stale packet from an old SSRC so never flushes a live stream.
public struct JitterBuffer: Sendable {
    /// The largest capacity honoured (82 s of 20 ms packets), far inside the 32768 sequence
    /// numbers that wrap-aware comparison can order.
    public static let maximumCapacity = 4096

    /// Packets buffered before playout (re)starts, in 1...capacity.
    public let depth: Int
    /// Slots in the ring: the most packets held, and the widest sequence span accepted.
    public let capacity: Int
    public private(set) var statistics = Statistics()
    /// Packets currently buffered.
    public private(set) var count = 0

    /// Ring of `capacity` slots; `slots[head]` holds sequence number `next`.
    private var slots: [RTPPacket?]
    private var head = 0
    /// The playout point: the sequence number `pop` returns next.
    private var next: UInt16 = 0
    /// The newest sequence number accepted since the last reset.
    private var highest: UInt16 = 0
    private var ssrc: UInt32 = 0
    /// A stream has been seen (the first packet syncs without counting a reset).
    private var synced = false
    /// Priming is over; `pop` hands out packets.
    private var playing = false
    /// Playout has begun since the last reset, so the playout point can no longer move back.
    private var started = false
    /// A packet outside the current stream, waiting for the next packet to confirm a restart.
    private var candidate: RTPPacket?

    public init(depth: Int = 3, capacity: Int = 50) {
        self.capacity = min(max(1, capacity), Self.maximumCapacity)
        self.depth = min(max(1, depth), self.capacity)
        slots = Array(repeating: nil, count: self.capacity)
    }

    /// True when `pop` hands out packets, false while priming.
    public var isPlaying: Bool { playing }

    /// Accepts one arriving packet. Never blocks or allocates beyond the packet itself.
    public mutating func insert(_ packet: RTPPacket) {
        statistics.received += 1
        guard synced else {
            restart(with: packet)
            return
        }
        if packet.ssrc == ssrc, abs(Serial.distance(from: highest, to: packet.sequenceNumber)) <= capacity {
            if candidate != nil {
                candidate = nil
                statistics.strays += 1
            }
            accept(packet)
            return
        }
        // Outside the current stream: restart only once the next packet confirms the new one.
        guard let pending = candidate, pending.ssrc == packet.ssrc else {
            if candidate != nil { statistics.strays += 1 }
            candidate = packet
            return
        }
        let distance = Serial.distance(from: pending.sequenceNumber, to: packet.sequenceNumber)
        if distance == 0 {
            statistics.duplicates += 1
        } else if abs(distance) <= capacity {
            candidate = nil
            statistics.resets += 1
            restart(with: pending)
            accept(packet)
        } else {
            statistics.strays += 1
            candidate = packet
        }
    }

    /// Files a packet of the current stream (same SSRC, within `capacity` of the newest).
    private mutating func accept(_ packet: RTPPacket) {
        let sequence = packet.sequenceNumber
        var offset = Serial.distance(from: next, to: sequence)
        if offset < 0 {
            // Before playout starts, an early packet may still fit behind the first one received.
            guard !started, Serial.distance(from: sequence, to: highest) < capacity else {
                statistics.late += 1
                return
            }
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
            statistics.duplicates += 1
            return
        }
        slots[index] = packet
        count += 1
        if Serial.isNewer(sequence, than: highest) {
            highest = sequence
        } else {
            statistics.reordered += 1
        }
    }

    /// Called once per tick: the packet to play now, or nil (priming, a lost packet, underrun).
    public mutating func pop() -> RTPPacket? {
        guard synced else { return nil }
        if !playing {
            guard count >= depth else { return nil }
            playing = true
            started = true
            skipGapAtPlayoutPoint()
        }
        guard count > 0 else {
            statistics.underruns += 1
            playing = false
            return nil
        }
        let packet = slots[head]
        slots[head] = nil
        head = (head + 1) % capacity
        next &+= 1
        guard let packet else {
            statistics.lost += 1
            return nil
        }
        count -= 1
        return packet
    }

    /// Forgets the stream (for example after a re-INVITE); the next packet starts a new one.
    /// Statistics are kept and this is not counted in `resets`.
    public mutating func removeAll() {
        clearSlots()
        candidate = nil
        synced = false
        playing = false
        started = false
    }

    // MARK: - Internals

    private mutating func restart(with packet: RTPPacket) {
        clearSlots()
        next = packet.sequenceNumber
        highest = packet.sequenceNumber
        ssrc = packet.ssrc
        synced = true
        playing = false
        started = false
        slots[head] = packet
        count = 1
    }

    private mutating func clearSlots() {
        if count > 0 {
            for index in slots.indices { slots[index] = nil }
        }
        count = 0
        head = 0
    }

    /// Moves the playout point forward `steps` slots, dropping whatever they hold.
    private mutating func advancePlayout(by steps: Int) {
        for _ in 0..<steps {
            if slots[head] != nil {
                slots[head] = nil
                count -= 1
                statistics.overflowDropped += 1
            } else {
                statistics.lost += 1
            }
            head = (head + 1) % capacity
            next &+= 1
        }
    }

    /// Skips empty slots up to the first buffered packet (requires `count > 0` to move at all).
    private mutating func skipGapAtPlayoutPoint() {
        guard count > 0 else { return }
        var skipped = 0
        while slots[head] == nil, skipped < capacity {
            statistics.lost += 1
            head = (head + 1) % capacity
            next &+= 1
            skipped += 1
        }
    }
}
