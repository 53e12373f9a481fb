import RTP
import XCTest

/// ``DTMFReceiver`` over long events, timestamp wrap and random loss.
final class DTMFReceiverLossTests: XCTestCase {
    /// A press of `units` timestamp units sent as RFC 4733 §2.5.1.3 segments: updates every
    /// 160, a segment reaching 0xFFFF is reported at 0xFFFF without E and the next segment's
    /// timestamp is 0xFFFF later.
    private func longPress(event: UInt8, ts: UInt32, units: Int, segmentMarker: Bool = false) -> [RTPPacket] {
        var packets: [RTPPacket] = []
        var sequence: UInt16 = 1
        var segmentStart = 0
        var segmentTimestamp = ts
        var elapsed = 0
        func add(_ duration: Int, end: Bool, marker: Bool) {
            let packet = eventPacket(sequence, ts: segmentTimestamp, event: event, duration: UInt16(duration),
                                     end: end, marker: marker)
            packets.append(packet)
            sequence &+= 1
        }
        var first = true
        var newSegment = false
        while elapsed < units {
            elapsed = min(elapsed + 160, units)
            if elapsed - segmentStart > 0xFFFF {
                add(0xFFFF, end: false, marker: false)
                segmentStart += 0xFFFF
                segmentTimestamp &+= 0xFFFF
                newSegment = true
            }
            add(elapsed - segmentStart, end: false, marker: first || (newSegment && segmentMarker))
            first = false
            newSegment = false
        }
        for _ in 0..<3 { add(units - segmentStart, end: true, marker: false) }
        return packets
    }

    func testLongEventAcrossTheDurationWrapIsOneDigit() {
        for marker in [false, true] {
            var receiver = DTMFReceiver()
            let packets = longPress(event: 0, ts: 4_000_000, units: 10 * 8000 + 80, segmentMarker: marker)
            let actions = runReceiver(&receiver, ticks: onePerTick(packets))
            XCTAssertEqual(digits(actions), [DTMFDigit(event: 0, duration: 80_080, startTimestamp: 4_000_000, source: .rfc4733)])
            XCTAssertEqual(actions.filter { if case .keyDown = $0.action { true } else { false } }.count, 1)
            XCTAssertEqual(receiver.statistics.segments, 1)
        }
    }

    func testVeryLongEventWithThreeSegmentsAndTimestampWrap() {
        var receiver = DTMFReceiver()
        let start = UInt32.max - 100_000
        let packets = longPress(event: 11, ts: start, units: 25 * 8000)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(packets)))
        XCTAssertEqual(found.map(\.duration), [200_000])
        XCTAssertEqual(found.first?.startTimestamp, start)
        XCTAssertEqual(receiver.statistics.segments, 3)
    }

    func testLostSegmentBoundaryPacketStillJoinsSegments() {
        var receiver = DTMFReceiver()
        let packets = longPress(event: 4, ts: 0, units: 9 * 8000).filter { block($0).duration != 0xFFFF }
        let found = digits(runReceiver(&receiver, ticks: onePerTick(packets)))
        XCTAssertEqual(found.map(\.duration), [72_000])
    }

    func testSameKeyAfterAGapIsNotMistakenForASegment() {
        var receiver = DTMFReceiver()
        let first = pressPackets(event: 8, ts: 0, firstSequence: 0, updates: 5)
        let second = pressPackets(event: 8, ts: 0xFFFF, firstSequence: 8, updates: 5)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(first) + [[]] + onePerTick(second)))
        XCTAssertEqual(found.map(\.startTimestamp), [0, 0xFFFF], "the first press ended with E, so a new one starts")
    }

    /// All 16 keys, 100 ms each with 60 ms gaps, through a network losing 10% of packets at
    /// random: every key is still reported exactly once, in order.
    func testTenPercentRandomLossOverAll16DigitsReportsEachOnce() {
        let keys: [Character] = ["1", "2", "3", "A", "4", "5", "6", "B", "7", "8", "9", "C", "*", "0", "#", "D"]
        var sent: [[RTPPacket]] = []
        var sequence: UInt16 = 60_000
        var timestamp: UInt32 = UInt32.max - 5 * 160  // wraps during the test
        for key in keys {
            let event = DTMFDigit.event(for: key)
            let packets = pressPackets(event: event ?? 255, ts: timestamp, firstSequence: sequence, updates: 5)
            sent += onePerTick(packets)
            sent += [[], []]  // 60 ms of audio between presses (not fed to this receiver)
            sequence &+= UInt16(packets.count + 3)
            timestamp &+= UInt32((packets.count + 3) * 160)
        }
        var fullLength = 0
        var total = 0
        for seed in UInt64(1)...40 {
            var random = SeededGenerator(seed: seed)
            let lossy = sent.map { tick in tick.filter { _ in Double.random(in: 0..<1, using: &random) >= 0.1 } }
            var receiver = DTMFReceiver()
            let found = digits(runReceiver(&receiver, ticks: lossy))
            XCTAssertEqual(String(found.map(\.digit)), String(keys), "seed \(seed)")
            // Three updates lost in a row end a press early (timeout); it is still reported once.
            XCTAssertTrue(found.allSatisfy { $0.duration >= 160 && $0.duration <= 800 }, "seed \(seed): \(found)")
            fullLength += found.filter { $0.duration == 800 }.count
            total += found.count
        }
        XCTAssertGreaterThan(Double(fullLength) / Double(total), 0.95, "almost every press keeps its full 100 ms")
    }

    private func block(_ packet: RTPPacket) -> TelephoneEvent {
        (try? TelephoneEvent(parsing: packet.payload)) ?? TelephoneEvent(event: 255, end: false, volume: 0, duration: 0)
    }
}
