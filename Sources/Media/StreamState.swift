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
/// Receive chain (StreamState+Receive): SRTP unprotect in place → RTCP demux → header parsed in
/// place → latch guard → statistics → jitter buffer (audio, comfort noise) or DTMF receiver
/// (telephone-event). Tick chain (every 20 ms): jitter buffer → decode, conceal or comfort noise →
/// in-band DTMF → source → encode → SRTP protect → send (StreamState+Send), plus an RTCP report
/// every 5 s. Nothing on the per-packet path allocates: payloads stay in the loop's receive
/// buffers until the jitter buffer copies them into its recycled storage.
final class StreamState: @unchecked Sendable {
    /// The negotiated values the per-packet path reads, copied out of ``audio`` once per
    /// negotiation (copying the whole description per packet costs reference counting).
    struct Wire {
        var payloadType: UInt8 = 0
        var telephoneEventPayloadType: UInt8?
        var comfortNoisePayloadType: UInt8?
        var clockRate = 8000
        var samplesPerFrame: UInt32 = 160
        var sends = false
        var expectsIncoming = false
        var rtcpMux = false
    }

    let id: UInt64
    let fd: Int32
    let rtcpFD: Int32
    let localPort: Int
    let logger: Logger
    let onEvent: @Sendable (MediaEvent) -> Void
    let mediaTimeoutTicks: Int
    /// The stream's place in its loop's slot table (its epoll token), set by the loop.
    var slot = -1

    private(set) var audio: NegotiatedAudio?
    /// ``audio``'s per-packet values; `configured` is false until the first negotiation.
    var wire = Wire()
    var configured = false
    /// The loop this stream is pinned to (set when added; for its packet counters).
    unowned(unsafe) var loop: MediaLoop?
    var stats = MediaStatistics()

    // Codec pipeline (PCM at `sampleRate`, mono).
    /// Set only by `buildCodecs`, which keeps `encoderFrameSize` and `hasDecoder` in step (no
    /// observers: codecs are mutated in place every tick).
    var encoder: (any AudioEncoder)?
    var decoder: (any AudioDecoder)?
    /// `encoder?.frameSize ?? 0` and `decoder != nil`: asking the optional existentials copies
    /// them (a retain of the codec) on every tick.
    private(set) var encoderFrameSize = 0
    private(set) var hasDecoder = false
    private(set) var sampleRate = 8000
    var frame: [Int16] = []
    /// The last frame decoded (or concealed, or comfort noise) from the peer, at `sampleRate`;
    /// read by a bridged partner and by the room.
    var decoded: [Int16] = []
    var decodedValid = false
    /// The partner stream when bridged (same loop), and a resampler when the two PCM rates differ.
    weak var bridgePeer: StreamState?
    var bridgeResampler: Resampler?
    var bridged: [Int16] = []

    // Receive side.
    var remote = pn_addr_t()
    var remoteRTCP = pn_addr_t()
    var latched: pn_addr_t?
    var jitter = AdaptiveJitterBuffer()
    let jitterDepth: Int
    var srtp: SRTPSession?
    var receiver: MediaReceiveState
    /// Comfort noise (RFC 3389): on from a CN frame until the next speech frame.
    var comfortNoise: ComfortNoiseGenerator
    var comfortNoiseActive = false

    // Send side.
    var source: MediaSource = .silence
    var position = 0
    let ssrc = UInt32.random(in: 1...UInt32.max)
    var sequence = UInt16.random(in: 0...UInt16.max)
    var timestamp = UInt32.random(in: 0...UInt32.max)
    var markerPending = true
    /// The next packet's payload type; the payload is built in `scratch.payload` and the header
    /// written straight into `scratch.wire`.
    var outgoingPayloadType: UInt8 = 0
    /// Send buffers: our own until a loop shares its set with us.
    var scratch = MediaScratch()
    var reporter: RTCPReporter
    var ticks = 0
    /// The tick of our next RTCP report: the first after about one second.
    var nextReportTick = Int.random(in: 40...60)
    /// False only in the packet-path benchmark and allocation test: everything but the `sendto`.
    var transmitsPackets = true
    /// Digits going out (StreamState+DTMF): RFC 4733 events or in-band tones, and whether this
    /// tick's own audio gives way to them.
    var eventSender: DTMFSender?
    var tonePlayer: InbandDTMFPlayer?
    var dtmfFrame: [Int16] = []
    var dtmfHoldsAudio = false

    // Rooms: the room this stream is a member of (its loop's); the room then chooses what it sends.
    weak var room: RoomState? {
        didSet {
            inRoom = room != nil
            sendsAlone = !inRoom && !bridging
        }
    }
    /// Our source is `.bridge` (reads a partner's decoded frame when sending).
    private var bridging = false {
        didSet { sendsAlone = !inRoom && !bridging }
    }
    /// In a relaying two-party room: the partner that receives our audio packets as they are.
    weak var relayPeer: StreamState? {
        didSet {
            let now = relayPeer != nil
            guard now != relaying else { return }
            relaying = now
            loop?.relayingChanged(self)
        }
    }
    /// Mirrors of `room != nil` and `relayPeer != nil`, so the per-packet path loads no weak
    /// reference unless it needs one.
    private(set) var inRoom = false
    private(set) var relaying = false
    /// The loop watches our RTP socket itself (we relay) rather than polling it on the tick.
    var watchedImmediately = false
    /// Our send tick depends on nobody else's receive tick (no room, no bridge source), so the
    /// loop may run it right after our receive tick.
    private(set) var sendsAlone = true
    var relaySourceSSRC: UInt32?
    var relayOffset: UInt32 = 0

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
        comfortNoise = ComfortNoiseGenerator(seed: id &* 0x9E37_79B9_7F4A_7C15 | 1)
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
        if audio?.codec != new.codec || audio?.payloadType != new.payloadType || encoderFrameSize == 0 {
            buildCodecs(for: new)
            jitter = AdaptiveJitterBuffer(configuration: .init(
                clockRate: new.clockRate, packetTime: new.samplesPerFrame, minimumDelayMs: new.ptime,
                maximumDelayMs: 400, initialDelayMs: jitterDepth * new.ptime))
            comfortNoiseActive = false
        }
        configureSRTP(new.srtp)
        receiver.configure(new, pcmRate: sampleRate)
        audio = new
        wire = Self.wire(for: new)
        configured = true
        outgoingPayloadType = new.payloadType
    }

    /// The per-packet values of a negotiation. Static payload type 13 is CN/8000 (RFC 3551) and
    /// is understood on an 8 kHz RTP clock even when the SDP did not list it.
    static func wire(for audio: NegotiatedAudio) -> Wire {
        var wire = Wire()
        wire.payloadType = audio.payloadType
        wire.telephoneEventPayloadType = audio.telephoneEventPayloadType
        let staticCN = ComfortNoisePayload.staticPayloadType
        if let cn = audio.comfortNoisePayloadType {
            wire.comfortNoisePayloadType = cn
        } else if audio.clockRate == 8000, audio.payloadType != staticCN, audio.telephoneEventPayloadType != staticCN {
            wire.comfortNoisePayloadType = staticCN
        }
        wire.clockRate = audio.clockRate
        wire.samplesPerFrame = UInt32(clamping: audio.samplesPerFrame)
        wire.sends = audio.sends
        wire.expectsIncoming = audio.expectsIncoming
        wire.rtcpMux = audio.rtcpMux
        return wire
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
        encoderFrameSize = encoder?.frameSize ?? 0
        hasDecoder = decoder != nil
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

    /// The RTP clock at `rate` from the monotonic clock (via microseconds, so it cannot overflow).
    static func rtpClock(_ nanoseconds: UInt64, rate: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: (nanoseconds / 1000) &* UInt64(rate) / 1_000_000)
    }

    func play(_ new: MediaSource, peer: StreamState? = nil) {
        source = new
        if case .bridge = new { bridging = true } else { bridging = false }
        bridgePeer = peer
        position = 0
        markerPending = true
    }
}
