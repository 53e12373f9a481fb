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
    /// In-band detection, only when telephone-event was not negotiated (at the call's PCM rate).
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

    /// Whether in-band detection runs (telephone-event not negotiated); kept beside the detector
    /// so the tick does not copy the detector to ask.
    private(set) var detectsInband = false

    mutating func configure(_ audio: NegotiatedAudio, pcmRate: Int) {
        if audio.telephoneEventPayloadType == nil {
            // Tones are looked for in the PCM we decode (8 kHz G.711, 16 kHz G.722, 48 kHz Opus);
            // the detector reports times on the codec's RTP clock.
            let wanted = InbandDTMFDetector.Configuration(sampleRate: pcmRate, timestampRate: audio.clockRate)
            if inbandDetector?.configuration != wanted { inbandDetector = InbandDTMFDetector(configuration: wanted) }
        } else {
            inbandDetector = nil
        }
        detectsInband = inbandDetector != nil
        let rate = audio.telephoneEventClockRate
        if rate != clockRate || dtmf.configuration.packetTime != rate * audio.ptime / 1000 {
            clockRate = rate
            dtmf = DTMFReceiver(configuration: .init(clockRate: rate, packetTime: rate * audio.ptime / 1000))
        }
        // A renegotiation (resume from hold) restarts the media timeout.
        timeoutReported = false
    }

    /// One telephone-event packet, read in place.
    mutating func telephoneEvent(_ header: RTPHeader, payload: UnsafeRawBufferPointer, arrival: UInt32,
                                 emit: (MediaEvent) -> Void) {
        telephoneEventPackets += 1
        report(dtmf.handle(header, payload: payload, arrival: arrival), emit: emit)
    }

    /// Feeds one decoded frame (at the stream's PCM rate) to the in-band detector when it is on.
    mutating func inband(_ pcm: [Int16], timestamp: UInt32, emit: (MediaEvent) -> Void) {
        guard detectsInband else { return }
        let actions = pcm.withUnsafeBufferPointer { inbandDetector?.process($0, timestamp: timestamp) ?? [] }
        if !actions.isEmpty { report(actions, emit: emit) }
    }

    /// Once per tick with the loop's monotonic clock: ends telephone-events whose end packets were lost.
    mutating func tick(nowNanoseconds: UInt64, emit: (MediaEvent) -> Void) {
        let now = UInt32(truncatingIfNeeded: (nowNanoseconds / 1000) &* UInt64(clockRate) / 1_000_000)
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
