import RTP

/// One packet arriving at an ``AdaptiveJitterBuffer`` at `at` (caller's clock, 8 kHz units).
struct Arrival {
    var packet: RTPPacket
    var at: UInt32
    var silent = false
}

/// An audio packet of a 20 ms stream: sequence `sequence`, timestamp `ts` (default 160 per
/// packet from `base`), payload naming the sequence number.
func streamPacket(
    _ sequence: UInt16, ts: UInt32? = nil, base: UInt32 = 0, ssrc: UInt32 = 0xA0A0_0001, marker: Bool = false
) -> RTPPacket {
    RTPPacket(
        payloadType: 0, sequenceNumber: sequence,
        timestamp: ts ?? base &+ UInt32(sequence) &* 160, ssrc: ssrc, marker: marker,
        payload: [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
    )
}

/// Drives a buffer tick by tick (clock `start + 160·k`): every arrival due by the tick is
/// inserted (in arrival order, ties in list order), then one pop. Records each output as a
/// token: the packet's sequence number, "c" for conceal, "s" for silence.
struct JitterSimulation {
    var buffer: AdaptiveJitterBuffer
    var tokens: [String] = []
    /// Largest delay reported after any pop, in ms.
    var largestDelayMs = 0.0
    /// Packets handed out, in order.
    var played: [RTPPacket] = []

    init(_ configuration: AdaptiveJitterBuffer.Configuration = .init()) {
        buffer = AdaptiveJitterBuffer(configuration: configuration)
    }

    mutating func run(_ arrivals: [Arrival], ticks: Int, start: UInt32 = 0) {
        let ordered = arrivals.enumerated().sorted {
            $0.element.at == $1.element.at ? $0.offset < $1.offset : $0.element.at < $1.element.at
        }.map(\.element)
        var index = 0
        for tick in 0..<ticks {
            let now = start &+ UInt32(tick * 160)
            while index < ordered.count, ordered[index].at <= now {
                buffer.insert(ordered[index].packet, arrival: ordered[index].at, isSilence: ordered[index].silent)
                index += 1
            }
            switch buffer.pop(now: now) {
            case .packet(let packet):
                tokens.append(String(packet.sequenceNumber))
                played.append(packet)
            case .conceal:
                tokens.append("c")
            case .silence:
                tokens.append("s")
            }
            largestDelayMs = max(largestDelayMs, buffer.statistics.currentDelayMs)
        }
    }
}

/// Tokens for "s" × n.
func silences(_ count: Int) -> [String] {
    Array(repeating: "s", count: count)
}

/// Tokens for the sequence numbers in `range`.
func plays(_ range: ClosedRange<Int>) -> [String] {
    range.map(String.init)
}

/// The parts of an expected token trace, joined (keeps the type checker fast).
func trace(_ parts: [String]...) -> [String] {
    parts.flatMap { $0 }
}
