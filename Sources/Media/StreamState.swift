import CMediaShims
import Codecs
import Logging
import RTP

/// What a stream sends each tick.
public enum MediaSource: Sendable {
    case silence
    /// Send back what the peer sends (through the jitter buffer), re-stamped as our stream.
    case echo
    /// Play a clip at the stream's clock rate; at its end loop or report ``MediaEvent/playbackFinished(_:)``.
    case sound(SoundClip, loop: Bool)
}

/// Counters for one stream, reported when it closes.
public struct MediaStatistics: Sendable, Equatable {
    public var packetsReceived = 0
    public var packetsSent = 0
    public var malformedPackets = 0
    public var foreignPackets = 0
    public var telephoneEventPackets = 0
    public var jitter = JitterBuffer.Statistics(received: 0, duplicates: 0, late: 0, lost: 0, reordered: 0,
                                                overflowDropped: 0, underruns: 0, resets: 0)
}

/// The per-stream state a media loop owns: socket, peer, jitter buffer, source and RTP clock.
/// Created on any thread, then handed to its loop and touched only on that thread (hence unchecked Sendable).
final class StreamState: @unchecked Sendable {
    let id: UInt64
    let fd: Int32
    let localPort: Int
    private let logger: Logger
    private let onEvent: @Sendable (MediaEvent) -> Void

    private(set) var audio: NegotiatedAudio?
    /// The loop this stream is pinned to (set when added; for its packet counters).
    unowned(unsafe) var loop: MediaLoop?
    private var codec = G711(law: .mu)
    private var remote = pn_addr_t()
    private var latched: pn_addr_t?
    private var jitter: JitterBuffer
    private let jitterDepth: Int
    var source: MediaSource = .silence
    private var position = 0
    private(set) var stats = MediaStatistics()

    private let ssrc = UInt32.random(in: 1...UInt32.max)
    private var sequence = UInt16.random(in: 0...UInt16.max)
    private var timestamp = UInt32.random(in: 0...UInt32.max)
    private var markerPending = true
    private var outgoing = RTPPacket(payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0)
    private var sendBuffer = [UInt8](repeating: 0, count: 2048)
    private var pcm = [Int16](repeating: 0, count: 960)

    init(id: UInt64, fd: Int32, localPort: Int, jitterDepth: Int, logger: Logger,
         onEvent: @escaping @Sendable (MediaEvent) -> Void) {
        self.id = id
        self.fd = fd
        self.localPort = localPort
        self.jitterDepth = jitterDepth
        self.jitter = JitterBuffer(depth: jitterDepth)
        self.logger = logger
        self.onEvent = onEvent
        outgoing.ssrc = ssrc
        outgoing.payload.reserveCapacity(512)
    }

    func configure(_ new: NegotiatedAudio) {
        var addr = pn_addr_t()
        if pn_parse_addr(new.remote.host, UInt16(clamping: new.remote.port), &addr) != 0 { addr = pn_addr_t() }
        // A new remote address (re-INVITE) drops the latch: symmetric RTP re-learns the source.
        if pn_addr_equal(&addr, &remote) == 0 { latched = nil }
        remote = addr
        if audio?.payloadType != new.payloadType { jitter = JitterBuffer(depth: jitterDepth) }
        audio = new
        codec = G711(law: new.codecName == "PCMA" ? .a : .mu)
        outgoing.payloadType = new.payloadType
    }

    func closeSocket() {
        stats.jitter = jitter.statistics
        _ = pn_close(fd)
    }

    // MARK: receive

    /// Drains the socket in batches (recvmmsg), at most 4 batches per wakeup to stay fair to other streams.
    func receiveAll(using batch: ReceiveBatch) {
        for _ in 0..<4 {
            let n = batch.receive(fd)
            for i in 0..<n { handle(batch.bytes(i), from: batch.peer(i)) }
            if n < batch.count { return }
        }
    }

    private func handle(_ bytes: UnsafeRawBufferPointer, from: pn_addr_t) {
        guard let audio else { return }
        let packet: RTPPacket
        do {
            packet = try RTPPacket(parsing: bytes)
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
        if packet.payloadType == audio.payloadType {
            jitter.insert(packet)
        } else if packet.payloadType == audio.telephoneEventPayloadType {
            stats.telephoneEventPackets += 1
        }
    }

    // MARK: send

    func tick() {
        guard let audio else { return }
        defer { timestamp &+= UInt32(audio.samplesPerFrame) }
        let echoed = jitter.pop()
        guard audio.sends else {
            markerPending = true
            return
        }
        switch source {
        case .silence:
            markerPending = true
        case .echo:
            guard let echoed else {
                markerPending = true
                return
            }
            outgoing.payload = echoed.payload
            send()
        case .sound(let clip, let loop):
            let frame = audio.samplesPerFrame
            fillFrame(from: clip, count: frame, loop: loop)
            outgoing.payload.removeAll(keepingCapacity: true)
            pcm.withUnsafeBufferPointer { codec.encode(UnsafeBufferPointer(rebasing: $0[0..<frame]), into: &outgoing.payload) }
            send()
        }
    }

    private func fillFrame(from clip: SoundClip, count: Int, loop: Bool) {
        let samples = clip.samples
        for i in 0..<count {
            if position >= samples.count {
                if loop && !samples.isEmpty {
                    position = 0
                } else {
                    pcm[i] = 0
                    continue
                }
            }
            pcm[i] = samples[position]
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
        let written = sendBuffer.withUnsafeMutableBytes { outgoing.serialize(into: $0) }
        guard let written else { return }
        let sent = sendBuffer.withUnsafeBytes { pn_sendto(fd, $0.baseAddress, written, &destination) }
        if sent > 0 {
            stats.packetsSent += 1
            loop?.sentSinceTick &+= 1
        }
    }

    func play(_ new: MediaSource) {
        source = new
        position = 0
        markerPending = true
    }
}
