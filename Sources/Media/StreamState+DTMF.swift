import Codecs
import RTP

/// How digits go out on a stream: RFC 4733 telephone-events in the RTP stream (when the peer
/// negotiated them) or Q.23 tones in the audio (the fallback for peers that did not).
public enum DTMFSendMethod: String, Sendable, CaseIterable {
    case rfc4733
    case inband
}

/// Why a stream did not take digits to send.
public enum DigitSendError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A key that is not 0-9 * # A-D, a bad duration, or too many digits queued.
    case invalid(DTMFError)
    /// The stream cannot carry them now: not negotiated, on hold, no telephone-event, closed.
    case cannotSend(String)

    public var description: String {
        switch self {
        case .invalid(let error): error.description
        case .cannotSend(let reason): reason
        }
    }
}

extension MediaStream {
    /// Sends `digits` to the peer, `durationMs` each, one after the other, by `method` (nil: RFC
    /// 4733 when the peer negotiated telephone-event on the audio's clock, else in-band). While a
    /// digit plays it replaces the stream's own audio (a room's mix, a clip, a relay). `done`
    /// runs on the media thread with the method used once the digits are queued.
    public func sendDigits(_ digits: String, durationMs: Int = 100, method: DTMFSendMethod? = nil,
                           done: @escaping @Sendable (Result<DTMFSendMethod, DigitSendError>) -> Void = { _ in }) {
        let id = id
        loop.post { loop in
            guard let state = loop.stream(id) else { return done(.failure(.cannotSend("the stream is closed"))) }
            done(state.queueDigits(digits, durationMs: durationMs, method: method))
        }
    }

    /// Drops digits not yet sent; the one on the wire ends cleanly.
    public func cancelDigits() {
        withState { _, state in
            state.eventSender?.cancel()
            state.tonePlayer?.cancel()
        }
    }
}

extension StreamState {
    /// The method `auto` means for this negotiation.
    var preferredDigitMethod: DTMFSendMethod {
        guard let audio, audio.telephoneEventPayloadType != nil, audio.telephoneEventClockRate == wire.clockRate else {
            return .inband
        }
        return .rfc4733
    }

    /// Queues digits behind any still going out.
    func queueDigits(_ digits: String, durationMs: Int, method: DTMFSendMethod?) -> Result<DTMFSendMethod, DigitSendError> {
        guard configured, wire.sends, encoderFrameSize > 0 else {
            return .failure(.cannotSend("the stream is not sending (not negotiated, or on hold)"))
        }
        // Unasked, digits go the way of those still going out; events play before tones, so
        // tones asked for while events are out follow them.
        let chosen = method ?? (eventSender != nil ? .rfc4733 : tonePlayer != nil ? .inband : preferredDigitMethod)
        do throws(DTMFError) {
            switch chosen {
            case .rfc4733:
                guard let payloadType = wire.telephoneEventPayloadType else {
                    return .failure(.cannotSend("the peer did not negotiate telephone-event (RFC 4733)"))
                }
                var sender = eventSender ?? DTMFSender(configuration: .init(
                    payloadType: payloadType, ssrc: ssrc, clockRate: wire.clockRate,
                    packetTime: Int(wire.samplesPerFrame)))
                try sender.enqueue(digits, durationMs: durationMs)
                eventSender = sender
            case .inband:
                var player = tonePlayer ?? InbandDTMFPlayer(configuration: .init(sampleRate: sampleRate))
                try player.enqueue(digits, durationMs: durationMs)
                tonePlayer = player
            }
        } catch {
            return .failure(.invalid(error))
        }
        dtmfHoldsAudio = digitsSendOnNextTick
        return .success(chosen)
    }

    /// Whether the next tick's packet is a digit's (so that tick's own audio is held back).
    var digitsSendOnNextTick: Bool {
        if let eventSender { return eventSender.sendsOnNextTick }
        if let tonePlayer { return !tonePlayer.isIdle }
        return false
    }

    /// Sends this tick's digit packet; true when it did (the tick belongs to the digit). Sets
    /// the hold-back flag for the next tick and forgets an idle sender.
    func sendDigitsTick() -> Bool {
        guard canSend else {
            // On hold or renegotiated away: what was queued is not sent later out of context.
            eventSender = nil
            tonePlayer = nil
            dtmfHoldsAudio = false
            return false
        }
        var sent = false
        if var sender = eventSender {
            var next = sequence
            if let packet = sender.tick(timestamp: timestamp, sequenceNumber: &next) {
                sendEventPacket(packet)
                sent = true
            }
            eventSender = sender.isIdle ? nil : sender
        } else if var player = tonePlayer {
            let size = frameSize
            if dtmfFrame.count != size { dtmfFrame = [Int16](repeating: 0, count: size) }
            sent = dtmfFrame.withUnsafeMutableBufferPointer { player.render(into: $0) }
            if sent { sendToneFrame() }
            tonePlayer = player.isIdle ? nil : player
        }
        if sent {
            dtmfHoldsAudio = digitsSendOnNextTick
            // Audio after the digits starts a new talkspurt.
            markerPending = true
        }
        return sent
    }

    /// A telephone-event packet on our SSRC and sequence, with the event's own timestamp and marker.
    private func sendEventPacket(_ packet: RTPPacket) {
        scratch.payload.removeAll(keepingCapacity: true)
        scratch.payload.append(contentsOf: packet.payload)
        let audioTimestamp = timestamp
        outgoingPayloadType = packet.payloadType
        timestamp = packet.timestamp
        markerPending = packet.marker
        transmit()
        timestamp = audioTimestamp
        outgoingPayloadType = wire.payloadType
        stats.digitPacketsSent += 1
    }

    /// The tone frame, encoded with the stream's codec.
    private func sendToneFrame() {
        let size = frameSize
        scratch.payload.removeAll(keepingCapacity: true)
        do {
            try dtmfFrame.withUnsafeBufferPointer { pcm throws(CodecError) in
                try encoder?.encode(UnsafeBufferPointer(rebasing: pcm[0..<size]), into: &scratch.payload)
            }
        } catch {
            stats.unencodable += 1
            return
        }
        transmit()
        stats.digitPacketsSent += 1
    }
}
