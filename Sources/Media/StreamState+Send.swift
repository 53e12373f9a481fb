import CMediaShims
import Codecs
import RTP
import SRTP

extension StreamState {
    /// Second half of a tick (after rooms have sent their mixes): the stream's own source, then the
    /// RTP clock moves on by one frame.
    func sendTick() {
        guard configured else { return }
        defer { timestamp &+= wire.samplesPerFrame }
        guard eventSender != nil || tonePlayer != nil else { return sendOwnAudio() }
        // Outgoing digits: a digit's tick sends the digit instead of audio; a tick between two
        // digits sends audio. The room sent (or held back) its mix for this tick already, by the
        // flag set at the end of the last tick.
        if sendDigitsTick() { return }
        dtmfHoldsAudio = false
        sendOwnAudio()
        dtmfHoldsAudio = digitsSendOnNextTick
    }

    /// The stream's own source for this tick (nothing while a room chooses what it sends).
    private func sendOwnAudio() {
        if inRoom, room != nil { return }
        guard wire.sends, encoderFrameSize > 0 else {
            markerPending = true
            return
        }
        switch source {
        case .silence:
            markerPending = true
        case .echo:
            guard decodedValid else {
                markerPending = true
                return
            }
            encodeAndSend(decoded)
        case .sound(let clip, let loop):
            fillFrame(from: clip, loop: loop)
            encodeAndSend(frame)
        case .bridge:
            guard let peer = bridgePeer, peer.decodedValid else {
                markerPending = true
                return
            }
            if peer.sampleRate == sampleRate {
                encodeAndSend(peer.decoded)
            } else {
                bridgeFrame(from: peer)
            }
        }
    }

    // MARK: rooms

    /// Whether the stream can send now (negotiated, not on hold towards us, has an encoder).
    var canSend: Bool { configured && wire.sends && encoderFrameSize > 0 }
    /// Frame length of our encoder at ``sampleRate``.
    var frameSize: Int { encoderFrameSize }

    /// Encodes one frame at our PCM rate and sends it (a room's mix for this member).
    func sendFrame(_ pcm: UnsafeBufferPointer<Int16>) {
        guard canSend else { return }
        encodeAndSend(pcm)
    }

    /// Encodes a frame without sending it (a room shares one G.711 encoding between listeners).
    func encodeOnly(_ pcm: UnsafeBufferPointer<Int16>, into payload: inout [UInt8]) -> Bool {
        let frameSize = encoderFrameSize
        guard frameSize > 0, pcm.count >= frameSize else { return false }
        payload.removeAll(keepingCapacity: true)
        do {
            try encoder?.encode(UnsafeBufferPointer(rebasing: pcm[0..<frameSize]), into: &payload)
        } catch {
            return false
        }
        return true
    }

    /// Sends an already encoded payload as our next packet.
    func sendPayload(_ payload: [UInt8]) {
        guard canSend else { return }
        scratch.payload.removeAll(keepingCapacity: true)
        scratch.payload.append(contentsOf: payload)
        send()
    }

    /// The room stopped sending to us for a tick (nobody to hear): the next packet starts a talkspurt.
    func markTalkspurt() { markerPending = true }

    /// A packet from the relay partner, read in place: re-stamped into our SSRC, sequence and
    /// timeline, and sent with its payload as is.
    func relay(_ header: RTPHeader, payload: UnsafeRawBufferPointer, telephoneEvent: Bool) {
        guard configured, wire.sends else { return }
        let payloadType: UInt8
        if telephoneEvent {
            guard let pt = wire.telephoneEventPayloadType else { return }
            payloadType = pt
        } else {
            payloadType = wire.payloadType
        }
        if relaySourceSSRC != header.ssrc {
            relaySourceSSRC = header.ssrc
            relayOffset = timestamp &- header.timestamp
            markerPending = true
        }
        scratch.payload.removeAll(keepingCapacity: true)
        scratch.payload.append(contentsOf: payload)
        outgoingPayloadType = payloadType
        let saved = timestamp
        timestamp = header.timestamp &+ relayOffset
        if header.marker { markerPending = true }
        send()
        timestamp = saved
        outgoingPayloadType = wire.payloadType
    }

    /// Leaves relay mode (a third member, a recording or a player joined): decode again from the
    /// next packet, with a fresh talkspurt.
    func stopRelay() {
        relayPeer = nil
        relaySourceSSRC = nil
        markerPending = true
    }

    /// Resamples the partner's frame to our rate (G.722 ↔ G.711, Opus ↔ G.711 ...) and sends it.
    private func bridgeFrame(from peer: StreamState) {
        do {
            if bridgeResampler?.inputRate != peer.sampleRate || bridgeResampler?.outputRate != sampleRate {
                bridgeResampler = try Resampler(from: peer.sampleRate, to: sampleRate)
            }
            try peer.decoded.withUnsafeBufferPointer { buf throws(CodecError) in try bridgeResampler?.process(buf, into: &bridged) }
        } catch {
            stats.unencodable += 1
            return
        }
        let size = encoderFrameSize
        guard size > 0, bridged.count >= size else { return }
        bridged.withUnsafeBufferPointer { encodeAndSend(UnsafeBufferPointer(rebasing: $0[0..<size])) }
        bridged.removeFirst(size)
    }

    private func encodeAndSend(_ pcm: [Int16]) {
        pcm.withUnsafeBufferPointer { encodeAndSend($0) }
    }

    private func encodeAndSend(_ pcm: UnsafeBufferPointer<Int16>) {
        let frameSize = encoderFrameSize
        guard frameSize > 0, pcm.count >= frameSize else { return }
        scratch.payload.removeAll(keepingCapacity: true)
        do {
            try encoder?.encode(UnsafeBufferPointer(rebasing: pcm[0..<frameSize]), into: &scratch.payload)
        } catch {
            stats.unencodable += 1
            return
        }
        send()
    }

    private func fillFrame(from clip: SoundClip, loop: Bool) {
        let samples = clip.samples
        for i in 0..<frame.count {
            if position >= samples.count {
                if loop && !samples.isEmpty {
                    position = 0
                } else {
                    frame[i] = 0
                    continue
                }
            }
            frame[i] = samples[position]
            position += 1
        }
        if !loop && position >= samples.count {
            source = .silence
            position = 0
            onEvent(.playbackFinished(id))
        }
    }

    /// Sends `scratch.payload` as our next audio packet, unless outgoing digits hold this tick's
    /// audio back (the digit's packet goes instead).
    private func send() {
        guard !dtmfHoldsAudio else { return }
        transmit()
    }

    /// Sends `scratch.payload` as our next packet: our SSRC, sequence number, timestamp and marker, SRTP
    /// when negotiated, to the latched source (symmetric RTP) or the negotiated address.
    func transmit() {
        var destination = latched ?? remote
        guard destination.family != 0, destination.port != 0 else { return }
        let header = RTPHeader(payloadType: outgoingPayloadType, sequenceNumber: sequence, timestamp: timestamp,
                               ssrc: ssrc, marker: markerPending)
        markerPending = false
        sequence &+= 1
        let scratch = scratch
        let wire = scratch.wire
        let payloadCount = scratch.payload.count
        guard let headerSize = header.serializeFixedHeader(into: wire),
              headerSize + payloadCount <= wire.count, let base = wire.baseAddress else { return }
        scratch.payload.withUnsafeBytes { payload in
            if let source = payload.baseAddress { (base + headerSize).copyMemory(from: source, byteCount: payloadCount) }
        }
        var length = headerSize + payloadCount
        if let srtp {
            do {
                length = try srtp.sender.protectRTP(wire, length: length)
            } catch {
                return
            }
        }
        if !transmitsPackets || pn_sendto(fd, base, length, &destination) > 0 {
            stats.packetsSent += 1
            reporter.didSend(payloadOctets: payloadCount)
            loop?.sentSinceTick &+= 1
        }
    }

    /// An RTCP sender/receiver report (RFC 3550 §6.4) to the peer's RTCP address (or RTP with rtcp-mux).
    func sendReport() {
        guard configured else { return }
        let report = reporter.makeReport(at: NTPTimestamp.now, rtpTimestamp: timestamp)
        var bytes = report.serialized()
        bytes.append(contentsOf: [UInt8](repeating: 0, count: 64))
        var length = bytes.count - 64
        if let srtp {
            do {
                length = try bytes.withUnsafeMutableBytes { buf throws(SRTPError) in try srtp.sender.protectRTCP(buf, length: length) }
            } catch {
                return
            }
        }
        var destination: pn_addr_t
        if wire.rtcpMux {
            destination = latched ?? remote
        } else {
            destination = remoteRTCP
        }
        guard destination.family != 0, destination.port != 0 else { return }
        let socket = wire.rtcpMux || rtcpFD < 0 ? fd : rtcpFD
        if bytes.withUnsafeBytes({ pn_sendto(socket, $0.baseAddress, length, &destination) }) > 0 { stats.rtcpSent += 1 }
    }
}
