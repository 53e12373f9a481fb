import RTP
import XCTest

/// RFC 3550 A.1/A.3/A.8 against traces whose answers were worked out by hand (in comments).
final class RTCPReceptionStatisticsTests: XCTestCase {
    private let now = NTPTimestamp(seconds: 1000, fraction: 0)

    /// Feeds `sequences` with timestamps seq × 160 arriving exactly on time.
    private func feed(_ sequences: [UInt16], into statistics: inout RTCPReceptionStatistics) -> [Bool] {
        sequences.map { statistics.record(sequence: $0, timestamp: UInt32($0) &* 160, arrival: UInt32($0) &* 160 &+ 5000) }
    }

    func testLossIntervalsAndCumulativeLoss() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 1, minimumSequential: 1)
        // 1...10 with 4 and 7 missing: expected 10, received 8, lost 2.
        XCTAssertEqual(feed([1, 2, 3, 5, 6, 8, 9, 10], into: &statistics), Array(repeating: true, count: 8))
        XCTAssertEqual(statistics.expected, 10)
        XCTAssertEqual(statistics.cumulativeLost, 2)
        let first = statistics.makeReportBlock(now: now)
        XCTAssertEqual(first.ssrc, 7)
        XCTAssertEqual(first.extendedHighestSequence, 10)
        XCTAssertEqual(first.cumulativeLost, 2)
        XCTAssertEqual(first.fractionLost, 51, "(2 << 8) / 10 = 51")
        XCTAssertEqual(first.jitter, 0, "every packet on time")
        XCTAssertEqual(first.lastSenderReport, 0)

        // 11...20 lose only 15: interval expected 10, received 9 → 25; cumulative 3.
        _ = feed([11, 12, 13, 14, 16, 17, 18, 19, 20], into: &statistics)
        let second = statistics.makeReportBlock(now: now)
        XCTAssertEqual(second.fractionLost, 25, "(1 << 8) / 10 = 25")
        XCTAssertEqual(second.cumulativeLost, 3)

        // Nothing new: no interval, fraction 0.
        XCTAssertEqual(statistics.makeReportBlock(now: now).fractionLost, 0)
    }

    func testDuplicatesMakeLossNegativeAndFractionZero() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 1, minimumSequential: 1)
        _ = feed([1, 2, 3, 3, 3], into: &statistics)
        // Expected 3, received 5 (duplicates count, A.3).
        let block = statistics.makeReportBlock(now: now)
        XCTAssertEqual(block.cumulativeLost, -2)
        XCTAssertEqual(block.fractionLost, 0)
        XCTAssertEqual(block.extendedHighestSequence, 3)
    }

    func testReorderingIsNotLoss() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 1, minimumSequential: 1)
        _ = feed([1, 2, 4, 3, 5], into: &statistics)
        XCTAssertEqual(statistics.extendedHighestSequence, 5)
        XCTAssertEqual(statistics.cumulativeLost, 0)
    }

    func testSequenceWrapExtendsTheHighestSequence() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 65533, minimumSequential: 1)
        _ = feed([65533, 65534, 65535, 0, 1, 2], into: &statistics)
        // One wrap: 1 << 16 + 2 = 65538; expected 65538 − 65533 + 1 = 6.
        XCTAssertEqual(statistics.extendedHighestSequence, 65538)
        XCTAssertEqual(statistics.expected, 6)
        XCTAssertEqual(statistics.cumulativeLost, 0)
        // A late packet from before the wrap does not move the maximum back.
        _ = feed([65535], into: &statistics)
        XCTAssertEqual(statistics.extendedHighestSequence, 65538)
    }

    func testProbationWithTheRFCDefault() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 100)
        // MIN_SEQUENTIAL 2: 100 is on probation, 101 validates and becomes the base.
        XCTAssertEqual(feed([100, 101, 102], into: &statistics), [false, true, true])
        XCTAssertTrue(statistics.isValid)
        XCTAssertEqual(statistics.received, 2)
        XCTAssertEqual(statistics.expected, 2)

        // Out of order while on probation restarts the run.
        var restarted = RTCPReceptionStatistics(ssrc: 7, firstSequence: 100)
        XCTAssertEqual(feed([100, 50, 51, 52], into: &restarted), [false, false, true, true])
        XCTAssertEqual(restarted.expected, 2)
    }

    func testBigJumpResynchronizesOnlyWhenConfirmed() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 1, minimumSequential: 1)
        _ = feed(Array(1...10), into: &statistics)
        // 5000 is more than MAX_DROPOUT (3000) ahead: ignored, remembered as bad_seq 5001.
        XCTAssertEqual(feed([5000], into: &statistics), [false])
        XCTAssertEqual(statistics.extendedHighestSequence, 10)
        // A stray is forgotten when the stream goes on.
        XCTAssertEqual(feed([11], into: &statistics), [true])
        // 6000 then 6001: the second confirms the jump; the sequence restarts at 6001.
        XCTAssertEqual(feed([6000, 6001, 6002], into: &statistics), [false, true, true])
        XCTAssertEqual(statistics.extendedHighestSequence, 6002)
        XCTAssertEqual(statistics.received, 2)
        XCTAssertEqual(statistics.expected, 2)
    }

    func testJitterFollowsTheIntegerRecursionOfA8() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 0, minimumSequential: 1)
        // (timestamp, arrival): transit 1000, 1000, 1010, 1000, 1020 → D = 0, 10, 10, 20.
        // J16: 0 → 0 + 0 − 0 = 0 → 0 + 10 − 0 = 10 → 10 + 10 − 1 = 19 → 19 + 20 − 1 = 38.
        // Reported J = 38 >> 4 = 2 (the floating-point form gives 2.39).
        let trace: [(UInt32, UInt32)] = [(0, 1000), (160, 1160), (320, 1330), (480, 1480), (640, 1660)]
        for (index, (timestamp, arrival)) in trace.enumerated() {
            XCTAssertTrue(statistics.record(sequence: UInt16(index), timestamp: timestamp, arrival: arrival))
        }
        XCTAssertEqual(statistics.jitter, 2)
    }

    func testSteadyJitterConvergesToTheFixedPoint() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 0, minimumSequential: 1)
        // Arrivals alternate 0 and 80 units late, so |D| = 80 every packet. The recursion
        // J16 += 80 − ((J16 + 8) >> 4) stops where (J16 + 8) >> 4 = 80, first at J16 = 1272,
        // which reports 1272 >> 4 = 79.
        for index in 0..<400 {
            let timestamp = UInt32(index) * 160
            _ = statistics.record(sequence: UInt16(index), timestamp: timestamp, arrival: timestamp + (index % 2 == 0 ? 0 : 80))
        }
        XCTAssertEqual(statistics.jitter, 79)
    }

    func testJitterSurvivesTimestampAndArrivalWrap() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 0, minimumSequential: 1)
        // Timestamps wrap past 2^32 while the network delay stays constant: no jitter.
        for index in 0..<50 {
            let timestamp = UInt32.max - 2000 &+ UInt32(index) &* 160
            _ = statistics.record(sequence: UInt16(index), timestamp: timestamp, arrival: timestamp &+ 12345)
        }
        XCTAssertEqual(statistics.jitter, 0)
    }

    func testLastSenderReportAndDelay() {
        var statistics = RTCPReceptionStatistics(ssrc: 7, firstSequence: 1, minimumSequential: 1)
        _ = feed([1, 2, 3], into: &statistics)
        let sr = RTCPSenderReport(ssrc: 7, ntpTimestamp: NTPTimestamp(seconds: 0xB705, fraction: 0x2000_0000),
                                  rtpTimestamp: 0, packetCount: 3, octetCount: 480)
        let arrival = NTPTimestamp(seconds: 2000, fraction: 0)
        statistics.recordSenderReport(sr, arrival: arrival)
        // Reported 5.25 s later: DLSR = 5.25 × 65536 = 0x0005_4000.
        let block = statistics.makeReportBlock(now: NTPTimestamp(seconds: 2005, fraction: 0x4000_0000))
        XCTAssertEqual(block.lastSenderReport, 0xB705_2000)
        XCTAssertEqual(block.delaySinceLastSenderReport, 0x0005_4000)
        // A `now` before the arrival gives no delay rather than a wrapped one.
        XCTAssertEqual(statistics.makeReportBlock(now: NTPTimestamp(seconds: 1999, fraction: 0)).delaySinceLastSenderReport, 0)
    }
}
