@testable import RTP
import XCTest

/// The hot-path face of ``AdaptiveJitterBuffer``: `insert(_:payload:…)` from a header parsed in
/// place and `popFrame(now:)` + `withPlayedPayload` give exactly what the `RTPPacket` face gives,
/// payload bytes included, and the payload storage is recycled rather than grown per packet.
final class AdaptiveJitterBufferInPlaceTests: XCTestCase {
    /// A token per pop, with the payload bytes of played frames.
    private enum Token: Equatable {
        case frame(UInt16, UInt32, Bool, [UInt8])
        case conceal
        case silence
    }

    /// A random trace: jittered arrivals, reordering, duplicates, losses, a talkspurt gap, an SSRC
    /// change and payloads of varying size (up to 1,400 bytes, past the pool's first stride).
    private func randomArrivals(seed: UInt64) -> [(packet: RTPPacket, at: UInt32)] {
        var random = SeededGenerator(seed: seed)
        var arrivals: [(RTPPacket, UInt32)] = []
        var ssrc: UInt32 = 0x5151
        var timestampBase: UInt32 = 0
        for sequence in 0..<600 {
            if sequence == 300 { ssrc = 0x7272 }
            if sequence == 200 { timestampBase &+= 8000 }  // a one-second silence gap
            if Int.random(in: 0..<100, using: &random) < 4 { continue }  // lost
            let size = Bool.random(using: &random) ? 160 : Int.random(in: 0...1400, using: &random)
            let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &+ sequence) }
            let packet = RTPPacket(payloadType: 0, sequenceNumber: UInt16(truncatingIfNeeded: sequence &+ 40_000),
                                   timestamp: timestampBase &+ UInt32(sequence * 160), ssrc: ssrc,
                                   marker: sequence == 200, payload: payload)
            let at = UInt32(sequence * 160) &+ timestampBase &+ UInt32.random(in: 0...900, using: &random)
            arrivals.append((packet, at))
            if Int.random(in: 0..<100, using: &random) < 3 { arrivals.append((packet, at &+ 37)) }  // duplicate
        }
        return arrivals.sorted { $0.1 < $1.1 }
    }

    private func runLegacy(_ arrivals: [(packet: RTPPacket, at: UInt32)], ticks: Int) -> ([Token], AdaptiveJitterBuffer.Statistics) {
        var buffer = AdaptiveJitterBuffer()
        var tokens: [Token] = []
        var index = 0
        for tick in 0..<ticks {
            let now = UInt32(tick * 160)
            while index < arrivals.count, arrivals[index].at <= now {
                buffer.insert(arrivals[index].packet, arrival: arrivals[index].at)
                index += 1
            }
            switch buffer.pop(now: now) {
            case .packet(let p): tokens.append(.frame(p.sequenceNumber, p.timestamp, p.marker, p.payload))
            case .conceal: tokens.append(.conceal)
            case .silence: tokens.append(.silence)
            }
        }
        return (tokens, buffer.statistics)
    }

    private func runInPlace(_ arrivals: [(packet: RTPPacket, at: UInt32)], ticks: Int,
                            buffer: inout AdaptiveJitterBuffer) -> [Token] {
        var tokens: [Token] = []
        var index = 0
        for tick in 0..<ticks {
            let now = UInt32(tick * 160)
            while index < arrivals.count, arrivals[index].at <= now {
                // Through wire bytes and a header parsed in place, as the media loop does it.
                let wire = arrivals[index].packet.serialized()
                wire.withUnsafeBytes { raw in
                    guard let header = try? RTPHeader(parsing: raw) else { return XCTFail("unparsable") }
                    buffer.insert(header, payload: header.payload(in: raw), arrival: arrivals[index].at)
                }
                index += 1
            }
            switch buffer.popFrame(now: now) {
            case .frame(let frame):
                var bytes: [UInt8] = []
                buffer.withPlayedPayload { bytes = Array($0) }
                XCTAssertEqual(bytes.count, frame.payloadCount)
                tokens.append(.frame(frame.sequenceNumber, frame.timestamp, frame.marker, bytes))
            case .conceal: tokens.append(.conceal)
            case .silence: tokens.append(.silence)
            }
        }
        return tokens
    }

    func testInPlaceAndPacketFacesAgreeOnRandomTraces() {
        for seed: UInt64 in [1, 2, 3, 0xFEED] {
            let arrivals = randomArrivals(seed: seed)
            let (expected, statistics) = runLegacy(arrivals, ticks: 700)
            var buffer = AdaptiveJitterBuffer()
            let tokens = runInPlace(arrivals, ticks: 700, buffer: &buffer)
            XCTAssertEqual(tokens, expected, "seed \(seed)")
            XCTAssertEqual(buffer.statistics, statistics, "seed \(seed)")
            XCTAssertGreaterThan(statistics.played, 400, "the trace must actually play")
            XCTAssertGreaterThan(statistics.duplicates + statistics.late, 0, "the trace must exercise rejections")
            // Every block is back in the pool or still holds a buffered packet (none leaked).
            XCTAssertEqual(buffer.pool.freeCount + buffer.count + (buffer.candidate == nil ? 0 : 1)
                           + (buffer.playedBlock >= 0 ? 1 : 0), buffer.pool.blockCount, "seed \(seed)")
        }
    }

    func testPayloadStorageStopsGrowingOnceItFitsTheStream() {
        var buffer = AdaptiveJitterBuffer()
        let payload = [UInt8](repeating: 0x5A, count: 160)
        var grownAfterWarmup = false
        var blocks = 0
        for sequence in 0..<2000 {
            let header = RTPHeader(payloadType: 0, sequenceNumber: UInt16(sequence), timestamp: UInt32(sequence * 160),
                                   ssrc: 1, payloadCount: payload.count)
            payload.withUnsafeBytes { buffer.insert(header, payload: $0, arrival: UInt32(sequence * 160)) }
            _ = buffer.popFrame(now: UInt32(sequence * 160))
            if sequence == 100 { blocks = buffer.pool.blockCount }
            if sequence > 100, buffer.pool.blockCount != blocks { grownAfterWarmup = true }
        }
        XCTAssertFalse(grownAfterWarmup)
        XCTAssertLessThanOrEqual(blocks, 16, "a steady stream keeps only a few payloads")
        XCTAssertEqual(buffer.statistics.played, 1997, "all but the packets still waiting out the delay")
    }

    func testPlayedPayloadIsEmptyAfterConcealOrSilenceOrDiscard() {
        var buffer = AdaptiveJitterBuffer(configuration: .init(minimumDelayMs: 0, initialDelayMs: 0))
        XCTAssertEqual(buffer.popFrame(now: 0), .silence)
        var count = -1
        buffer.withPlayedPayload { count = $0.count }
        XCTAssertEqual(count, 0)
        let payload: [UInt8] = [9, 8, 7]
        payload.withUnsafeBytes {
            buffer.insert(RTPHeader(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 1, payloadCount: 3), payload: $0,
                          arrival: 0)
        }
        guard case .frame = buffer.popFrame(now: 2000) else { return XCTFail("the packet is due by then") }
        buffer.withPlayedPayload { XCTAssertEqual(Array($0), payload) }
        let free = buffer.pool.freeCount
        buffer.discardPlayedPayload()
        XCTAssertEqual(buffer.pool.freeCount, free + 1, "the block is back in the pool")
        buffer.withPlayedPayload { count = $0.count }
        XCTAssertEqual(count, 0)
    }

    func testPoolRecyclesBlocksThroughItsFreeList() {
        var pool = JitterPayloadPool(blocks: 2, stride: 16)
        let bytes: [UInt8] = Array(0..<40)
        let a = bytes.withUnsafeBytes { pool.store(UnsafeRawBufferPointer(rebasing: $0[0..<10])) }
        let b = bytes.withUnsafeBytes { pool.store(UnsafeRawBufferPointer(rebasing: $0[0..<16])) }
        XCTAssertEqual(pool.freeCount, 0)
        // A third payload, longer than the stride: the pool widens and grows, keeping a and b.
        let c = bytes.withUnsafeBytes { pool.store($0) }
        XCTAssertEqual(c.count, 40)
        var read: [[UInt8]] = []
        for stored in [a, b, c] { pool.withBytes(stored.block, count: stored.count) { read.append(Array($0)) } }
        XCTAssertEqual(read, [Array(0..<10), Array(0..<16), Array(0..<40)])
        pool.release(b.block)
        let d = bytes.withUnsafeBytes { pool.store(UnsafeRawBufferPointer(rebasing: $0[30..<35])) }
        XCTAssertEqual(d.block, b.block, "the block given back last is taken first")
        pool.withBytes(d.block, count: d.count) { XCTAssertEqual(Array($0), Array(30..<35)) }
        XCTAssertEqual(pool.freeCount + 3, pool.blockCount)
    }
}
