import CMediaShims
import Codecs
import RTP
import SRTP

extension StreamState {
    /// Drains a socket in batches (recvmmsg). Returns false when it stopped after 4 full batches
    /// to stay fair to other streams: the socket may still hold packets (the loop comes back).
    /// `arrival` nil stamps packets with the time they were read.
    func receiveAll(using batch: ReceiveBatch, rtcpSocket: Bool, arrival stamp: UInt64?) -> Bool {
        for _ in 0..<4 {
            let n = batch.receive(rtcpSocket ? rtcpFD : fd)
            let arrival = stamp ?? pn_monotonic_ns()
            for i in 0..<n {
                if rtcpSocket {
                    handleRTCP(batch.mutableBytes(i))
                } else {
                    handle(batch.mutableBytes(i), from: batch.peer(i), arrivalNanoseconds: arrival)
                }
            }
            if n < batch.count { return true }
        }
        return false
    }

    /// One datagram on the RTP socket, read where it lies in the receive batch.
    func handle(_ bytes: UnsafeMutableRawBufferPointer, from: pn_addr_t, arrivalNanoseconds: UInt64) {
        guard configured else { return }
        if wire.rtcpMux, RTCPMux.classify(UnsafeRawBufferPointer(bytes)) == .rtcp {
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
        let datagram = UnsafeRawBufferPointer(rebasing: bytes[0..<min(max(0, length), bytes.count)])
        let header: RTPHeader
        do {
            header = try RTPHeader(parsing: datagram)
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
        let arrival = Self.rtpClock(arrivalNanoseconds, rate: wire.clockRate)
        receiver.lastPacketTick = ticks
        let payload = header.payload(in: datagram)
        if header.payloadType == wire.payloadType {
            reporter.didReceive(header, arrival: arrival)
            if relaying, let relayPeer {
                relayPeer.relay(header, payload: payload, telephoneEvent: false)
            } else {
                jitter.insert(header, payload: payload, arrival: arrival)
            }
        } else if header.payloadType == wire.telephoneEventPayloadType {
            receiver.telephoneEvent(header, payload: payload, arrival: arrival, emit: onEvent)
            if relaying, let relayPeer { relayPeer.relay(header, payload: payload, telephoneEvent: true) }
        } else if header.payloadType == wire.comfortNoisePayloadType {
            // RFC 3389: the peer went quiet. The CN packet keeps the sequence unbroken in the
            // jitter buffer and, when it plays, sets the level of the noise we render until speech.
            receiver.comfortNoisePackets += 1
            if !relaying {
                jitter.insert(header, payload: payload, arrival: arrival, isSilence: true, isComfortNoise: true)
            }
        }
    }

    func handleRTCP(_ bytes: UnsafeMutableRawBufferPointer) {
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

    /// First half of a tick (every stream, before rooms mix): pop and decode the jitter buffer,
    /// DTMF, media timeout, RTCP. `now` is the loop's monotonic clock for this tick.
    func receiveTick(now: UInt64) {
        guard configured else { return }
        ticks += 1
        // A relay partner that went away without telling us: decode our audio again.
        if relaying, relayPeer == nil { stopRelay() }
        if !relaying {
            decodeNextFrame(now: Self.rtpClock(now, rate: wire.clockRate))
            if decodedValid, receiver.detectsInband { receiver.inband(decoded, timestamp: timestamp, emit: onEvent) }
        } else {
            decodedValid = false
        }
        receiver.tick(nowNanoseconds: now, emit: onEvent)
        if mediaTimeoutTicks > 0, wire.expectsIncoming, ticks - receiver.lastPacketTick > mediaTimeoutTicks,
           !receiver.timeoutReported {
            receiver.timeoutReported = true
            onEvent(.mediaTimeout(id))
        }
        // RFC 3550 §6.2/§6.3.1: a short first interval, then about every 5 s, each interval drawn
        // from 0.5-1.5 times that so streams opened together do not all report in the same tick.
        if ticks >= nextReportTick {
            nextReportTick = ticks + Int.random(in: 125...375)
            sendReport()
        }
    }

    /// Pops the jitter buffer and decodes (or conceals, or renders comfort noise for) one frame
    /// into `decoded`; `decodedValid` says whether there is audio this tick.
    func decodeNextFrame(now: UInt32) {
        decodedValid = false
        guard hasDecoder else { return }
        decoded.removeAll(keepingCapacity: true)
        do {
            switch jitter.popFrame(now: now) {
            case .frame(let frame):
                if frame.isComfortNoise {
                    var level: UInt8?
                    jitter.withPlayedPayload { level = ComfortNoisePayload.level(in: $0) }
                    comfortNoise.setLevel(level ?? ComfortNoisePayload.quietestLevel)
                    comfortNoiseActive = true
                    renderComfortNoise()
                } else {
                    comfortNoiseActive = false
                    var failure: CodecError?
                    jitter.withPlayedPayload { raw in
                        do throws(CodecError) { try decoder?.decode(raw, into: &decoded) } catch { failure = error }
                    }
                    jitter.discardPlayedPayload()
                    if let failure { throw failure }
                }
            case .conceal:
                if comfortNoiseActive {
                    renderComfortNoise()
                } else {
                    // A missing frame mid-speech: the codec's concealment (G.711 Appendix I style, Opus PLC).
                    try decoder?.concealLoss(into: &decoded)
                }
            case .silence:
                guard comfortNoiseActive else { return }
                renderComfortNoise()
            }
            decodedValid = !decoded.isEmpty
        } catch {
            stats.undecodable += 1
        }
    }

    /// One frame of comfort noise at our PCM rate into `decoded`.
    private func renderComfortNoise() {
        comfortNoise.append(count: frame.count, to: &decoded)
    }
}
