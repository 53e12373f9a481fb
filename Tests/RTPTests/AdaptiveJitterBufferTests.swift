import RTP
import XCTest

/// Recorded traces through ``AdaptiveJitterBuffer`` with the default configuration (initial
/// target 60 ms). Packets are sent every 20 ms and arrive 10 units after their send time unless
/// a test moves them; the first plays once it has waited the target, at tick 4.
final class AdaptiveJitterBufferTests: XCTestCase {
    private typealias Stats = AdaptiveJitterBuffer.Statistics

    private func steady(_ range: Range<Int>, phase: UInt32 = 10, ssrc: UInt32 = 0xA0A0_0001) -> [Arrival] {
        range.map { Arrival(packet: streamPacket(UInt16($0), ssrc: ssrc), at: UInt32($0 * 160) + phase) }
    }

    /// Only the counters (delays are checked separately).
    private func counters(_ stats: Stats) -> Stats {
        var copy = stats
        copy.currentDelayMs = 0
        copy.targetDelayMs = 0
        copy.jitterMs = 0
        return copy
    }

    private func stats(_ build: (inout Stats) -> Void) -> Stats {
        var value = Stats()
        build(&value)
        return value
    }

    func testSteadyStreamPlaysEveryPacketAfterTheInitialDelay() {
        var simulation = JitterSimulation()
        simulation.run(steady(0..<20), ticks: 24)
        XCTAssertEqual(simulation.tokens, trace(silences(4), plays(0...19)))
        XCTAssertEqual(counters(simulation.buffer.statistics), stats { $0.received = 20; $0.played = 20 })
        let statistics = simulation.buffer.statistics
        XCTAssertEqual(statistics.currentDelayMs, 78.75, "630 units: waited from 10 to 640")
        XCTAssertEqual(statistics.targetDelayMs, 60)
        XCTAssertEqual(statistics.jitterMs, 0)
        XCTAssertTrue(simulation.played.allSatisfy { $0 == streamPacket($0.sequenceNumber) }, "packets come out unchanged")
    }

    func testReorderDuplicatesAndLoss() {
        var arrivals = steady(0..<20).filter { $0.packet.sequenceNumber != 6 }
        arrivals[2].at = 500                                            // 2 arrives after 3
        arrivals.append(Arrival(packet: streamPacket(8), at: 8 * 160 + 12))   // copy while buffered
        arrivals.append(Arrival(packet: streamPacket(4), at: 12 * 160 + 10))  // copy after it played
        var simulation = JitterSimulation()
        simulation.run(arrivals, ticks: 26)
        XCTAssertEqual(simulation.tokens, trace(silences(4), plays(0...5), ["c"], plays(7...19), ["c", "c"]))
        XCTAssertEqual(counters(simulation.buffer.statistics), stats {
            $0.received = 21; $0.played = 19; $0.duplicates = 2; $0.lost = 1; $0.reordered = 1
            $0.concealed = 3; $0.underruns = 1
        })
    }

    func testLatePacketIsDroppedAndRaisesTheTarget() {
        var arrivals = steady(0..<20)
        arrivals[6].at = 1700  // 730 units late: after its slot at tick 10, before tick 11
        var simulation = JitterSimulation()
        simulation.run(arrivals, ticks: 26)
        // At tick 11 the late packet lifts the target to 730 + 80 units: one frame is inserted.
        XCTAssertEqual(simulation.tokens, trace(silences(4), plays(0...5), ["c", "c"], plays(7...19), ["c"]))
        XCTAssertEqual(counters(simulation.buffer.statistics), stats {
            $0.received = 20; $0.played = 19; $0.late = 1; $0.lost = 1; $0.concealed = 3
            $0.inserted = 1; $0.underruns = 1
        })
        XCTAssertEqual(simulation.buffer.statistics.targetDelayMs, 101.25)
    }

    func testSSRCChangeRestartsAfterProbation() {
        var arrivals = steady(0..<10)
        for index in 10..<20 {
            let packet = streamPacket(UInt16(5000 + index), ts: 777_000 + UInt32(index * 160), ssrc: 0xB0B0)
            arrivals.append(Arrival(packet: packet, at: UInt32(index * 160 + 10)))
        }
        var simulation = JitterSimulation()
        simulation.run(arrivals, ticks: 26)
        XCTAssertEqual(simulation.tokens, trace(silences(4), plays(0...7), silences(2), plays(5010...5019), ["c", "c"]))
        XCTAssertEqual(counters(simulation.buffer.statistics), stats {
            $0.received = 20; $0.played = 18; $0.resets = 1; $0.concealed = 2; $0.underruns = 1
        })
    }

    func testStrayPacketFromAnotherSSRCDoesNotDisturbTheStream() {
        var arrivals = steady(0..<12)
        arrivals.insert(Arrival(packet: streamPacket(999, ssrc: 0xDEAD), at: 5 * 160 + 20), at: 6)
        var simulation = JitterSimulation()
        simulation.run(arrivals, ticks: 16)
        XCTAssertEqual(simulation.tokens, trace(silences(4), plays(0...11)))
        XCTAssertEqual(counters(simulation.buffer.statistics), stats { $0.received = 13; $0.played = 12; $0.strays = 1 })
    }

    func testTimestampJumpResyncsWithoutLoss() {
        var arrivals = steady(0..<10)
        for index in 10..<20 {
            let packet = streamPacket(UInt16(index), ts: 1_000_000 + UInt32(index * 160))
            arrivals.append(Arrival(packet: packet, at: UInt32(index * 160 + 10)))
        }
        var simulation = JitterSimulation()
        simulation.run(arrivals, ticks: 24)
        XCTAssertEqual(simulation.tokens, trace(silences(4), plays(0...19)))
        XCTAssertEqual(counters(simulation.buffer.statistics), stats { $0.received = 20; $0.played = 20; $0.resyncs = 1 })
        XCTAssertEqual(simulation.buffer.statistics.currentDelayMs, 78.75, "same delay in the new epoch")
    }

    func testSilenceGapBetweenTalkspurtsIsNotLossAndReanchors() {
        // Ten packets, one second of DTX (no packets, timestamps jump), ten more with the marker.
        var arrivals = steady(0..<10)
        for index in 10..<20 {
            let timestamp = UInt32((index + 50) * 160)
            let packet = streamPacket(UInt16(index), ts: timestamp, marker: index == 10)
            arrivals.append(Arrival(packet: packet, at: timestamp + 10))
        }
        var simulation = JitterSimulation()
        simulation.run(arrivals, ticks: 80)
        // 5 concealed frames when the stream stops, silence until the talkspurt has waited
        // the target, then the talkspurt; finally the stream stops again.
        let expected = trace(silences(4), plays(0...9), ["c", "c", "c", "c", "c"], silences(45), plays(10...19),
                             ["c", "c", "c", "c", "c", "s"])
        XCTAssertEqual(simulation.tokens, expected)
        XCTAssertEqual(simulation.buffer.statistics.lost, 0)
        XCTAssertEqual(simulation.buffer.statistics.underruns, 2)
    }

    func testPopBeforeAnyPacketIsSilenceAndRemoveAllForgetsTheStream() {
        var buffer = AdaptiveJitterBuffer()
        XCTAssertEqual(buffer.pop(now: 0), .silence)
        buffer.insert(streamPacket(1), arrival: 0)
        XCTAssertEqual(buffer.count, 1)
        buffer.removeAll()
        XCTAssertEqual(buffer.count, 0)
        XCTAssertEqual(buffer.pop(now: 10_000), .silence)
        buffer.insert(streamPacket(40_000, ts: 5), arrival: 20_000)
        XCTAssertEqual(buffer.statistics.resets, 0, "removeAll is not a reset")
        XCTAssertEqual(buffer.pop(now: 20_480), .packet(streamPacket(40_000, ts: 5)))
    }

    func testOverflowWhenTheCallerStopsPopping() {
        var buffer = AdaptiveJitterBuffer(configuration: .init(capacity: 8))
        for sequence in 0..<12 {
            buffer.insert(streamPacket(UInt16(sequence)), arrival: UInt32(sequence * 160))
        }
        XCTAssertEqual(buffer.count, 8)
        XCTAssertEqual(buffer.statistics.overflowDropped, 4)
    }
}
