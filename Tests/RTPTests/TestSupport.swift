import RTP

/// Bytes from annotated hex: whitespace is ignored and `#` starts a comment running to the end
/// of the line. Any other non-hex character is a mistake in the fixture and yields `[]`, which
/// makes the test using it fail loudly.
func hex(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var pending: UInt8?
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        let data = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        for character in data where !character.isWhitespace {
            guard let nibble = character.hexDigitValue else { return [] }
            if let high = pending {
                bytes.append(high << 4 | UInt8(nibble))
                pending = nil
            } else {
                pending = UInt8(nibble)
            }
        }
    }
    return pending == nil ? bytes : []
}

/// A small deterministic PRNG (SplitMix64) so fuzz and property tests replay exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// An audio packet whose payload names its sequence number, so tests can tell copies apart.
func audioPacket(_ sequence: UInt16, ssrc: UInt32 = 0x1234_5678) -> RTPPacket {
    RTPPacket(
        payloadType: 0,
        sequenceNumber: sequence,
        timestamp: UInt32(sequence) &* 160,
        ssrc: ssrc,
        payload: [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    )
}

/// One 20 ms tick of a recorded jitter-buffer trace: the packets that arrive during the tick,
/// then the sequence number the tick's single `pop()` must return (nil: nothing to play).
typealias Tick = (arrive: [UInt16], play: UInt16?)

/// Drives `buffer` through `trace` and returns what each tick played. `ssrcForTick` lets a
/// trace switch streams part-way. Popped packets must come back exactly as inserted.
@discardableResult
func playTrace(
    _ trace: [Tick],
    through buffer: inout JitterBuffer,
    ssrcForTick: (Int) -> UInt32 = { _ in 0x1234_5678 }
) -> [UInt16?] {
    var played: [UInt16?] = []
    var corrupted = 0
    for (index, tick) in trace.enumerated() {
        for sequence in tick.arrive {
            buffer.insert(audioPacket(sequence, ssrc: ssrcForTick(index)))
        }
        let packet = buffer.pop()
        if let packet, packet != audioPacket(packet.sequenceNumber, ssrc: packet.ssrc) {
            corrupted += 1
        }
        played.append(packet?.sequenceNumber)
    }
    return corrupted == 0 ? played : []
}
