import CMediaShims
import Foundation
import Logging
@testable import Media
import RTP
import XCTest

/// The receive hot path allocates nothing per packet in steady state: a datagram is parsed in
/// place, latched, counted, reported to RTCP statistics and copied into the jitter buffer's
/// recycled storage; comfort noise packets and the pauses after them included. Counted with
/// glibc's malloc trace in a child process (see ``MallocTrace``), which sees every allocation.
///
/// Decoding is left out on purpose: it belongs to Codecs, whose G.711 decoder allocates in a
/// debug build (the standard library's unspecialised `append(contentsOf:)`), though not in
/// release (`parley bench media` traces the whole path there).
final class ReceivePathAllocationTests: XCTestCase {
    private static let test = "MediaTests.ReceivePathAllocationTests/testReceivePathAllocatesNothingPerPacket"

    func testReceivePathAllocatesNothingPerPacket() throws {
        if let workload = MallocTrace.workload {
            return runInChild(workload)
        }
        try XCTSkipUnless(MallocTrace.available, "glibc's \(MallocTrace.library) is not installed")
        let control = try MallocTrace.allocations(test: Self.test, workload: "control")
        XCTAssertGreaterThan(control, 0, "the trace must see an allocation when there is one")
        let receive = try MallocTrace.fewestAllocations(test: Self.test, workload: "receive")
        XCTAssertEqual(receive, 0, "allocations while receiving 1,000 packets")
    }

    // MARK: - Child side

    private func runInChild(_ workload: String) {
        switch workload {
        case "control":
            var kept: [[Int]] = []
            MallocTrace.traced { kept.append(Array(repeating: 7, count: 100 + kept.count)) }
            XCTAssertEqual(kept.count, 1)
        case "receive":
            receiveWorkload()
        default:
            XCTFail("unknown workload \(workload)")
        }
    }

    /// Speech with a comfort-noise pause every 100 packets, 300 packets of warm-up (the jitter
    /// buffer's storage and the RTCP source table grow then), then 1,000 traced.
    private func receiveWorkload() {
        let stream = StreamState(id: 1, fd: -1, rtcpFD: -1, localPort: 0, jitterDepth: 2, mediaTimeoutSeconds: 0,
                                 logger: Logger(label: "test"), onEvent: { _ in })
        stream.transmitsPackets = false
        stream.configure(NegotiatedAudio(remote: MediaAddress(host: "127.0.0.1", port: 40_000), codec: .pcmu, payloadType: 0,
                                         telephoneEventPayloadType: 101, ptime: 20, direction: .sendrecv, remoteHold: false))
        var peer = pn_addr_t()
        _ = pn_parse_addr("127.0.0.1", 40_000, &peer)
        let datagram = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 16)
        defer { datagram.deallocate() }
        var sequence: UInt16 = 500
        var played = 0
        var noise = 0
        func tick(_ index: Int) {
            let now = UInt64(index) * 20_000_000
            let inPause = index % 100 >= 80
            if !inPause {
                let comfortNoise = index % 100 == 79
                let packet = RTPPacket(payloadType: comfortNoise ? 13 : 0, sequenceNumber: sequence,
                                       timestamp: UInt32(truncatingIfNeeded: index * 160), ssrc: 0xC0FFEE,
                                       marker: index % 100 == 0, payload: [])
                let size = comfortNoise ? 1 : 160
                // Header from the (payload-less) value, payload bytes written in place.
                _ = packet.header.serializeFixedHeader(into: datagram)
                for offset in 0..<size { datagram[12 + offset] = comfortNoise ? 50 : UInt8(truncatingIfNeeded: offset &+ index) }
                stream.handle(UnsafeMutableRawBufferPointer(rebasing: datagram[0..<(12 + size)]), from: peer,
                              arrivalNanoseconds: now)
                sequence &+= 1
            }
            switch stream.jitter.popFrame(now: StreamState.rtpClock(now, rate: 8000)) {
            case .frame(let frame):
                var sum = 0
                stream.jitter.withPlayedPayload { for byte in $0 { sum &+= Int(byte) } }
                if frame.isComfortNoise { noise += 1 } else { played += sum > 0 ? 1 : 0 }
            case .conceal, .silence:
                break
            }
        }
        for index in 0..<300 { tick(index) }
        let before = (received: stream.stats.packetsReceived, played: played, noise: noise)
        MallocTrace.traced {
            for index in 300..<1300 { tick(index) }
        }
        XCTAssertEqual(stream.stats.packetsReceived - before.received, 800, "80 of every 100 ticks carry a packet")
        XCTAssertGreaterThan(played - before.played, 700)
        XCTAssertEqual(noise - before.noise, 10, "one comfort noise frame per pause")
        XCTAssertEqual(stream.jitter.statistics.lost, 0)
        XCTAssertEqual(stream.stats.malformedPackets, 0)
    }
}
