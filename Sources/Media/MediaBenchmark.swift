import CMediaShims
import Codecs
import Foundation
import Logging

/// `parley bench media`: N echo calls on the real media engine, driven by one generator thread
/// in the same process over loopback UDP (sendmmsg/recvmmsg on a few sockets). Each packet
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
        /// CPU time of the generator (the far ends), on the calling thread.
        public var generatorCPUSeconds: Double = 0
        /// Media-thread CPU per packet handled (in or out), in nanoseconds.
        public var nanosecondsPerPacket: Double { mediaPackets > 0 ? mediaCPUSeconds * 1e9 / Double(mediaPackets) : 0 }
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
    /// `generatorSockets`: how many loopback sockets play the far ends (calls are spread over them).
    /// `telephoneEvent`: the calls negotiate RFC 4733 telephone-event, as phones do; without it the
    /// engine also runs in-band DTMF detection on every decoded frame.
    public static func echo(calls: Int, seconds: Double, threads: Int, portRange: ClosedRange<Int>, realtime: Bool,
                            opus: Bool = false, generatorSockets: Int = 16, telephoneEvent: Bool = true,
                            logger: Logger) throws -> Result {
        let engine = try MediaEngine(configuration: .init(address: "127.0.0.1", portRange: portRange, threads: threads,
                                                          jitterBufferFrames: 3, realtime: realtime), logger: logger)
        engine.start()
        defer { engine.stop() }
        // Several generator sockets, as a far end would be several hosts: one socket for every
        // call would make the two media threads fight over its receive queue, which no real peer
        // set-up does (the lock contention would be the benchmark's, not the engine's).
        let sockets = try (0..<min(max(1, calls), generatorSockets)).map { _ throws(MediaError) -> Int32 in
            var local = pn_addr_t()
            _ = pn_parse_addr("127.0.0.1", 0, &local)
            let fd = pn_udp_bind(&local, 4 << 20, 4 << 20)
            guard fd >= 0 else { throw MediaError("cannot bind a generator socket") }
            return fd
        }
        defer { for fd in sockets { _ = pn_close(fd) } }

        var streams: [MediaStream] = []
        for call in 0..<calls {
            let stream = try engine.openStream(logger: logger) { _ in }
            let generatorPort = Int(pn_local_port(sockets[call % sockets.count]))
            stream.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: generatorPort),
                                             codec: opus ? .opus() : .pcmu, payloadType: opus ? 111 : 0,
                                             telephoneEventPayloadType: telephoneEvent ? 101 : nil, ptime: 20,
                                             direction: .sendrecv, remoteHold: false))
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
        var generator = EchoGenerator(sockets: sockets, ports: streams.map { UInt16($0.localPort) }, payload: payload,
                                      payloadType: opus ? 111 : 0)
        let generatorStart = pn_thread_cpu_ns()
        generator.run(seconds: seconds)
        let generatorCPU = pn_thread_cpu_ns() &- generatorStart
        let after = engine.statistics
        let rtt = generator.percentiles()
        return Result(calls: calls, seconds: seconds, sent: generator.sent, echoed: generator.echoed,
                      rttP50Milliseconds: rtt.p50, rttP99Milliseconds: rtt.p99, rttMaxMilliseconds: rtt.max,
                      lateTicks: after.lateTicks - before.lateTicks, slowestTickMicroseconds: after.slowestTickMicroseconds,
                      mediaCPUSeconds: Double(after.cpuNanoseconds - before.cpuNanoseconds) / 1e9,
                      mediaPackets: (after.packetsIn - before.packetsIn) + (after.packetsOut - before.packetsOut),
                      generatorCPUSeconds: Double(generatorCPU) / 1e9)
    }
}
