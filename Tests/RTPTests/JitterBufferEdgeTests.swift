import RTP
import XCTest

/// Capacity overflow, configuration limits and a seeded property test of the jitter buffer.
final class JitterBufferEdgeTests: XCTestCase {
    private typealias Stats = JitterBuffer.Statistics

    func testCapacityOverflowDropsTheOldestWhenTheCallerStalls() {
        var buffer = JitterBuffer(depth: 2, capacity: 5)
        for sequence: UInt16 in 0...7 {
            buffer.insert(audioPacket(sequence))
            XCTAssertLessThanOrEqual(buffer.count, 5)
        }
        XCTAssertEqual(buffer.count, 5)
        let trace: [Tick] = [([], 3), ([], 4), ([], 5), ([], 6), ([], 7), ([], nil)]
        XCTAssertEqual(playTrace(trace, through: &buffer), trace.map(\.play))
        XCTAssertEqual(buffer.statistics, Stats(received: 8, overflowDropped: 3, underruns: 1))
    }

    func testOverflowAcrossAGapCountsTheGapAsLost() {
        var buffer = JitterBuffer(depth: 2, capacity: 5)
        let trace: [Tick] = [
            ([0, 1, 6], nil),  // 6 needs the window to start at 2: 0 and 1 pushed out unplayed
            ([7], 6),          // 7 pushes out empty slot 2; playout starts and skips 3...5
            ([], 7), ([], nil),
        ]
        XCTAssertEqual(playTrace(trace, through: &buffer), trace.map(\.play))
        // Sequence numbers 0...7: two dropped, four lost, two played.
        XCTAssertEqual(buffer.statistics, Stats(received: 4, lost: 4, overflowDropped: 2, underruns: 1))
    }

    func testDepthAndCapacityAreClampedToWorkableValues() {
        let tiny = JitterBuffer(depth: 0, capacity: 0)
        XCTAssertEqual(tiny.depth, 1)
        XCTAssertEqual(tiny.capacity, 1)
        let deep = JitterBuffer(depth: 80, capacity: 10)
        XCTAssertEqual(deep.depth, 10)
        let huge = JitterBuffer(depth: 3, capacity: 1_000_000)
        XCTAssertEqual(huge.capacity, JitterBuffer.maximumCapacity)

        var buffer = JitterBuffer(depth: -3, capacity: -1)
        let trace: [Tick] = [([0], 0), ([1, 2], 2), ([3], 3), ([], nil)]
        XCTAssertEqual(playTrace(trace, through: &buffer), trace.map(\.play))
        XCTAssertEqual(buffer.statistics, Stats(received: 4, overflowDropped: 1, underruns: 1))
    }

    func testDefaultsAreThreeFramesAndFiftySlots() {
        let buffer = JitterBuffer()
        XCTAssertEqual(buffer.depth, 3)
        XCTAssertEqual(buffer.capacity, 50)
        XCTAssertFalse(buffer.isPlaying)
    }

    func testRemoveAllStartsAFreshStreamWithoutCountingAReset() {
        var buffer = JitterBuffer()
        playTrace([([0], nil), ([1], nil), ([2], 0)], through: &buffer)
        buffer.removeAll()
        XCTAssertEqual(buffer.count, 0)
        XCTAssertNil(buffer.pop())
        let trace: [Tick] = [([500], nil), ([501], nil), ([502], 500), ([], 501)]
        XCTAssertEqual(playTrace(trace, through: &buffer), trace.map(\.play))
        XCTAssertEqual(buffer.statistics, Stats(received: 6))
    }

    func testTimestampsAndMarkersPassThroughUntouched() {
        var buffer = JitterBuffer(depth: 1)
        let packet = RTPPacket(payloadType: 101, sequenceNumber: 9, timestamp: 0xFFFF_FFF0, ssrc: 7,
                               marker: true, payload: [1, 2, 3, 4], csrcs: [5])
        buffer.insert(packet)
        XCTAssertEqual(buffer.pop(), packet)
    }

    func testLoneStragglerFarBehindIsAStrayNotAReset() {
        check([
            ([100], nil), ([101], nil), ([102], 100), ([103], 101),
            ([40], 102),   // 63 behind: on probation
            ([104], 103),  // the stream goes on: 40 was a stray
            ([], 104),
        ], Stats(received: 6, strays: 1))
    }

    func testStalePacketFromTheOldSSRCDoesNotUndoASwitch() {
        var buffer = JitterBuffer()
        let trace: [Tick] = [
            ([0], nil), ([1], nil), ([2], 0),
            ([500], 1),    // SSRC B on probation
            ([501], nil),  // confirmed: reset to B
            ([3], nil),    // a late packet of SSRC A: on probation
            ([502], 500),  // B continues: the A packet was a stray
            ([], 501), ([], 502),
        ]
        let ssrcs: [UInt32] = [0xA, 0xA, 0xA, 0xB, 0xB, 0xA, 0xB, 0xB, 0xB]
        XCTAssertEqual(playTrace(trace, through: &buffer) { ssrcs[$0] }, trace.map(\.play))
        XCTAssertEqual(buffer.statistics, Stats(received: 7, resets: 1, strays: 1))
    }

    func testFarAheadStrayIsDropped() {
        check([
            ([0], nil), ([1], nil), ([2], 0), ([30000], 1), ([3], 2), ([], 3),
        ], Stats(received: 5, strays: 1))
    }

    func testProbationCandidatesMustBeCloseToEachOther() {
        check([
            ([0], nil), ([1], nil), ([2], 0),
            ([20000], 1),  // on probation
            ([40000], 2),  // far from 20000 too: 20000 is a stray, 40000 on probation
            ([3], 3),      // the stream goes on: 40000 is a stray
        ], Stats(received: 6, strays: 2))
    }

    func testDuplicateOfACandidateDoesNotConfirmIt() {
        check([
            ([0], nil), ([1], nil), ([2], 0),
            ([900], 1), ([900], 2),  // a copy confirms nothing
            ([901], nil),            // a successor does
            ([902], 900), ([], 901), ([], 902),
        ], Stats(received: 7, duplicates: 1, resets: 1))
    }

    private func check(
        _ trace: [Tick], _ expected: Stats, depth: Int = 3, capacity: Int = 50,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        var buffer = JitterBuffer(depth: depth, capacity: capacity)
        XCTAssertEqual(playTrace(trace, through: &buffer), trace.map(\.play), "played", file: file, line: line)
        XCTAssertEqual(buffer.statistics, expected, file: file, line: line)
    }
}
