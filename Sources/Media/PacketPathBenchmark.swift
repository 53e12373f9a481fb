import CMediaShims
import Codecs
import Foundation
import Logging
import RTP

/// The per-packet work of the media plane without its sockets: every tick, for each of N streams,
/// one G.711 packet (parsed in place, latched, counted, jitter-buffered), then the stream's
/// receive tick (pop, decode, in-band DTMF) and send tick (echo: encode, serialize), in the order
/// a media loop's tick runs them. Everything a loop does per packet except `recvmmsg` and
/// `sendto`, on the caller's thread.
///
/// It yields the user-space cost per packet (one in, one out); under glibc's malloc trace it
/// shows that steady state allocates nothing (MediaTests asserts that).
public enum PacketPathBenchmark {
    public struct Result: Sendable {
        public var streams: Int
        public var packets: Int
        /// Wall time per packet handled in and echoed out, in nanoseconds.
        public var nanosecondsPerPacket: Double
        /// Packets the streams took in and sent out (both should equal `packets`).
        public var received: Int
        public var sent: Int
    }

    /// Runs `streams` echo streams for `warmupTicks` then `ticks` timed ticks. `telephoneEvent`
    /// nil turns in-band DTMF detection on (as on a call that did not negotiate telephone-event).
    /// `traceAllocations` adds `ticks` more under the malloc trace (see `parley_malloc_trace.h`).
    public static func run(streams: Int = 1000, ticks: Int = 200, warmupTicks: Int = 50,
                           telephoneEvent: UInt8? = nil, traceAllocations: Bool = false) -> Result {
        var driver = Driver(streams: max(1, streams), telephoneEvent: telephoneEvent)
        defer { driver.close() }
        driver.run(ticks: max(0, warmupTicks))
        let before = driver.counts
        let start = pn_monotonic_ns()
        driver.run(ticks: max(1, ticks))
        let elapsed = pn_monotonic_ns() &- start
        let packets = driver.streams.count * max(1, ticks)
        // A second pass runs under glibc's malloc trace, which logs only when the process was
        // started with LD_PRELOAD=libc_malloc_debug.so.0 and MALLOC_TRACE set (not timed).
        if traceAllocations {
            pn_malloc_trace_start()
            driver.run(ticks: max(1, ticks))
            pn_malloc_trace_stop()
        }
        let after = driver.counts
        let passes = traceAllocations ? 2 : 1
        return Result(streams: driver.streams.count, packets: packets,
                      nanosecondsPerPacket: Double(elapsed) / Double(packets),
                      received: (after.received - before.received) / passes, sent: (after.sent - before.sent) / passes)
    }

    /// Streams fed from one reusable datagram buffer; their sends stop short of the socket.
    struct Driver {
        let streams: [StreamState]
        private let datagram: UnsafeMutableRawBufferPointer
        private let payload: [UInt8]
        private var peer = pn_addr_t()
        private var sequence: UInt16 = 1000
        private var rtpTimestamp: UInt32 = 160_000
        private var now: UInt64

        init(streams count: Int, telephoneEvent: UInt8?) {
            _ = pn_parse_addr("127.0.0.1", 40_000, &peer)
            var made: [StreamState] = []
            for index in 0..<count {
                let stream = StreamState(id: UInt64(index + 1), fd: -1, rtcpFD: -1, localPort: 0, jitterDepth: 3,
                                         mediaTimeoutSeconds: 0, logger: Logger(label: "bench"), onEvent: { _ in })
                stream.transmitsPackets = false
                stream.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: 40_000), codec: .pcmu,
                                                 payloadType: 0, telephoneEventPayloadType: telephoneEvent, ptime: 20,
                                                 direction: .sendrecv, remoteHold: false))
                stream.play(.echo)
                made.append(stream)
            }
            self.streams = made
            datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
            datagram.initializeMemory(as: UInt8.self, repeating: 0)
            // A 440 Hz tone at about -20 dBm0: real samples for the codec and the DTMF filters.
            payload = (0..<160).map { i in G711.encodeMuLaw(Int16(2200 * sin(2 * Double.pi * 440 * Double(i) / 8000))) }
            now = pn_monotonic_ns()
        }

        var counts: (received: Int, sent: Int) {
            streams.reduce((0, 0)) { ($0.0 + $1.stats.packetsReceived, $0.1 + $1.stats.packetsSent) }
        }

        mutating func run(ticks: Int) {
            let length = RTPPacket.fixedHeaderSize + payload.count
            let bytes = UnsafeMutableRawBufferPointer(rebasing: datagram[0..<length])
            payload.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: datagram[12..<length]).copyMemory(from: source)
            }
            for _ in 0..<ticks {
                // As a media loop's tick does it: each stream's packet, then its receive and send ticks.
                for stream in streams {
                    // The same packet for every stream: only the SSRC differs.
                    writeHeader(sequence: sequence, timestamp: rtpTimestamp, ssrc: UInt32(truncatingIfNeeded: stream.id))
                    stream.handle(bytes, from: peer, arrivalNanoseconds: now)
                    stream.receiveTick(now: now)
                    stream.sendTick()
                }
                sequence &+= 1
                rtpTimestamp &+= 160
                now &+= 20_000_000
            }
        }

        /// Writes the 12-byte fixed header (no payload copy, no allocation).
        private func writeHeader(sequence: UInt16, timestamp: UInt32, ssrc: UInt32) {
            datagram[0] = 0x80
            datagram[1] = 0  // PCMU
            datagram.storeBytes(of: sequence.bigEndian, toByteOffset: 2, as: UInt16.self)
            datagram.storeBytes(of: timestamp.bigEndian, toByteOffset: 4, as: UInt32.self)
            datagram.storeBytes(of: ssrc.bigEndian, toByteOffset: 8, as: UInt32.self)
        }

        func close() { datagram.deallocate() }
    }
}
