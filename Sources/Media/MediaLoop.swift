import CMediaShims
import Foundation
import Logging
import Synchronization

/// One media thread: an epoll loop over its streams' RTP sockets plus a 20 ms timerfd tick.
/// Streams pinned to a loop are touched only on its thread; other threads send it closures.
final class MediaLoop: @unchecked Sendable {
    static let tickMicroseconds: UInt32 = 20_000
    private static let timerToken: UInt64 = .max
    private static let wakeToken: UInt64 = .max - 1
    /// Set in an epoll token for a stream's RTCP socket.
    private static let rtcpFlag: UInt64 = 1 << 62

    let index: Int
    private let logger: Logger
    private let epfd: Int32
    private let timerfd: Int32
    private let eventfd: Int32
    private let commands = Mutex<[@Sendable (MediaLoop) -> Void]>([])
    private let running = Atomic<Bool>(true)
    private let finished = DispatchSemaphore(value: 0)
    let streamCount = Atomic<Int>(0)
    /// Whether the loop thread got real-time priority.
    let realtime = Atomic<Bool>(false)
    /// Ticks run, ticks the loop was too late for (timer expired more than once), slowest tick.
    let ticks = Atomic<UInt64>(0)
    let lateTicks = Atomic<UInt64>(0)
    let slowestTickNanoseconds = Atomic<UInt64>(0)
    let busyNanoseconds = Atomic<UInt64>(0)
    /// CPU time of this loop's thread, refreshed every tick.
    let cpuNanoseconds = Atomic<UInt64>(0)
    /// RTP packets received and sent by this loop's streams, refreshed every tick.
    let packetsIn = Atomic<UInt64>(0)
    let packetsOut = Atomic<UInt64>(0)

    // Loop thread only.
    private var streams: [UInt64: StreamState] = [:]
    private var rooms: [UInt64: RoomState] = [:]
    /// Work for streams on their way here from another loop, run when they arrive.
    private var waiting: [UInt64: [@Sendable (MediaLoop, StreamState) -> Void]] = [:]
    /// Streams announced (from any thread) as moving to this loop.
    private let expected = Mutex<Set<UInt64>>([])
    private var tickIndex: UInt64 = 0
    /// Packet counts since the last tick (loop thread only), published each tick.
    var receivedSinceTick: UInt64 = 0
    var sentSinceTick: UInt64 = 0
    /// One receive batch shared by all streams of this loop (loop thread only).
    let batch = ReceiveBatch(count: 32, size: 2048)

    private let wantsRealtime: Bool

    init(index: Int, realtime: Bool, logger: Logger) throws(MediaError) {
        self.index = index
        wantsRealtime = realtime
        self.logger = logger
        epfd = pn_epoll_create()
        timerfd = pn_timerfd_create(Self.tickMicroseconds)
        eventfd = pn_eventfd_create()
        guard epfd >= 0, timerfd >= 0, eventfd >= 0 else { throw MediaError("cannot create media loop descriptors") }
        _ = pn_epoll_add(epfd, timerfd, Self.timerToken)
        _ = pn_epoll_add(epfd, eventfd, Self.wakeToken)
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "parley-media-\(index)"
        thread.start()
    }

    /// Runs `work` on the loop thread (any thread).
    func post(_ work: @escaping @Sendable (MediaLoop) -> Void) {
        commands.withLock { $0.append(work) }
        _ = pn_eventfd_signal(eventfd)
    }

    func stop() {
        running.store(false, ordering: .releasing)
        _ = pn_eventfd_signal(eventfd)
        _ = finished.wait(timeout: .now() + .seconds(2))
    }

    private func run() {
        // Optional: media ticks must not wait behind other work, so ask for round-robin real-time
        // priority (granted to root or with CAP_SYS_NICE). Off by default: a saturated real-time
        // loop would starve the SIP thread.
        if wantsRealtime {
            let rt = pn_set_realtime(10)
            realtime.store(rt == 0, ordering: .relaxed)
            if rt != 0 { logger.warning("media thread could not get real-time priority", metadata: ["errno": "\(-rt)"]) }
        }
        var tokens = [UInt64](repeating: 0, count: 64)
        while running.load(ordering: .acquiring) {
            let n = tokens.withUnsafeMutableBufferPointer { pn_epoll_wait(epfd, $0.baseAddress, 64, 100) }
            if n < 0 { break }
            for i in 0..<Int(n) {
                switch tokens[i] {
                case Self.timerToken:
                    // Catch up on missed ticks (bounded) so the media clock stays right under load.
                    let expirations = pn_timerfd_read(timerfd)
                    if expirations > 1 { lateTicks.add(expirations - 1, ordering: .relaxed) }
                    for _ in 0..<min(expirations, 5) { tick() }
                case Self.wakeToken:
                    _ = pn_eventfd_drain(eventfd)
                    runCommands()
                default:
                    let token = tokens[i]
                    let rtcp = token & Self.rtcpFlag != 0
                    streams[token & ~Self.rtcpFlag]?.receiveAll(using: batch, rtcpSocket: rtcp)
                }
            }
        }
        runCommands()
        for room in rooms.values { room.close() }
        rooms.removeAll()
        for stream in streams.values { stream.closeSocket() }
        streams.removeAll()
        _ = pn_close(epfd)
        _ = pn_close(timerfd)
        _ = pn_close(eventfd)
        finished.signal()
    }

    private func runCommands() {
        let work = commands.withLock { queue in
            let items = queue
            queue.removeAll(keepingCapacity: true)
            return items
        }
        for item in work { item(self) }
    }

    private func tick() {
        let start = pn_monotonic_ns()
        tickIndex &+= 1
        for stream in streams.values { stream.receiveTick() }
        for room in rooms.values { room.tick() }
        for stream in streams.values { stream.sendTick() }
        let spent = pn_monotonic_ns() &- start
        cpuNanoseconds.store(pn_thread_cpu_ns(), ordering: .relaxed)
        packetsIn.add(receivedSinceTick, ordering: .relaxed)
        packetsOut.add(sentSinceTick, ordering: .relaxed)
        receivedSinceTick = 0
        sentSinceTick = 0
        ticks.add(1, ordering: .relaxed)
        busyNanoseconds.add(spent, ordering: .relaxed)
        if spent > slowestTickNanoseconds.load(ordering: .relaxed) { slowestTickNanoseconds.store(spent, ordering: .relaxed) }
    }

    // MARK: loop-thread operations used by MediaStream

    func add(_ stream: StreamState) {
        stream.loop = self
        streams[stream.id] = stream
        streamCount.add(1, ordering: .relaxed)
        if pn_epoll_add(epfd, stream.fd, stream.id) != 0 {
            logger.error("cannot watch RTP socket", metadata: ["port": "\(stream.localPort)"])
        }
        if stream.rtcpFD >= 0, pn_epoll_add(epfd, stream.rtcpFD, stream.id | Self.rtcpFlag) != 0 {
            logger.error("cannot watch RTCP socket", metadata: ["port": "\(stream.localPort + 1)"])
        }
    }

    @discardableResult
    func remove(_ id: UInt64) -> StreamState? {
        guard let stream = streams.removeValue(forKey: id) else { return nil }
        streamCount.subtract(1, ordering: .relaxed)
        _ = pn_epoll_del(epfd, stream.fd)
        if stream.rtcpFD >= 0 { _ = pn_epoll_del(epfd, stream.rtcpFD) }
        if let room = stream.room { room.remove(id) }
        stream.relayPeer?.stopRelay()
        stream.closeSocket()
        return stream
    }

    func stream(_ id: UInt64) -> StreamState? { streams[id] }

    // MARK: rooms and moving streams between loops

    func addRoom(_ room: RoomState) { rooms[room.id] = room }

    @discardableResult
    func removeRoom(_ id: UInt64) -> RoomState? {
        guard let room = rooms.removeValue(forKey: id) else { return nil }
        room.close()
        return room
    }

    func room(_ id: UInt64) -> RoomState? { rooms[id] }

    /// Runs `work` on the stream now, or when it arrives if it is moving here; drops it otherwise
    /// (the stream was closed).
    func withStream(_ id: UInt64, _ work: @escaping @Sendable (MediaLoop, StreamState) -> Void) {
        if let stream = streams[id] {
            work(self, stream)
        } else if expected.withLock({ $0.contains(id) }) {
            waiting[id, default: []].append(work)
        }
    }

    /// Announces (any thread) that stream `id` will arrive from another loop.
    func expectArrival(_ id: UInt64) { _ = expected.withLock { $0.insert(id) } }

    /// Takes a stream off this loop without closing its sockets (it moves to another loop).
    func detach(_ id: UInt64) -> StreamState? {
        guard let stream = streams.removeValue(forKey: id) else { return nil }
        streamCount.subtract(1, ordering: .relaxed)
        _ = pn_epoll_del(epfd, stream.fd)
        if stream.rtcpFD >= 0 { _ = pn_epoll_del(epfd, stream.rtcpFD) }
        if let room = stream.room { room.remove(id) }
        stream.relayPeer?.stopRelay()
        stream.stopRelay()
        return stream
    }

    /// A stream arriving from another loop: watched from now on, then its waiting work runs.
    func arrive(_ stream: StreamState) {
        add(stream)
        _ = expected.withLock { $0.remove(stream.id) }
        for work in waiting.removeValue(forKey: stream.id) ?? [] { work(self, stream) }
    }
}
