import CMediaShims
import Codecs
import Logging
import RTP
import SRTP

/// What a stream sends each tick.
public enum MediaSource: Sendable {
    case silence
    /// Send back what the peer sends (through the jitter buffer), re-stamped as our stream.
    case echo
    /// Play a clip (at the stream's PCM rate); at its end loop or report ``MediaEvent/playbackFinished(_:)``.
    case sound(SoundClip, loop: Bool)
    /// Send what another stream on the same loop receives (a two-party call), transcoded.
    case bridge(MediaStream)
}

/// The per-stream state a media loop owns: sockets, peer, SRTP, jitter buffer, codecs, source, RTP
/// clock and RTCP. Created on any thread, then handed to its loop and touched only on that thread
/// (hence unchecked Sendable).
///
/// Receive chain: SRTP unprotect → RTCP demux → parse → latch guard → statistics → jitter buffer
/// (audio) or DTMF receiver (telephone-event). Tick chain (every 20 ms): jitter buffer → decode →
/// source → encode → SRTP protect → send, plus an RTCP report every 5 s.
final class StreamState: @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    let rtcpFD: Int32
    let localPort: Int
    let logger: Logger
    let onEvent: @Sendable (MediaEvent) -> Void
    let mediaTimeoutTicks: Int

    private(set) var audio: NegotiatedAudio?
    /// The loop this stream is pinned to (set when added; for its packet counters).
    unowned(unsafe) var loop: MediaLoop?
    var stats = MediaStatistics()

    // Codec pipeline (PCM at `sampleRate`, mono).
    private var encoder: (any AudioEncoder)?
    private var decoder: (any AudioDecoder)?
    private(set) var sampleRate = 8000
    private var frame: [Int16] = []
    /// The last frame decoded (or concealed) from the peer, at `sampleRate`; read by a bridged partner.
    private(set) var decoded: [Int16] = []
    private(set) var decodedValid = false
    /// The partner stream when bridged (same loop), and a resampler when the two PCM rates differ.
    private weak var bridgePeer: StreamState?
    private var bridgeResampler: Resampler?
    private var bridged: [Int16] = []

    // Receive side.
    private var remote = pn_addr_t()
    private var remoteRTCP = pn_addr_t()
    private var latched: pn_addr_t?
    private var jitter = AdaptiveJitterBuffer()
    private let jitterDepth: Int
    private var srtp: SRTPSession?
    var receiver: MediaReceiveState

    // Send side.
    var source: MediaSource = .silence
    private var position = 0
    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequence = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    private var markerPending = true
    private var outgoing = RTPPacket(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0)
    private var sendBuffer = [UInt8](repeating: 0, count: 2048)
    private var reporter: RTCPReporter
    private var ticks = 0

    init(id: UInt64, fd: Int32, rtcpFD: Int32, localPort: Int, jitterDepth: Int, mediaTimeoutSeconds: Int,
         logger: Logger, onEvent: @escaping @Sendable (MediaEvent) -> Void) {
        self.id = id
        self.fd = fd
        self.rtcpFD = rtcpFD
        self.localPort = localPort
        self.jitterDepth = jitterDepth
        self.mediaTimeoutTicks = mediaTimeoutSeconds * 50
        self.logger = logger
        self.onEvent = onEvent
        reporter = RTCPReporter(ssrc: ssrc, cname: "parley-\(id)")
        receiver = MediaReceiveState(streamID: id)
        outgoing.ssrc = ssrc
        outgoing.payload.reserveCapacity(1500)
    }

    func configure(_ new: NegotiatedAudio) {
        var addr = pn_addr_t()
        if pn_parse_addr(new.remote.host, UInt16(clamping: new.remote.port), &addr) != 0 { addr = pn_addr_t() }
        // A new remote address (re-INVITE) drops the latch: symmetric RTP re-learns the source.
        if pn_addr_equal(&addr, &remote) == 0 { latched = nil }
        remote = addr
        var rtcpAddr = pn_addr_t()
        if pn_parse_addr(new.remoteRTCP.host, UInt16(clamping: new.remoteRTCP.port), &rtcpAddr) != 0 { rtcpAddr = pn_addr_t() }
        remoteRTCP = rtcpAddr
        if audio?.codec != new.codec || audio?.payloadType != new.payloadType || encoder == nil {
            buildCodecs(for: new)
            jitter = AdaptiveJitterBuffer(configuration: .init(
                clockRate: new.clockRate, packetTime: new.samplesPerFrame, minimumDelayMs: new.ptime,
                maximumDelayMs: 400, initialDelayMs: jitterDepth * new.ptime))
        }
        configureSRTP(new.srtp)
        receiver.configure(new, pcmRate: sampleRate)
        audio = new
        outgoing.payloadType = new.payloadType
    }

    private func buildCodecs(for audio: NegotiatedAudio) {
        let factory = CodecFactory()
        do {
            let enc = try factory.makeEncoder(for: audio.codec, frameDuration: audio.ptime)
            sampleRate = enc.sampleRate
            decoder = try factory.makeDecoder(for: audio.codec, sampleRate: enc.sampleRate, channels: 1)
            encoder = enc
            frame = [Int16](repeating: 0, count: enc.frameSize)
            decoded.reserveCapacity(enc.frameSize * 2)
        } catch {
            logger.error("cannot build codec \(audio.codec): \(error)")
            encoder = nil
            decoder = nil
        }
    }

    private func configureSRTP(_ keys: SRTPSessionKeys?) {
        guard let keys else {
            srtp = nil
            return
        }
        do {
            if srtp != nil {
                _ = try srtp?.rekey(to: keys)
            } else {
                srtp = try SRTPSession(keys: keys)
            }
        } catch {
            logger.error("cannot set up SRTP: \(error)")
            srtp = nil
        }
    }

    /// The counters with the jitter buffer's and RTCP's figures as of now.
    var liveStatistics: MediaStatistics {
        var live = stats
        live.jitter = jitter.statistics
        live.receive = receiver.statistics
        live.roundTripMilliseconds = reporter.roundTripTime.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }
        return live
    }

    func closeSocket() {
        stats.jitter = jitter.statistics
        stats.receive = receiver.statistics
        stats.roundTripMilliseconds = reporter.roundTripTime.map { Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000 }
        _ = pn_close(fd)
        if rtcpFD >= 0 { _ = pn_close(rtcpFD) }
    }

    // MARK: receive

    /// Drains a socket in batches (recvmmsg), at most 4 batches per wakeup to stay fair to other streams.
    func receiveAll(using batch: ReceiveBatch, rtcpSocket: Bool) {
        for _ in 0..<4 {
            let n = batch.receive(rtcpSocket ? rtcpFD : fd)
            let arrival = pn_monotonic_ns()
            for i in 0..<n {
                if rtcpSocket {
                    handleRTCP(batch.mutableBytes(i))
                } else {
                    handle(batch.mutableBytes(i), from: batch.peer(i), arrivalNanoseconds: arrival)
                }
            }
            if n < batch.count { return }
        }
    }

    private func handle(_ bytes: UnsafeMutableRawBufferPointer, from: pn_addr_t, arrivalNanoseconds: UInt64) {
        guard let audio else { return }
        if audio.rtcpMux, RTCPMux.classify(UnsafeRawBufferPointer(bytes)) == .rtcp {
            handleRTCP(bytes)
            return
        }
        var length = bytes.count
        if let srtp {
            do {
                length = try srtp.receiver.unprotectRTP(bytes, length: length)
            } catch {
                if stats.srtpFailures == 0 { logger.debug("SRTP unprotect failed", metadata: ["error": "\(error)"]) }
                stats.srtpFailures += 1
                return
            }
        }
        let packet: RTPPacket
        do {
            packet = try RTPPacket(parsing: UnsafeRawBufferPointer(rebasing: bytes[0..<length]))
        } catch {
            stats.malformedPackets += 1
            return
        }
        var source = from
        if var latched {
            // Once latched, only the latched peer feeds the stream (a stray sender cannot hijack it).
            guard pn_addr_equal(&latched, &source) != 0 else {
                stats.foreignPackets += 1
                return
            }
        } else {
            latched = from
        }
        stats.packetsReceived += 1
        loop?.receivedSinceTick &+= 1
        let arrival = rtpClock(arrivalNanoseconds, rate: audio.clockRate)
        receiver.lastPacketTick = ticks
        if packet.payloadType == audio.payloadType {
            _ = reporter.didReceive(packet, arrival: arrival)
            if let relayPeer {
                relayPeer.relay(packet, telephoneEvent: false)
            } else {
                jitter.insert(packet, arrival: arrival, isSilence: false)
            }
        } else if packet.payloadType == audio.telephoneEventPayloadType {
            receiver.telephoneEvent(packet, arrival: arrival, emit: onEvent)
            relayPeer?.relay(packet, telephoneEvent: true)
        } else if packet.payloadType == audio.comfortNoisePayloadType {
            // RFC 3389: the peer is silent; nothing to play, and not a media timeout.
            receiver.comfortNoisePackets += 1
        }
    }

    private func handleRTCP(_ bytes: UnsafeMutableRawBufferPointer) {
        var length = bytes.count
        if let srtp {
            do {
                length = try srtp.receiver.unprotectRTCP(bytes, length: length)
            } catch {
                // Too short to be SRTCP at all (keepalives, junk) is malformed, not an attack on the keys.
                if case .malformedPacket = error.kind {
                    stats.malformedRTCP += 1
                } else {
                    if stats.srtcpFailures == 0 { logger.debug("SRTCP unprotect failed", metadata: ["error": "\(error)"]) }
                    stats.srtcpFailures += 1
                }
                return
            }
        }
        guard let packets = try? RTCPPacket.packets(parsing: Array(bytes[0..<length])) else {
            stats.malformedRTCP += 1
            return
        }
        stats.rtcpReceived += 1
        _ = reporter.didReceive(packets, at: NTPTimestamp.now)
    }

    // MARK: send

    /// First half of a tick (every stream, before rooms mix): pop and decode the jitter buffer,
    /// DTMF, media timeout, RTCP.
    func receiveTick() {
        guard let audio else { return }
        ticks += 1
        if relayPeer == nil {
            decodeNextFrame(now: rtpClock(pn_monotonic_ns(), rate: audio.clockRate))
            if decodedValid { receiver.inband(decoded, timestamp: timestamp, emit: onEvent) }
        } else {
            decodedValid = false
        }
        receiver.tick(now: ticks, emit: onEvent)
        if mediaTimeoutTicks > 0, audio.expectsIncoming, ticks - receiver.lastPacketTick > mediaTimeoutTicks, !receiver.timeoutReported {
            receiver.timeoutReported = true
            onEvent(.mediaTimeout(id))
        }
        // RFC 3550 §6.2: a short first interval, then every 5 s.
        if ticks == 50 || ticks % 250 == 0 { sendReport() }
    }

    /// Second half of a tick (after rooms have sent their mixes): the stream's own source, then the
    /// RTP clock moves on by one frame.
    func sendTick() {
        guard let audio else { return }
        defer { timestamp &+= UInt32(audio.samplesPerFrame) }
        guard room == nil else { return }
        guard audio.sends, encoder != nil else {
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

    /// The room this stream is a member of (its loop's); the room then chooses what it sends.
    weak var room: RoomState?
    /// In a relaying two-party room: the partner that receives our audio packets as they are.
    weak var relayPeer: StreamState?
    private var relaySourceSSRC: UInt32?
    private var relayOffset: UInt32 = 0

    /// Whether the stream can send now (negotiated, not on hold towards us, has an encoder).
    var canSend: Bool { audio?.sends == true && encoder != nil }
    /// Frame length of our encoder at ``sampleRate``.
    var frameSize: Int { encoder?.frameSize ?? 0 }

    /// Encodes one frame at our PCM rate and sends it (a room's mix for this member).
    func sendFrame(_ pcm: UnsafeBufferPointer<Int16>) {
        guard canSend, let frameSize = encoder?.frameSize, pcm.count >= frameSize else { return }
        outgoing.payload.removeAll(keepingCapacity: true)
        do {
            try encoder?.encode(UnsafeBufferPointer(rebasing: pcm[0..<frameSize]), into: &outgoing.payload)
        } catch {
            stats.unencodable += 1
            return
        }
        send()
    }

    /// Encodes a frame without sending it (a room shares one G.711 encoding between listeners).
    func encodeOnly(_ pcm: UnsafeBufferPointer<Int16>, into payload: inout [UInt8]) -> Bool {
        guard let frameSize = encoder?.frameSize, pcm.count >= frameSize else { return false }
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
        outgoing.payload.removeAll(keepingCapacity: true)
        outgoing.payload.append(contentsOf: payload)
        send()
    }

    /// The room stopped sending to us for a tick (nobody to hear): the next packet starts a talkspurt.
    func markTalkspurt() { markerPending = true }

    /// A packet from the relay partner: re-stamped into our SSRC, sequence and timeline, sent as is.
    private func relay(_ packet: RTPPacket, telephoneEvent: Bool) {
        guard let audio, audio.sends else { return }
        let payloadType: UInt8
        if telephoneEvent {
            guard let pt = audio.telephoneEventPayloadType else { return }
            payloadType = pt
        } else {
            payloadType = audio.payloadType
        }
        if relaySourceSSRC != packet.ssrc {
            relaySourceSSRC = packet.ssrc
            relayOffset = timestamp &- packet.timestamp
            markerPending = true
        }
        outgoing.payload.removeAll(keepingCapacity: true)
        outgoing.payload.append(contentsOf: packet.payload)
        outgoing.payloadType = payloadType
        let saved = timestamp
        timestamp = packet.timestamp &+ relayOffset
        if packet.marker { markerPending = true }
        send()
        timestamp = saved
        outgoing.payloadType = audio.payloadType
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
        guard let size = encoder?.frameSize, bridged.count >= size else { return }
        encodeAndSend(Array(bridged.prefix(size)))
        bridged.removeFirst(size)
    }

    /// Pops the jitter buffer and decodes (or conceals) one frame into `decoded`; `decodedValid`
    /// says whether there is audio this tick.
    private func decodeNextFrame(now: UInt32) {
        decodedValid = false
        guard decoder != nil else { return }
        decoded.removeAll(keepingCapacity: true)
        do {
            switch jitter.pop(now: now) {
            case .packet(let packet):
                try packet.payload.withUnsafeBytes { raw throws(CodecError) in try decoder?.decode(raw, into: &decoded) }
            case .conceal:
                // A missing frame mid-speech: the codec's concealment (G.711 Appendix I style, Opus PLC).
                try decoder?.concealLoss(into: &decoded)
            case .silence:
                return
            }
            decodedValid = !decoded.isEmpty
        } catch {
            stats.undecodable += 1
        }
    }

    private func encodeAndSend(_ pcm: [Int16]) {
        guard let frameSize = encoder?.frameSize, pcm.count >= frameSize else { return }
        outgoing.payload.removeAll(keepingCapacity: true)
        do {
            try pcm.withUnsafeBufferPointer { buf throws(CodecError) in
                try encoder?.encode(UnsafeBufferPointer(rebasing: buf[0..<frameSize]), into: &outgoing.payload)
            }
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

    private func send() {
        var destination = latched ?? remote
        guard destination.family != 0, destination.port != 0 else { return }
        outgoing.marker = markerPending
        markerPending = false
        outgoing.sequenceNumber = sequence
        outgoing.timestamp = timestamp
        sequence &+= 1
        let sent: Int32? = sendBuffer.withUnsafeMutableBytes { buf -> Int32? in
            guard var length = outgoing.serialize(into: buf) else { return nil }
            if let srtp {
                do {
                    length = try srtp.sender.protectRTP(buf, length: length)
                } catch {
                    return nil
                }
            }
            return pn_sendto(fd, buf.baseAddress, length, &destination)
        }
        if let sent, sent > 0 {
            stats.packetsSent += 1
            reporter.didSend(payloadOctets: outgoing.payload.count)
            loop?.sentSinceTick &+= 1
        }
    }

    /// An RTCP sender/receiver report (RFC 3550 §6.4) to the peer's RTCP address (or RTP with rtcp-mux).
    private func sendReport() {
        guard let audio else { return }
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
        if audio.rtcpMux {
            destination = latched ?? remote
        } else {
            destination = remoteRTCP
        }
        guard destination.family != 0, destination.port != 0 else { return }
        let socket = audio.rtcpMux || rtcpFD < 0 ? fd : rtcpFD
        if bytes.withUnsafeBytes({ pn_sendto(socket, $0.baseAddress, length, &destination) }) > 0 { stats.rtcpSent += 1 }
    }

    /// The RTP clock at `rate` from the monotonic clock (via microseconds, so it cannot overflow).
    private func rtpClock(_ nanoseconds: UInt64, rate: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (nanoseconds / 1000) &* UInt64(rate) / 1_000_000)
    }

    func play(_ new: MediaSource, peer: StreamState? = nil) {
        source = new
        bridgePeer = peer
        position = 0
        markerPending = true
    }
}
