import CMediaShims
import RTP

/// Receive-side bookkeeping of one stream besides audio: RFC 4733 digits, comfort noise, and the
/// last tick a packet arrived (for the media timeout). Loop thread only.
struct MediaReceiveState {
    struct Statistics: Sendable, Equatable {
        var digits = 0
        var telephoneEventPackets = 0
        var comfortNoisePackets = 0
    }

    let streamID: UInt64
    private var dtmf = DTMFReceiver()
    /// In-band detection, only when telephone-event was not negotiated and audio is 8 kHz.
    private var inbandDetector: InbandDTMFDetector?
    private var clockRate = 8000
    var lastPacketTick = 0
    var timeoutReported = false
    var comfortNoisePackets = 0
    private var telephoneEventPackets = 0
    private var digits = 0

    init(streamID: UInt64) {
        self.streamID = streamID
    }

    var statistics: Statistics {
        Statistics(digits: digits, telephoneEventPackets: telephoneEventPackets, comfortNoisePackets: comfortNoisePackets)
    }

    mutating func configure(_ audio: NegotiatedAudio, pcmRate: Int) {
        if audio.telephoneEventPayloadType == nil, pcmRate == 8000 {
            if inbandDetector == nil { inbandDetector = InbandDTMFDetector() }
        } else {
            inbandDetector = nil
        }
        let rate = audio.telephoneEventClockRate
        if rate != clockRate || dtmf.configuration.packetTime != rate * audio.ptime / 1000 {
            clockRate = rate
            dtmf = DTMFReceiver(configuration: .init(clockRate: rate, packetTime: rate * audio.ptime / 1000))
        }
        // A renegotiation (resume from hold) restarts the media timeout.
        timeoutReported = false
    }

    mutating func telephoneEvent(_ packet: RTPPacket, arrival: UInt32, emit: (MediaEvent) -> Void) {
        telephoneEventPackets += 1
        report(dtmf.handle(packet, arrival: arrival), emit: emit)
    }

    /// Feeds one decoded 8 kHz frame to the in-band detector when it is on.
    mutating func inband(_ pcm: [Int16], timestamp: UInt32, emit: (MediaEvent) -> Void) {
        guard inbandDetector != nil else { return }
        let actions = pcm.withUnsafeBufferPointer { inbandDetector?.process($0, timestamp: timestamp) ?? [] }
        report(actions, emit: emit)
    }

    mutating func tick(now ticks: Int, emit: (MediaEvent) -> Void) {
        let now = UInt32(truncatingIfNeeded: (pn_monotonic_ns() / 1000) &* UInt64(clockRate) / 1_000_000)
        report(dtmf.tick(now: now), emit: emit)
    }

    private mutating func report(_ actions: [DTMFAction], emit: (MediaEvent) -> Void) {
        for action in actions {
            if let digit = action.completedDigit {
                digits += 1
                emit(.dtmf(streamID, digit))
            }
        }
    }
}

import Foundation

extension NTPTimestamp {
    /// Wall-clock time for RTCP sender reports (read only by the media I/O shell, never by logic).
    static var now: NTPTimestamp {
        NTPTimestamp(sinceUnixEpoch: .nanoseconds(Int64(Date().timeIntervalSince1970 * 1e9)))
    }
}
