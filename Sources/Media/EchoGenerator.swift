import CMediaShims
import Foundation

/// The far ends of `parley bench media`: sends one 20 ms packet per call per tick from a few
/// loopback sockets (call `i` uses socket `i % sockets.count`, so each call's echo comes back to
/// the socket it latched on) and times the echoes. Runs on the caller's thread; every loop is
/// bounded by the run's deadline.
struct EchoGenerator {
    let sockets: [Int32]
    let ports: [UInt16]
    private(set) var sent = 0
    private(set) var echoed = 0
    private var histogram = [Int](repeating: 0, count: 20_001)  // 0.1 ms buckets up to 2 s
    private let packetSize: Int
    private let out: UnsafeMutableRawPointer
    /// Per socket, the datagrams of its calls (sendmmsg batches).
    private var outDatagrams: [[pn_datagram_t]]
    private let inBuffer = UnsafeMutableRawPointer.allocate(byteCount: 64 * 2048, alignment: 16)
    private var inDatagrams: [pn_datagram_t]
    private let payload: [UInt8]
    private let payloadType: UInt8

    init(sockets: [Int32], ports: [UInt16], payload: [UInt8], payloadType: UInt8) {
        self.sockets = sockets.isEmpty ? [-1] : sockets
        self.ports = ports
        self.payload = payload
        self.payloadType = payloadType
        // 12-byte header, 8-byte send time (echo: in the payload), then the payload.
        packetSize = 20 + payload.count
        out = UnsafeMutableRawPointer.allocate(byteCount: max(1, ports.count) * packetSize, alignment: 16)
        var perSocket = [[pn_datagram_t]](repeating: [], count: self.sockets.count)
        for (i, port) in ports.enumerated() {
            var addr = pn_addr_t()
            _ = pn_parse_addr("127.0.0.1", port, &addr)
            perSocket[i % perSocket.count].append(pn_datagram_t(data: out + i * packetSize, length: UInt32(packetSize), peer: addr))
        }
        outDatagrams = perSocket
        let base = inBuffer
        inDatagrams = (0..<64).map { pn_datagram_t(data: base + $0 * 2048, length: 2048, peer: pn_addr_t()) }
    }

    /// Sends every 20 ms for `seconds`, then drains for 0.4 s. The sockets are polled every
    /// `pollMicroseconds` instead of waking the generator for each echo: a wakeup per packet
    /// would be charged to the media thread that sent it (loopback delivers in the sender's
    /// context), which is the benchmark's cost, not the engine's. Round trips are therefore
    /// measured to within one poll interval.
    mutating func run(seconds: Double, pollMicroseconds: UInt32 = 2000) {
        let timer = pn_timerfd_create(pollMicroseconds)
        defer { _ = pn_close(timer) }
        let start = pn_monotonic_ns()
        let end = start + UInt64(seconds * 1e9)
        let drainEnd = end + 400_000_000
        var nextSend = start
        var seq: UInt16 = 0
        let ep = pn_epoll_create()
        defer { _ = pn_close(ep) }
        _ = pn_epoll_add(ep, timer, 1)
        var token: UInt64 = 0
        while pn_monotonic_ns() < drainEnd {
            guard pn_epoll_wait(ep, &token, 1, 50) > 0 else { continue }
            _ = pn_timerfd_read(timer)
            let now = pn_monotonic_ns()
            // One packet per call every 20 ms of elapsed time (at most one tick's worth of catching up).
            if now < end, now >= nextSend {
                sendTick(seq: seq)
                seq &+= 1
                nextSend = max(nextSend + 20_000_000, now - 20_000_000)
            }
            for fd in sockets { receiveAll(fd, until: drainEnd) }
        }
        inBuffer.deallocate()
        out.deallocate()
    }

    private mutating func sendTick(seq: UInt16) {
        let now = pn_monotonic_ns()
        for i in 0..<ports.count {
            let p = out + i * packetSize
            p.storeBytes(of: UInt8(0x80), toByteOffset: 0, as: UInt8.self)
            p.storeBytes(of: payloadType, toByteOffset: 1, as: UInt8.self)
            p.storeBytes(of: seq.bigEndian, toByteOffset: 2, as: UInt16.self)
            p.storeBytes(of: (UInt32(seq) &* 160).bigEndian, toByteOffset: 4, as: UInt32.self)
            p.storeBytes(of: UInt32(i + 1).bigEndian, toByteOffset: 8, as: UInt32.self)
            if payloadType == 0 {
                // G.711 echo returns the payload unchanged: carry the send time in it.
                p.storeBytes(of: now, toByteOffset: 12, as: UInt64.self)
                memset(p + 20, 0xFF, packetSize - 20)
            } else {
                payload.withUnsafeBytes { bytes in
                    if let base = bytes.baseAddress { (p + 12).copyMemory(from: base, byteCount: bytes.count) }
                }
            }
        }
        for k in sockets.indices {
            let count = outDatagrams[k].count
            var offset = 0
            while offset < count {
                let n = outDatagrams[k].withUnsafeMutableBufferPointer { buf -> Int32 in
                    guard let base = buf.baseAddress else { return 0 }
                    return pn_send_batch(sockets[k], base + offset, Int32(count - offset))
                }
                if n <= 0 { break }
                offset += Int(n)
            }
            sent += offset
        }
    }

    private mutating func receiveAll(_ fd: Int32, until deadline: UInt64) {
        while pn_monotonic_ns() < deadline {
            for i in 0..<inDatagrams.count { inDatagrams[i].length = 2048 }
            let n = inDatagrams.withUnsafeMutableBufferPointer { pn_recv_batch(fd, $0.baseAddress, 64) }
            guard n > 0 else { return }
            let now = pn_monotonic_ns()
            for i in 0..<Int(n) where inDatagrams[i].length >= 20 {
                echoed += 1
                // Transcoded echoes (Opus) do not carry our bytes back: no round-trip sample.
                guard payloadType == 0 else { continue }
                let sentAt = (inBuffer + i * 2048).loadUnaligned(fromByteOffset: 12, as: UInt64.self)
                let tenths = now > sentAt ? Int((now - sentAt) / 100_000) : 0
                histogram[min(tenths, histogram.count - 1)] += 1
            }
        }
    }

    func percentiles() -> (p50: Double, p99: Double, max: Double) {
        let total = histogram.reduce(0, +)
        guard total > 0 else { return (0, 0, 0) }
        func at(_ q: Double) -> Double {
            let target = Int((Double(total) * q).rounded(.up))
            var running = 0
            for (i, c) in histogram.enumerated() {
                running += c
                if running >= target { return Double(i) / 10 }
            }
            return Double(histogram.count - 1) / 10
        }
        let maxBucket = histogram.lastIndex { $0 > 0 } ?? 0
        return (at(0.5), at(0.99), Double(maxBucket) / 10)
    }
}
