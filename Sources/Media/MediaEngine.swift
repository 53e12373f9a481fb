import CMediaShims
import Foundation
import Logging
import RTP
import Synchronization

/// Something the media plane tells the switch.
public enum MediaEvent: Sendable, Equatable {
    /// A non-looping sound reached its end on the stream with this id.
    case playbackFinished(UInt64)
    /// A key press arrived (RFC 4733 telephone-event) on the stream.
    case dtmf(UInt64, DTMFDigit)
    /// No RTP for the configured time while both sides should be sending.
    case mediaTimeout(UInt64)
}

/// Counters for one stream, reported when it closes.
public struct MediaStatistics: Sendable, Equatable {
    public var packetsReceived = 0
    public var packetsSent = 0
    /// Packets that carried our own outgoing digits (RFC 4733 events or in-band tone frames).
    public var digitPacketsSent = 0
    public var malformedPackets = 0
    public var foreignPackets = 0
    public var srtpFailures = 0
    public var srtcpFailures = 0
    public var undecodable = 0
    public var unencodable = 0
    public var rtcpSent = 0
    public var rtcpReceived = 0
    public var malformedRTCP = 0
    public var digits: Int { receive.digits }
    public var telephoneEventPackets: Int { receive.telephoneEventPackets }
    var receive = MediaReceiveState.Statistics()
    public var roundTripMilliseconds: Double?
    public var jitter = AdaptiveJitterBuffer.Statistics()
}

/// The Media module's entry point: a fixed set of media threads (one epoll loop each) that own
/// every RTP socket, plus the RTP port range. Streams are spread over the loops and stay pinned.
///
/// Media knows nothing about SIP or the dialplan: the switch opens a stream per call leg, tells it
/// the negotiated audio and what to send, and closes it.
public final class MediaEngine: Sendable {
    public struct Configuration: Sendable {
        public var address: String
        public var portRange: ClosedRange<Int>
        public var threads: Int
        public var jitterBufferFrames: Int
        /// Ask for SCHED_RR priority on media threads.
        public var realtime: Bool
        /// Seconds without RTP (while both sides send) before ``MediaEvent/mediaTimeout(_:)``; 0 = never.
        public var mediaTimeoutSeconds: Int
        public init(address: String, portRange: ClosedRange<Int>, threads: Int, jitterBufferFrames: Int, realtime: Bool = false,
                    mediaTimeoutSeconds: Int = 0) {
            self.mediaTimeoutSeconds = mediaTimeoutSeconds
            self.address = address
            self.portRange = portRange
            self.threads = threads
            self.jitterBufferFrames = jitterBufferFrames
            self.realtime = realtime
        }
    }

    public let configuration: Configuration
    private let logger: Logger
    private let loops: [MediaLoop]
    private let ports: PortAllocator
    private let nextID = Atomic<UInt64>(1)

    public init(configuration: Configuration, logger: Logger) throws(MediaError) {
        self.configuration = configuration
        self.logger = logger
        let count = configuration.threads > 0 ? configuration.threads : max(1, ProcessInfo.processInfo.activeProcessorCount)
        var loops: [MediaLoop] = []
        for i in 0..<count { loops.append(try MediaLoop(index: i, realtime: configuration.realtime, logger: logger)) }
        self.loops = loops
        ports = PortAllocator(address: configuration.address, range: configuration.portRange)
    }

    public func start() {
        for loop in loops { loop.start() }
    }

    public func stop() {
        for loop in loops { loop.stop() }
    }

    /// Counters summed over all media loops.
    public struct Statistics: Sendable, Equatable {
        public var ticks: UInt64 = 0
        /// Ticks that ran late (the 20 ms timer had fired more than once before the loop got to it).
        public var lateTicks: UInt64 = 0
        public var slowestTickMicroseconds: UInt64 = 0
        public var tickBusyNanoseconds: UInt64 = 0
        public var cpuNanoseconds: UInt64 = 0
        public var packetsIn: UInt64 = 0
        public var packetsOut: UInt64 = 0
    }

    public var statistics: Statistics {
        var s = Statistics()
        for loop in loops {
            s.ticks += loop.ticks.load(ordering: .relaxed)
            s.lateTicks += loop.lateTicks.load(ordering: .relaxed)
            s.slowestTickMicroseconds = max(s.slowestTickMicroseconds, loop.slowestTickNanoseconds.load(ordering: .relaxed) / 1000)
            s.tickBusyNanoseconds += loop.busyNanoseconds.load(ordering: .relaxed)
            s.cpuNanoseconds += loop.cpuNanoseconds.load(ordering: .relaxed)
            s.packetsIn += loop.packetsIn.load(ordering: .relaxed)
            s.packetsOut += loop.packetsOut.load(ordering: .relaxed)
        }
        return s
    }

    /// Streams currently open on all loops.
    public var activeStreams: Int { loops.reduce(0) { $0 + $1.streamCount.load(ordering: .relaxed) } }

    /// Opens a room mixing at `sampleRate` (8000, 16000 or 48000) on the least busy loop.
    /// `onEvent` runs on the media thread: keep it short.
    public func openRoom(sampleRate: Int = 16000, onEvent: @escaping @Sendable (RoomEvent) -> Void = { _ in }) -> Room {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let loop = loops.min { $0.streamCount.load(ordering: .relaxed) < $1.streamCount.load(ordering: .relaxed) } ?? loops[0]
        let rate = [8000, 16000, 48000].contains(sampleRate) ? sampleRate : 16000
        let state = RoomState(id: id, sampleRate: rate, onEvent: onEvent)
        loop.post { $0.addRoom(state) }
        return Room(id: id, sampleRate: rate, loop: loop)
    }

    /// Binds a new RTP port and pins a stream to the least busy loop, or to `partner`'s loop so the
    /// two can be bridged without locks.
    public func openStream(logger: Logger, pinnedWith partner: MediaStream? = nil, in room: Room? = nil,
                           onEvent: @escaping @Sendable (MediaEvent) -> Void) throws(MediaError) -> MediaStream {
        let (fd, rtcpFD, port) = try ports.bind()
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let loop = room?.loop ?? partner?.loop
            ?? loops.min { $0.streamCount.load(ordering: .relaxed) < $1.streamCount.load(ordering: .relaxed) } ?? loops[0]
        let state = StreamState(id: id, fd: fd, rtcpFD: rtcpFD, localPort: port, jitterDepth: configuration.jitterBufferFrames,
                                mediaTimeoutSeconds: configuration.mediaTimeoutSeconds, logger: logger, onEvent: onEvent)
        loop.streamCount.add(1, ordering: .relaxed)
        loop.post { loop in
            loop.streamCount.subtract(1, ordering: .relaxed)
            loop.add(state)
        }
        return MediaStream(id: id, localAddress: configuration.address, localPort: port, loop: loop, ports: ports, logger: logger)
    }
}

/// The switch's handle on one RTP stream. Thread-safe: every call is forwarded to the stream's
/// loop (following the stream when it moves to a room on another loop).
public final class MediaStream: Sendable {
    public let id: UInt64
    public let localAddress: String
    public let localPort: Int
    private let current: Mutex<MediaLoop>
    private let ports: PortAllocator
    private let logger: Logger
    private let closed = Atomic<Bool>(false)

    init(id: UInt64, localAddress: String, localPort: Int, loop: MediaLoop, ports: PortAllocator, logger: Logger) {
        self.id = id
        self.localAddress = localAddress
        self.localPort = localPort
        current = Mutex(loop)
        self.ports = ports
        self.logger = logger
    }

    /// The loop the stream lives on (or is moving to).
    var loop: MediaLoop { current.withLock { $0 } }

    /// Runs `work` on the stream's loop thread with its state.
    func withState(_ work: @escaping @Sendable (MediaLoop, StreamState) -> Void) {
        let id = id
        loop.post { $0.withStream(id, work) }
    }

    /// Moves the stream to `target` (keeping its sockets, codecs and SRTP), then runs `then` there.
    func move(to target: MediaLoop, then: @escaping @Sendable (MediaLoop, StreamState) -> Void) {
        let id = id
        let old: MediaLoop = current.withLock { loop in
            let old = loop
            if old !== target {
                target.expectArrival(id)
                loop = target
            }
            return old
        }
        guard old !== target else {
            target.post { $0.withStream(id, then) }
            return
        }
        old.post { oldLoop in
            // Commands posted to the old loop before the switch are still run first (FIFO queue).
            guard let state = oldLoop.detach(id) else { return }
            target.post { newLoop in
                newLoop.arrive(state)
                then(newLoop, state)
            }
        }
    }

    /// Applies a negotiated (or renegotiated) audio description.
    public func configure(_ audio: NegotiatedAudio) {
        withState { _, state in state.configure(audio) }
    }

    /// Chooses what the stream sends while it is in no room. A bridge partner must be on this
    /// stream's loop; otherwise the bridge stays silent.
    public func play(_ source: MediaSource) {
        withState { loop, state in
            var peer: StreamState?
            if case .bridge(let partner) = source { peer = loop.stream(partner.id) }
            state.play(source, peer: peer)
        }
    }

    /// Closes the socket and frees the port; `report` gets the stream's counters (on the media thread).
    public func close(report: (@Sendable (MediaStatistics) -> Void)? = nil) {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let id = id
        let port = localPort
        let ports = ports
        withState { loop, _ in
            let removed = loop.remove(id)
            ports.release(port)
            if let removed { report?(removed.stats) }
        }
    }
}
