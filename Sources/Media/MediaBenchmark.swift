import CMediaShims
import Codecs
import Foundation
import Logging

/// `parley bench media`: N echo calls on the real media engine, driven by one generator thread
/// in the same process over loopback UDP (sendmmsg/recvmmsg on a single socket). Each packet
/// carries its send time, so the generator measures the echo round trip; the engine reports late
/// ticks and its own CPU time. Never a test: a figure for the notes.
public enum MediaBenchmark {
    public struct Result: Sendable {
        public var calls: Int
        public var seconds: Double
        public var sent: Int
        public var echoed: Int
        public var rttP50Milliseconds: Double
        public var rttP99Milliseconds: Double
        public var rttMaxMilliseconds: Double
        public var lateTicks: UInt64
        public var slowestTickMicroseconds: UInt64
        public var mediaCPUSeconds: Double
        public var mediaPackets: UInt64
        /// Packets in + out handled per second of media-thread CPU.
        public var packetsPerCPUSecond: Double { mediaCPUSeconds > 0 ? Double(mediaPackets) / mediaCPUSeconds : 0 }
        /// No tick ran late and at most 0.5% of packets did not come back: the adaptive jitter buffer
        /// drops up to one frame a second to shrink its delay when it gets no silence hints, and some
        /// packets are in flight at the stop.
        public var clean: Bool { lateTicks == 0 && Double(echoed) >= Double(sent) * 0.995 }
        /// Media CPU per call, as a share of one core.
        public var coresPerCall: Double { calls > 0 && seconds > 0 ? mediaCPUSeconds / seconds / Double(calls) : 0 }
    }

    /// `opus`: the calls use Opus (parley decodes and re-encodes every frame); else PCMU.
    public static func echo(calls: Int, seconds: Double, threads: Int, portRange: ClosedRange<Int>, realtime: Bool,
                            opus: Bool = false, logger: Logger) throws -> Result {
        let engine = try MediaEngine(configuration: .init(address: "127.0.0.1", portRange: portRange, threads: threads,
                                                          jitterBufferFrames: 3, realtime: realtime), logger: logger)
        engine.start()
        defer { engine.stop() }
        var local = pn_addr_t()
        _ = pn_parse_addr("127.0.0.1", 0, &local)
        let fd = pn_udp_bind(&local, 16 << 20, 16 << 20)
        guard fd >= 0 else { throw MediaError("cannot bind the generator socket") }
        defer { _ = pn_close(fd) }
        let generatorPort = Int(pn_local_port(fd))

        var streams: [MediaStream] = []
        for _ in 0..<calls {
            let stream = try engine.openStream(logger: logger) { _ in }
            stream.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: generatorPort),
                                             codec: opus ? .opus() : .pcmu, payloadType: opus ? 111 : 0,
                                             telephoneEventPayloadType: nil, ptime: 20, direction: .sendrecv, remoteHold: false))
            stream.play(.echo)
            streams.append(stream)
        }
        defer { for s in streams { s.close() } }
        Thread.sleep(forTimeInterval: 0.2)
        let before = engine.statistics
        var payload = [UInt8](repeating: 0xFF, count: 160)
        if opus {
            // One real 20 ms Opus frame of a tone, sent by every call: the generator stays cheap.
            let encoder = try Opus.Encoder(sampleRate: 48_000, channels: 1)
            var tone = [Int16](repeating: 0, count: 960)
            for i in tone.indices { tone[i] = Int16(8000 * sin(Double(i) * 2 * .pi * 440 / 48_000)) }
            payload = try encoder.encode(frame: tone)
        }
        var generator = Generator(fd: fd, ports: streams.map { UInt16($0.localPort) }, payload: payload, payloadType: opus ? 111 : 0)
        generator.run(seconds: seconds)
        let after = engine.statistics
        let rtt = generator.percentiles()
        return Result(calls: calls, seconds: seconds, sent: generator.sent, echoed: generator.echoed,
                      rttP50Milliseconds: rtt.p50, rttP99Milliseconds: rtt.p99, rttMaxMilliseconds: rtt.max,
                      lateTicks: after.lateTicks - before.lateTicks, slowestTickMicroseconds: after.slowestTickMicroseconds,
                      mediaCPUSeconds: Double(after.cpuNanoseconds - before.cpuNanoseconds) / 1e9,
                      mediaPackets: (after.packetsIn - before.packetsIn) + (after.packetsOut - before.packetsOut))
    }
}

/// Sends one 20 ms PCMU packet per call per tick and times the echoes (its own thread: the caller's).
private struct Generator {
    let fd: Int32
    let ports: [UInt16]
    private(set) var sent = 0
    private(set) var echoed = 0
    private var histogram = [Int](repeating: 0, count: 20_001)  // 0.1 ms buckets up to 2 s
    private let packetSize: Int
    private var out: UnsafeMutableRawPointer
    private var outDatagrams: [pn_datagram_t]
    private let inBuffer = UnsafeMutableRawPointer.allocate(byteCount: 64 * 2048, alignment: 16)
    private var inDatagrams: [pn_datagram_t]

    private let payload: [UInt8]
    private let payloadType: UInt8

    init(fd: Int32, ports: [UInt16], payload: [UInt8], payloadType: UInt8) {
        self.fd = fd
        self.ports = ports
        self.payload = payload
        self.payloadType = payloadType
        // 12-byte header, 8-byte send time (echo: in the payload), then the payload.
        packetSize = 20 + payload.count
        out = UnsafeMutableRawPointer.allocate(byteCount: max(1, ports.count) * packetSize, alignment: 16)
        var peers: [pn_datagram_t] = []
        for (i, port) in ports.enumerated() {
            var addr = pn_addr_t()
            _ = pn_parse_addr("127.0.0.1", port, &addr)
            peers.append(pn_datagram_t(data: out + i * packetSize, length: UInt32(packetSize), peer: addr))
        }
        outDatagrams = peers
        let base = inBuffer
        inDatagrams = (0..<64).map { pn_datagram_t(data: base + $0 * 2048, length: 2048, peer: pn_addr_t()) }
    }

    mutating func run(seconds: Double) {
        let timer = pn_timerfd_create(20_000)
        let ep = pn_epoll_create()
        _ = pn_epoll_add(ep, timer, 1)
        _ = pn_epoll_add(ep, fd, 2)
        defer {
            _ = pn_close(timer)
            _ = pn_close(ep)
        }
        let end = pn_monotonic_ns() + UInt64(seconds * 1e9)
        let drainEnd = end + 400_000_000
        var seq: UInt16 = 0
        var tokens = [UInt64](repeating: 0, count: 8)
        while pn_monotonic_ns() < drainEnd {
            let n = tokens.withUnsafeMutableBufferPointer { pn_epoll_wait(ep, $0.baseAddress, 8, 50) }
            for i in 0..<max(0, Int(n)) {
                if tokens[i] == 1 {
                    _ = pn_timerfd_read(timer)
                    if pn_monotonic_ns() < end {
                        sendTick(seq: seq)
                        seq &+= 1
                    }
                } else {
                    receiveAll()
                }
            }
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
        var offset = 0
        while offset < ports.count {
            let n = outDatagrams.withUnsafeMutableBufferPointer { buf -> Int32 in
                guard let base = buf.baseAddress else { return 0 }
                return pn_send_batch(fd, base + offset, Int32(ports.count - offset))
            }
            if n <= 0 { break }
            offset += Int(n)
        }
        sent += offset
    }

    private mutating func receiveAll() {
        while true {
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
