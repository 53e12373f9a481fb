import RTP
import XCTest

/// Recorded telephone-event traces through ``DTMFReceiver``: one packet per 20 ms tick unless
/// the trace says otherwise, each press reported exactly once.
final class DTMFReceiverTests: XCTestCase {
    /// Digit 5 at ts 1000: six updates (160...960), three end packets (960).
    private let clean = pressPackets(event: 5, ts: 1000, firstSequence: 100, updates: 6)

    func testCleanEventYieldsOneKeyDownAndOneDigitAtTheFirstEndPacket() {
        var receiver = DTMFReceiver()
        let actions = runReceiver(&receiver, ticks: onePerTick(clean))
        XCTAssertEqual(actions.count, 2)
        XCTAssertEqual(actions.first?.tick, 0)
        XCTAssertEqual(actions.first?.action, .keyDown(digit: "5", event: 5, startTimestamp: 1000))
        XCTAssertEqual(actions.last?.tick, 6, "reported on the first end packet")
        let digit = actions.last?.action.completedDigit
        XCTAssertEqual(digit, DTMFDigit(event: 5, duration: 960, startTimestamp: 1000, source: .rfc4733))
        XCTAssertEqual(digit?.durationMs, 120)
        XCTAssertEqual(receiver.statistics.digits, 1)
        XCTAssertEqual(receiver.statistics.ignored, 2, "the two redundant end packets")
        XCTAssertNil(receiver.activeDigit)
    }

    func testMarkerBitIsNotNeeded() {
        var receiver = DTMFReceiver()
        let packets = pressPackets(event: 9, ts: 1000, firstSequence: 100, updates: 6, marker: false)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(packets)))
        XCTAssertEqual(found.map(\.digit), ["9"])
        XCTAssertEqual(found.first?.duration, 960)
    }

    func testLostStartPacketsStillStartTheEventMidway() {
        var receiver = DTMFReceiver()
        let trace = onePerTick(Array(clean.dropFirst(3)))
        let actions = runReceiver(&receiver, ticks: trace)
        XCTAssertEqual(actions.first?.action, .keyDown(digit: "5", event: 5, startTimestamp: 1000))
        XCTAssertEqual(digits(actions), [DTMFDigit(event: 5, duration: 960, startTimestamp: 1000, source: .rfc4733)])
    }

    func testOnlyEndPacketsSeenYieldsKeyDownAndDigitTogether() {
        var receiver = DTMFReceiver()
        let actions = runReceiver(&receiver, ticks: onePerTick(Array(clean.suffix(3))))
        XCTAssertEqual(actions.map(\.tick), [0, 0])
        XCTAssertEqual(digits(actions).map(\.duration), [960])
    }

    func testAllEndPacketsLostEndsTheEventAfterThreeQuietPacketTimes() {
        var receiver = DTMFReceiver()
        let updates = Array(clean.prefix(6))  // last update at tick 5
        let actions = runReceiver(&receiver, ticks: onePerTick(updates), quietTicks: 10)
        let found = actions.filter { $0.action.completedDigit != nil }
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.tick, 8, "3 × 20 ms after the last update at tick 5")
        XCTAssertEqual(found.first?.action.completedDigit?.duration, 960)
        XCTAssertEqual(receiver.statistics.endedByTimeout, 1)
        XCTAssertEqual(receiver.activeDigit, nil)
    }

    func testActiveDigitWhileHeld() {
        var receiver = DTMFReceiver()
        _ = receiver.handle(clean[0], arrival: 0)
        XCTAssertEqual(receiver.activeDigit, "5")
        _ = receiver.handle(clean[6], arrival: 960)
        XCTAssertNil(receiver.activeDigit)
    }

    func testDelayedEndRetransmitsAndDuplicatesYieldExactlyOneDigit() {
        var receiver = DTMFReceiver()
        var trace = onePerTick(clean)
        trace[7] += [clean[2], clean[6]]       // a duplicate update and an end copy, late
        trace.append([clean[8], clean[8]])     // SIPp repeats ends with one sequence number
        trace.append([])
        trace.append([clean[3]])               // a straggler long after the end
        let found = digits(runReceiver(&receiver, ticks: trace))
        XCTAssertEqual(found.count, 1)
        XCTAssertEqual(found.first?.duration, 960)
        XCTAssertEqual(receiver.statistics.ignored, 2 + 2 + 2 + 1)
    }

    func testReorderedUpdatesKeepTheLongestDuration() {
        var receiver = DTMFReceiver()
        var packets = clean
        packets.swapAt(4, 5)
        packets.swapAt(1, 2)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(packets)))
        XCTAssertEqual(found.map(\.duration), [960])
    }

    func testTwoPressesOfTheSameKeyBackToBackAreTwoDigits() {
        var receiver = DTMFReceiver()
        let first = pressPackets(event: 1, ts: 1000, firstSequence: 10, updates: 5)
        let second = pressPackets(event: 1, ts: 1000 + 8 * 160, firstSequence: 18, updates: 5)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(first + second)))
        XCTAssertEqual(found.map(\.digit), ["1", "1"])
        XCTAssertEqual(found.map(\.startTimestamp), [1000, 2280])
    }

    func testSecondPressWithAllEndPacketsLostEndsTheFirstAtOnce() {
        var receiver = DTMFReceiver()
        let first = pressPackets(event: 1, ts: 1000, firstSequence: 10, updates: 4, ends: 0)
        let second = pressPackets(event: 1, ts: 1000 + 5 * 160, firstSequence: 14, updates: 4)
        let actions = runReceiver(&receiver, ticks: onePerTick(first + second))
        XCTAssertEqual(digits(actions).map(\.duration), [640, 640])
        XCTAssertEqual(actions.first { $0.action.completedDigit != nil }?.tick, 4, "ended when the new timestamp arrived")
        XCTAssertEqual(receiver.statistics.endedByNewEvent, 1)
    }

    func testEventChangeWithoutEndReportsBoth() {
        var receiver = DTMFReceiver()
        let one = pressPackets(event: 1, ts: 5000, firstSequence: 1, updates: 3, ends: 0)
        let two = pressPackets(event: 2, ts: 5000 + 3 * 160, firstSequence: 4, updates: 3)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(one + two)))
        XCTAssertEqual(found.map(\.digit), ["1", "2"])
        XCTAssertEqual(found.map(\.duration), [480, 480])
    }

    func testPacketsOfAnOlderEventAreIgnored() {
        var receiver = DTMFReceiver()
        let one = pressPackets(event: 1, ts: 5000, firstSequence: 1, updates: 3)
        let two = pressPackets(event: 2, ts: 6000, firstSequence: 7, updates: 3)
        var trace = onePerTick(one + two)
        trace[8].append(one[1])  // an update of the first press, very late, mid second press
        let found = digits(runReceiver(&receiver, ticks: trace))
        XCTAssertEqual(found.map(\.digit), ["1", "2"])
    }

    func testSlowSendersUpdatingEvery60msAreNotCutByTheTimeout() {
        var receiver = DTMFReceiver()
        let packets = pressPackets(event: 7, ts: 0, firstSequence: 0, updates: 6, step: 480)
        var trace: [[RTPPacket]] = []
        for packet in packets { trace += [[packet], [], []] }
        let found = digits(runReceiver(&receiver, ticks: trace))
        XCTAssertEqual(found.map(\.duration), [2880])
        XCTAssertEqual(receiver.statistics.endedByTimeout, 0)
    }

    func testNewSSRCEndsTheEventInProgress() {
        var receiver = DTMFReceiver()
        let one = pressPackets(event: 3, ts: 9000, firstSequence: 1, updates: 3, ends: 0)
        let two = pressPackets(event: 3, ts: 100, firstSequence: 500, updates: 3, ssrc: 42)
        let found = digits(runReceiver(&receiver, ticks: onePerTick(one + two)))
        XCTAssertEqual(found.map(\.startTimestamp), [9000, 100], "the new stream's older timestamp is not stale")
    }

    func testNonDTMFEventsAndMalformedPayloadsAreNotReported() {
        var receiver = DTMFReceiver()
        var packets = pressPackets(event: 16, ts: 0, firstSequence: 0, updates: 2)  // hook flash
        packets.append(RTPPacket(payloadType: 101, sequenceNumber: 9, timestamp: 900, ssrc: 0xCAFE_F00D, payload: [5, 0x8a]))
        let actions = runReceiver(&receiver, ticks: onePerTick(packets))
        XCTAssertTrue(actions.isEmpty)
        XCTAssertEqual(receiver.statistics.nonDTMFEvents, 1)
        XCTAssertEqual(receiver.statistics.malformed, 1)
    }

    func testFlushReportsTheKeyStillHeld() {
        var receiver = DTMFReceiver()
        _ = receiver.handle(clean[0], arrival: 0)
        _ = receiver.handle(clean[1], arrival: 160)
        XCTAssertEqual(receiver.flush().compactMap(\.completedDigit).map(\.duration), [320])
        XCTAssertTrue(receiver.flush().isEmpty)
    }
}
