import RTP
import XCTest

/// Recorded traces through the fixed-depth jitter buffer: per tick, what arrives and what the
/// tick's `pop()` plays, followed by the exact statistics.
final class JitterBufferTests: XCTestCase {
    private typealias Stats = JitterBuffer.Statistics

    private func check(
        _ trace: [Tick], _ expected: Stats, depth: Int = 3, capacity: Int = 50,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        var buffer = JitterBuffer(depth: depth, capacity: capacity)
        XCTAssertEqual(playTrace(trace, through: &buffer), trace.map(\.play), "played", file: file, line: line)
        XCTAssertEqual(buffer.statistics, expected, file: file, line: line)
    }

    func testInOrderPlaysAfterPriming() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([3], 1), ([4], 2), ([5], 3), ([6], 4),
            ([7], 5), ([8], 6), ([9], 7), ([], 8), ([], 9),
        ], Stats(received: 10))
    }

    func testReorderWithinDepthIsRepaired() {
        check([
            ([0], nil), ([2], nil), ([1], 0), ([3], 1), ([5], 2), ([4], 3), ([6], 4), ([], 5), ([], 6),
        ], Stats(received: 7, reordered: 2))
    }

    func testReorderBehindTheFirstPacketMovesThePlayoutPointBack() {
        check([
            ([1], nil), ([0], nil), ([2], 0), ([3], 1), ([], 2), ([], 3),
        ], Stats(received: 4, reordered: 1))
    }

    func testPacketArrivingJustBeforeItsSlotIsReorderedNotLate() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([4], 1), ([3], 2), ([5], 3), ([], 4), ([], 5),
        ], Stats(received: 6, reordered: 1))
    }

    func testDuplicatesOfBufferedPacketsAreDropped() {
        check([
            ([0], nil), ([1], nil), ([1], nil), ([2], 0), ([3], 1), ([2], 2), ([], 3),
        ], Stats(received: 6, duplicates: 2))
    }

    func testLateArrivalAfterItsSlotPlayedIsDropped() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([4], 1), ([5], 2),
            ([6], nil),  // 3 is due and missing: lost
            ([3], 4),    // 3 turns up after its slot: late
            ([7], 5),
            ([1], 6),    // a copy of a packet that already played: late too
            ([], 7),
        ], Stats(received: 9, late: 2, lost: 1))
    }

    func testSingleLossPlaysOneGap() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([3], 1), ([5], 2), ([6], 3),
            ([7], nil),  // 4 lost
            ([8], 5), ([9], 6), ([], 7), ([], 8), ([], 9),
        ], Stats(received: 9, lost: 1))
    }

    func testShortBurstLossPlaysOneGapPerMissingPacket() {
        check([
            ([0], nil), ([1], nil), ([2], nil), ([3], nil), ([4], 0), ([], 1), ([], 2),
            ([7], 3), ([8], 4),
            ([9], nil), ([10], nil),  // 5 and 6 lost
            ([11], 7), ([], 8), ([], 9), ([], 10), ([], 11),
        ], Stats(received: 10, lost: 2), depth: 5)
    }

    func testBurstLongerThanDepthUnderrunsThenSkipsTheGap() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([3], 1), ([], 2), ([], 3),
            ([], nil),                      // empty: underrun, re-prime
            ([], nil), ([], nil), ([9], nil), ([10], nil),
            ([11], 9),                      // primed again: 4...8 skipped as lost
            ([12], 10), ([], 11), ([], 12),
        ], Stats(received: 8, lost: 5, underruns: 1))
    }

    func testSequenceWrapKeepsOrder() {
        check([
            ([65533], nil), ([65534], nil), ([0], 65533), ([65535], 65534), ([1], 65535), ([2], 0), ([], 1), ([], 2),
        ], Stats(received: 6, reordered: 1))
    }

    func testLossAcrossTheWrap() {
        check([
            ([65534], nil), ([65535], nil), ([1], 65534), ([2], 65535), ([3], nil), ([], 1), ([], 2), ([], 3),
        ], Stats(received: 5, lost: 1))
    }

    func testNewSSRCResetsOnceConfirmedAndReprimes() {
        var buffer = JitterBuffer()
        let trace: [Tick] = [
            ([0], nil), ([1], nil), ([2], 0), ([3], 1),
            ([1000], 2),    // new SSRC: on probation, the old stream keeps playing
            ([1001], nil),  // confirmed: 3 is discarded, priming restarts from 1000
            ([1002], 1000), ([], 1001), ([], 1002), ([], nil),
        ]
        let played = playTrace(trace, through: &buffer) { $0 >= 4 ? 0xBBBB : 0x1234_5678 }
        XCTAssertEqual(played, trace.map(\.play))
        XCTAssertEqual(buffer.statistics, Stats(received: 7, underruns: 1, resets: 1))
    }

    func testBigForwardJumpResetsOnceConfirmed() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([3], 1),
            ([54], 2),    // 51 ahead of the newest (capacity 50): on probation
            ([55], nil),  // confirmed: reset, 3 discarded
            ([56], 54), ([], 55), ([], 56),
        ], Stats(received: 7, resets: 1))
    }

    func testBigBackwardJumpResetsOnceConfirmed() {
        check([
            ([1000], nil), ([1001], nil), ([1002], 1000),
            ([10], 1001),  // 992 behind: the sender may have restarted its sequence
            ([11], nil),   // it has: reset
            ([12], 10), ([], 11), ([], 12),
        ], Stats(received: 6, resets: 1))
    }

    func testJumpOfExactlyCapacityIsNotAReset() {
        check([
            ([0], nil), ([1], 0), ([], 1), ([], nil),
            ([9], nil),   // 8 ahead of the newest with capacity 8: kept
            ([10], 9),    // primed: 2...8 skipped as lost
            ([], 10),
        ], Stats(received: 4, lost: 7, underruns: 1), depth: 2, capacity: 8)
        check([
            ([0], nil), ([1], 0), ([], 1), ([], nil),
            ([10], nil),  // 9 ahead: on probation
            ([11], 10),   // confirmed: reset and play
            ([], 11),
        ], Stats(received: 4, underruns: 1, resets: 1), depth: 2, capacity: 8)
    }

    func testUnderrunReprimesAndKeepsThePlayoutPoint() {
        var buffer = JitterBuffer()
        XCTAssertEqual(playTrace([([0], nil), ([1], nil), ([2], 0), ([], 1), ([], 2)], through: &buffer), [nil, nil, 0, 1, 2])
        XCTAssertTrue(buffer.isPlaying)
        XCTAssertNil(buffer.pop())
        XCTAssertFalse(buffer.isPlaying, "underrun re-primes")
        XCTAssertEqual(buffer.statistics.underruns, 1)
        let rest: [Tick] = [
            ([3], nil), ([4], nil), ([5], 3),
            ([2], 4),    // older than the playout point even while it was priming: late
            ([], 5), ([], nil),
        ]
        XCTAssertEqual(playTrace(rest, through: &buffer), rest.map(\.play))
        XCTAssertEqual(buffer.statistics, Stats(received: 7, late: 1, underruns: 2))
    }

    func testNothingPlaysBeforeTheFirstPacket() {
        var buffer = JitterBuffer()
        for _ in 0..<5 { XCTAssertNil(buffer.pop()) }
        XCTAssertEqual(buffer.statistics, Stats())
        XCTAssertEqual(buffer.count, 0)
    }
}
