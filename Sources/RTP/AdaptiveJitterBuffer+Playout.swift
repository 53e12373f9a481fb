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
    public mutating func pop(now: UInt32) -> Output {
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

    /// Plays, holds back or drops the buffered packet at the playout point.
    private mutating func playHead(now: UInt32, mayDrop: Bool) -> Output {
        guard let entry = slots[head] else { return underrun() }
        let timestamp = entry.packet.timestamp
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
        if entry.silent || entry.packet.marker { popsSinceSilence = 0 }
        if mayDrop, slots[(head + 1) % capacity] != nil, shouldDrop(entry, waited: waited, target: target) {
            counters.dropped += 1
            popsSinceShrink = 0
            discardHead(entry)
            return playHead(now: now, mayDrop: false)
        }
        if (entry.silent || entry.packet.marker), waited < target {
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
    private mutating func play(_ entry: Entry, now: UInt32?) -> Output {
        if let now { lastDelay = delay(of: entry.packet.timestamp, at: now) }
        discardHead(entry)
        anchored = true
        started = true
        emptyPops = 0
        counters.played += 1
        return .packet(entry.packet)
    }

    /// Removes the packet at the playout point and moves past it.
    private mutating func discardHead(_ entry: Entry) {
        slots[head] = nil
        count -= 1
        advanceHead(held: true)
        cursor = entry.packet.timestamp &+ UInt32(truncatingIfNeeded: configuration.packetTime)
    }

    /// Nothing buffered: stall (the due packet may be late, not lost) without moving playout.
    private mutating func underrun() -> Output {
        guard anchored else { return .silence }
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
            if slots[head] != nil {
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
