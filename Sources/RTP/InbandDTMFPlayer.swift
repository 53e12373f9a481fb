/// Plays queued key presses as Q.23 dual tones into a stream's outgoing audio, one frame per
/// tick: for peers that did not negotiate telephone-events (RFC 4733 §1: in-band is the
/// fallback). Each press is `durationMs` of tone followed by ``Configuration/gapMs`` of silence,
/// so a detector sees separate presses of the same key.
///
/// The player never reads a clock: call ``render(into:)`` once per tick with the frame to fill;
/// it returns false once nothing is playing (send the stream's own audio then). While it
/// returns true the frame is the whole outgoing audio: the stream's own audio is replaced, not
/// mixed (a mixed voice would make the detector's twist and talk-off checks fail).
public struct InbandDTMFPlayer: Sendable {
    public struct Configuration: Sendable, Equatable {
        public var sampleRate: Int
        /// Level per tone in dBm0 (Q.24 senders use about −4 to −10).
        public var level: Double
        /// Silence after each press.
        public var gapMs: Int
        /// Presses that may wait.
        public var queueLimit: Int

        public init(sampleRate: Int = 8000, level: Double = -7, gapMs: Int = 60, queueLimit: Int = 64) {
            self.sampleRate = max(1, sampleRate)
            self.level = level
            self.gapMs = max(0, gapMs)
            self.queueLimit = max(1, queueLimit)
        }
    }

    public let configuration: Configuration
    var queue: [(digit: Character, samples: Int)] = []
    var queueHead = 0
    /// The tone being played and the samples of it still to come.
    var tone: DTMFToneGenerator?
    var toneLeft = 0
    /// Samples of silence still owed after the last press.
    var gapLeft = 0

    public init(configuration: Configuration) {
        self.configuration = configuration
    }

    /// True when no tone, gap or press is pending.
    public var isIdle: Bool { toneLeft == 0 && gapLeft == 0 && queueHead == queue.count }

    /// Presses waiting (not counting the one playing).
    public var queuedCount: Int { queue.count - queueHead }

    /// Queues every key of `digits` for `durationMs` each (all checked before any is queued).
    public mutating func enqueue(_ digits: String, durationMs: Int = 100) throws(DTMFError) {
        guard durationMs > 0, durationMs <= DTMFSender.maximumDurationMs else {
            throw DTMFError(.badDuration, "\(durationMs) ms, must be 1...\(DTMFSender.maximumDurationMs)")
        }
        var keys: [Character] = []
        for digit in digits {
            guard let event = DTMFDigit.event(for: digit), let key = DTMFDigit.character(for: event) else {
                throw DTMFError(.unknownDigit, "'\(digit)' in \"\(digits)\" is not a DTMF key")
            }
            keys.append(key)
        }
        guard queuedCount + keys.count <= configuration.queueLimit else {
            throw DTMFError(.queueFull, "\(keys.count) digits on top of \(queuedCount) queued, limit \(configuration.queueLimit)")
        }
        if queueHead > 0, queueHead == queue.count {
            queue.removeAll(keepingCapacity: true)
            queueHead = 0
        }
        let samples = max(1, durationMs * configuration.sampleRate / 1000)
        for key in keys { queue.append((key, samples)) }
    }

    /// Drops the queue and cuts the tone playing (the gap after it still plays).
    public mutating func cancel() {
        queue.removeAll(keepingCapacity: true)
        queueHead = 0
        if toneLeft > 0 {
            toneLeft = 0
            tone = nil
            gapLeft = configuration.gapMs * configuration.sampleRate / 1000
        }
    }

    /// Fills `out` with this tick's tone or silence; false (and `out` untouched) when idle.
    public mutating func render(into out: UnsafeMutableBufferPointer<Int16>) -> Bool {
        guard !isIdle else { return false }
        var index = 0
        // Bounded: each pass consumes samples or starts the next press; at most one press per sample.
        while index < out.count {
            if toneLeft > 0, var generator = tone {
                let count = min(toneLeft, out.count - index)
                generator.render(into: UnsafeMutableBufferPointer(rebasing: out[index..<index + count]))
                tone = generator
                toneLeft -= count
                index += count
                if toneLeft == 0 {
                    tone = nil
                    gapLeft = configuration.gapMs * configuration.sampleRate / 1000
                }
            } else if gapLeft > 0 {
                let count = min(gapLeft, out.count - index)
                for i in index..<index + count { out[i] = 0 }
                gapLeft -= count
                index += count
            } else if queueHead < queue.count {
                let next = queue[queueHead]
                queueHead += 1
                tone = try? DTMFToneGenerator(digit: next.digit, level: configuration.level,
                                              sampleRate: configuration.sampleRate)
                toneLeft = tone == nil ? 0 : next.samples
            } else {
                for i in index..<out.count { out[i] = 0 }
                index = out.count
            }
        }
        return true
    }
}
