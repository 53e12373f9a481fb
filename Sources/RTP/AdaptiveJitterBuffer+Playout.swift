extension AdaptiveJitterBuffer {
    /// The delay the buffer aims for, in timestamp units.
    var targetDelay: Int {
        let fromJitter = Int(configuration.jitterFactor * estimator.jitter)
        let wanted = max(estimator.peak, fromJitter) + configuration.packetTime / 2
        return min(max(wanted, minimumDelay), maximumDelay)
    }

    /// How long a frame with timestamp `timestamp` has waited beyond the fastest recent transit
    /// if it plays at `now`.
    func delay(of timestamp: UInt32, at now: UInt32) -> Int {
        Int(Int32(bitPattern: now &- timestamp &- estimator.reference)) - estimator.minimum
    }

    /// Called once per tick with the caller's clock: what to play for the next packet time.
    /// The `RTPPacket` face of ``popFrame(now:)`` (it copies the payload out).
    public mutating func pop(now: UInt32) -> Output {
        switch popFrame(now: now) {
        case .frame(let frame):
            var payload: [UInt8] = []
            withPlayedPayload { payload = Array($0) }
            var packet = RTPPacket(payloadType: frame.payloadType, sequenceNumber: frame.sequenceNumber,
                                   timestamp: frame.timestamp, ssrc: frame.ssrc, marker: frame.marker, payload: payload)
            packet.paddingLength = playedPadding
            return .packet(packet)
        case .conceal: return .conceal
        case .silence: return .silence
        }
    }

    /// Called once per tick with the caller's clock: what to play for the next packet time. A
    /// played frame's payload is readable through ``withPlayedPayload(_:)`` until the next
    /// insert, pop or `removeAll`. Allocates nothing.
    public mutating func popFrame(now: UInt32) -> Playout {
        releasePlayed()
        if popsSinceShrink < Int.max / 2 { popsSinceShrink += 1 }
        if popsSinceSilence < Int.max / 2 { popsSinceSilence += 1 }
        guard synced else { return .silence }
        guard slots[head] != nil else {
            guard count > 0 else { return underrun() }
            // Due, missing, and later packets are here: it is lost.
            counters.lost += 1
            counters.concealed += 1
            advanceHead(held: false)
            cursor &+= UInt32(truncatingIfNeeded: configuration.packetTime)
            return .conceal
        }
        return playHead(now: now, mayDrop: true)
    }

    /// Runs `body` over the payload of the frame ``popFrame(now:)`` returned last (empty when
    /// the last pop played no frame). Mutating and not generic on purpose: a caller holding the
    /// buffer in a class then neither copies the buffer nor looks up generic metadata per frame.
    public mutating func withPlayedPayload(_ body: (UnsafeRawBufferPointer) -> Void) {
        pool.withBytes(playedBlock, count: playedCount, body)
    }

    /// Gives the played frame's storage back now (it would be at the next insert or pop): the
    /// caller is done with the payload, and recycling it while it is still in cache is cheaper.
    public mutating func discardPlayedPayload() {
        releasePlayed()
    }

    /// Plays, holds back or drops the buffered packet at the playout point.
    private mutating func playHead(now: UInt32, mayDrop: Bool) -> Playout {
        guard let entry = slots[head] else { return underrun() }
        let timestamp = entry.timestamp
        if let boundary = epochBoundary {
            if Serial.distance(from: next, to: boundary) > 0 {
                return play(entry, now: nil)  // the old epoch's timing no longer applies
            }
            epochBoundary = nil
            anchored = false
        }
        let waited = delay(of: timestamp, at: now)
        let target = targetDelay
        guard anchored, timestamp == cursor else {
            // Stream start, talkspurt after a gap, new epoch: play once it has waited the target.
            let behind = anchored && Serial.isNewer(cursor, than: timestamp)
            return behind || waited >= target ? play(entry, now: now) : .silence
        }
        let packetTime = configuration.packetTime
        if entry.silent || entry.marker { popsSinceSilence = 0 }
        if mayDrop, slots[(head + 1) % capacity] != nil, shouldDrop(entry, waited: waited, target: target) {
            counters.dropped += 1
            popsSinceShrink = 0
            discardHead(entry)
            pool.release(entry.block)
            return playHead(now: now, mayDrop: false)
        }
        if (entry.silent || entry.marker), waited < target {
            counters.inserted += 1
            return .silence
        }
        if waited < target - packetTime {
            counters.inserted += 1
            counters.concealed += 1
            return .conceal
        }
        return play(entry, now: now)
    }

    private func shouldDrop(_ entry: Entry, waited: Int, target: Int) -> Bool {
        let packetTime = configuration.packetTime
        if waited >= maximumDelay + packetTime { return true }
        // Drops and insertions leave a band of 1.5 packet times around the target, so a
        // target that wobbles by less than half a packet time never makes them alternate.
        let band = packetTime + packetTime / 2
        if entry.silent, waited >= target + band, popsSinceShrink >= configuration.silenceShrinkInterval {
            return true
        }
        let forcedMargin = configuration.units(configuration.forcedShrinkMargin)
        return waited >= target + max(forcedMargin, band)
            && popsSinceShrink >= configuration.forcedShrinkInterval
            && popsSinceSilence >= configuration.forcedShrinkAfterSpeech
    }

    /// Hands out the packet at the playout point; `now` nil skips measuring its delay.
    private mutating func play(_ entry: Entry, now: UInt32?) -> Playout {
        if let now { lastDelay = delay(of: entry.timestamp, at: now) }
        discardHead(entry)
        playedBlock = entry.block
        playedCount = Int(entry.payloadCount)
        playedPadding = entry.paddingLength
        pausedForComfortNoise = entry.comfortNoise
        anchored = true
        started = true
        emptyPops = 0
        counters.played += 1
        return .frame(entry.frame)
    }

    /// Removes the packet at the playout point and moves past it (its block stays with the caller).
    private mutating func discardHead(_ entry: Entry) {
        slots[head] = nil
        count -= 1
        advanceHead(held: true)
        cursor = entry.timestamp &+ UInt32(truncatingIfNeeded: configuration.packetTime)
    }

    /// Nothing buffered: stall (the due packet may be late, not lost) without moving playout.
    private mutating func underrun() -> Playout {
        // After comfort noise the sender may stay quiet as long as it likes (RFC 3389 §4).
        guard anchored, !pausedForComfortNoise else { return .silence }
        emptyPops += 1
        if emptyPops == 1 { counters.underruns += 1 }
        guard emptyPops <= configuration.concealLimit else { return .silence }
        counters.concealed += 1
        return .conceal
    }

    mutating func advanceHead(held: Bool) {
        head = (head + 1) % capacity
        next &+= 1
        history = history << 1 | (held ? 1 : 0)
    }

    /// Moves the playout point forward `steps` slots because a packet arrived `capacity` or more
    /// ahead of it (the caller stopped popping); whatever those slots held is dropped.
    mutating func advancePlayout(by steps: Int) {
        for _ in 0..<max(0, steps) {
            if let entry = slots[head] {
                pool.release(entry.block)
                slots[head] = nil
                count -= 1
                counters.overflowDropped += 1
                advanceHead(held: true)
            } else {
                counters.lost += 1
                advanceHead(held: false)
            }
            cursor &+= UInt32(truncatingIfNeeded: configuration.packetTime)
        }
    }
}
