import CMediaShims
import Foundation
import Logging
import Synchronization

/// One media thread: a 20 ms timerfd tick over its streams, an epoll loop for what cannot wait
/// for the tick, and the commands other threads post. Streams pinned to a loop are touched only on
/// its thread.
///
/// RTP is read on the tick, not as it arrives: the sockets sit in a second epoll set that the
/// tick polls without blocking, and each ready stream is drained, then popped, decoded and sent
/// in one pass while its state is in cache. The loop sleeps only on the timer, the command
/// eventfd, RTCP sockets and the RTP sockets of relaying streams (a relayed packet is forwarded
/// as soon as it arrives), so a busy loop takes no wakeup per packet. Playout loses nothing: the
/// jitter buffer is popped on the tick anyway, right after the read.
final class MediaLoop: @unchecked Sendable {
    static let tickMicroseconds: UInt32 = 20_000
    private static let timerToken: UInt64 = .max
    private static let wakeToken: UInt64 = .max - 1
    /// Set in an epoll token for a stream's RTCP socket.
    static let rtcpFlag: UInt64 = 1 << 62

    let index: Int
    let logger: Logger
    /// What the loop sleeps on: timer, eventfd, RTCP sockets, relaying streams' RTP sockets.
    let epfd: Int32
    /// The other streams' RTP sockets, polled (never waited on) at each tick.
    let tickEpfd: Int32
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
    var streams: [UInt64: StreamState] = [:]
    /// Streams by slot (their epoll token) and in tick order, so neither the per-packet lookup nor
    /// the tick hashes or reference-counts (the `streams` dictionary keeps them alive).
    var slots: [Unmanaged<StreamState>?] = []
    var freeSlots: [Int] = []
    var order: [Unmanaged<StreamState>] = []
    /// By slot: the tick poll found the stream's RTP socket readable (or it still held packets).
    var readable: [Bool] = []
    /// Sockets left with packets after their fair share of a wakeup (edge-triggered epoll does not
    /// report them again): drained before the loop sleeps.
    var backlog: [UInt64] = []
    private var backlogNext: [UInt64] = []
    /// Ready tokens from the tick poll (reused).
    private var tickTokens = [UInt64](repeating: 0, count: 64)
    var rooms: [UInt64: RoomState] = [:]
    /// Work for streams on their way here from another loop, run when they arrive.
    var waiting: [UInt64: [@Sendable (MediaLoop, StreamState) -> Void]] = [:]
    /// Streams announced (from any thread) as moving to this loop.
    let expected = Mutex<Set<UInt64>>([])
    private var tickIndex: UInt64 = 0
    /// Packet counts since the last tick (loop thread only), published each tick.
    var receivedSinceTick: UInt64 = 0
    var sentSinceTick: UInt64 = 0
    /// One receive batch and one set of send buffers shared by all streams of this loop.
    let batch = ReceiveBatch(count: 32, size: 2048)
    let scratch = MediaScratch()

    private let wantsRealtime: Bool

    init(index: Int, realtime: Bool, logger: Logger) throws(MediaError) {
        self.index = index
        wantsRealtime = realtime
        self.logger = logger
        epfd = pn_epoll_create()
        tickEpfd = pn_epoll_create()
        timerfd = pn_timerfd_create(Self.tickMicroseconds)
        eventfd = pn_eventfd_create()
        guard epfd >= 0, tickEpfd >= 0, timerfd >= 0, eventfd >= 0 else { throw MediaError("cannot create media loop descriptors") }
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
            let n = tokens.withUnsafeMutableBufferPointer { pn_epoll_wait(epfd, $0.baseAddress, 64, backlog.isEmpty ? 100 : 0) }
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
                    receive(tokens[i])
                }
            }
            drainBacklog()
        }
        runCommands()
        for room in rooms.values { room.close() }
        rooms.removeAll()
        for stream in streams.values { stream.closeSocket() }
        streams.removeAll()
        _ = pn_close(epfd)
        _ = pn_close(tickEpfd)
        _ = pn_close(timerfd)
        _ = pn_close(eventfd)
        finished.signal()
    }

    /// Reads a stream's RTP or RTCP socket as it became readable (token = slot, plus the RTCP flag).
    private func receive(_ token: UInt64) {
        let index = Int(truncatingIfNeeded: token & ~Self.rtcpFlag)
        guard index >= 0, index < slots.count, let stream = slots[index] else { return }
        let drained = stream._withUnsafeGuaranteedRef {
            $0.receiveAll(using: batch, rtcpSocket: token & Self.rtcpFlag != 0, arrival: nil)
        }
        if !drained { backlog.append(token) }
    }

    /// One more fair share for each socket that still had packets (bounded: one pass per wakeup).
    private func drainBacklog() {
        guard !backlog.isEmpty else { return }
        swap(&backlog, &backlogNext)
        for token in backlogNext { receive(token) }
        backlogNext.removeAll(keepingCapacity: true)
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
        pollReadable()
        // `order` holds only streams the dictionary keeps alive, and nothing here removes one
        // (removal is a posted command), so the unmanaged references stay valid.
        var deferred = false
        for stream in order {
            stream._withUnsafeGuaranteedRef { stream in
                let slot = stream.slot
                if slot >= 0, slot < readable.count, readable[slot] {
                    // Packets that arrived since the last tick count as arriving now: playout is
                    // decided at ticks, so this is the arrival time that matters to it.
                    readable[slot] = !stream.receiveAll(using: batch, rtcpSocket: false, arrival: start)
                }
                stream.receiveTick(now: start)
                // A stream that neither feeds a room nor reads a partner sends at once.
                if stream.sendsAlone { stream.sendTick() } else { deferred = true }
            }
        }
        for room in rooms.values { room.tick() }
        if deferred {
            for stream in order {
                stream._withUnsafeGuaranteedRef { stream in
                    if !stream.sendsAlone { stream.sendTick() }
                }
            }
        }
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

    /// Marks every stream whose RTP socket became readable since the last poll (edge-triggered,
    /// non-blocking; bounded by the number of streams).
    private func pollReadable() {
        for _ in 0...(slots.count / 64 + 1) {
            let n = tickTokens.withUnsafeMutableBufferPointer { pn_epoll_wait(tickEpfd, $0.baseAddress, 64, 0) }
            guard n > 0 else { return }
            for i in 0..<Int(n) {
                let slot = Int(truncatingIfNeeded: tickTokens[i])
                if slot >= 0, slot < readable.count { readable[slot] = true }
            }
            if n < 64 { return }
        }
    }
}
