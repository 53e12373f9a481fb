import RTP

/// A telephone-event packet for hand-written traces (PT 101 unless given).
func eventPacket(
    _ sequence: UInt16, ts: UInt32, event: UInt8, duration: UInt16, end: Bool = false,
    marker: Bool = false, ssrc: UInt32 = 0xCAFE_F00D, payloadType: UInt8 = 101, volume: UInt8 = 10
) -> RTPPacket {
    RTPPacket(
        payloadType: payloadType, sequenceNumber: sequence, timestamp: ts, ssrc: ssrc, marker: marker,
        payload: TelephoneEvent(event: event, end: end, volume: volume, duration: duration).serialized()
    )
}

/// The packets an RFC 4733 sender emits for one press, one per 20 ms tick: `updates` packets
/// with durations 160, 320, ... (marker on the first), then `ends` copies of the final packet.
func pressPackets(
    event: UInt8, ts: UInt32, firstSequence: UInt16, updates: Int, ends: Int = 3, step: Int = 160,
    marker: Bool = true, ssrc: UInt32 = 0xCAFE_F00D
) -> [RTPPacket] {
    var packets: [RTPPacket] = []
    var sequence = firstSequence
    for index in 1...max(1, updates) {
        packets.append(eventPacket(sequence, ts: ts, event: event, duration: UInt16(clamping: index * step),
                                   marker: marker && index == 1, ssrc: ssrc))
        sequence &+= 1
    }
    for _ in 0..<ends {
        packets.append(eventPacket(sequence, ts: ts, event: event, duration: UInt16(clamping: updates * step),
                                   end: true, ssrc: ssrc))
        sequence &+= 1
    }
    return packets
}

/// Drives a receiver tick by tick: in tick `i` (clock `start + 160·i`) the packets of
/// `ticks[i]` arrive, then `tick(now:)` runs. `quietTicks` more ticks follow with no packets.
/// Returns every action with the index of the tick that produced it.
func runReceiver(
    _ receiver: inout DTMFReceiver, ticks: [[RTPPacket]], quietTicks: Int = 10, start: UInt32 = 1_000_000
) -> [(tick: Int, action: DTMFAction)] {
    var actions: [(Int, DTMFAction)] = []
    for index in 0..<(ticks.count + quietTicks) {
        let now = start &+ UInt32(index * 160)
        if index < ticks.count {
            for packet in ticks[index] {
                actions += receiver.handle(packet, arrival: now).map { (index, $0) }
            }
        }
        actions += receiver.tick(now: now).map { (index, $0) }
    }
    return actions
}

/// One packet per tick.
func onePerTick(_ packets: [RTPPacket]) -> [[RTPPacket]] {
    packets.map { [$0] }
}

/// The completed digits among `actions`.
func digits(_ actions: [(tick: Int, action: DTMFAction)]) -> [DTMFDigit] {
    actions.compactMap(\.action.completedDigit)
}
