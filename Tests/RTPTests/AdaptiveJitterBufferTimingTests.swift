import RTP
import XCTest

/// ``AdaptiveJitterBuffer`` over simulated networks: jitter bursts, a network calming down and
/// ±0.5% clock skew for five minutes.
final class AdaptiveJitterBufferTimingTests: XCTestCase {
    /// One second of silence in every three, flagged as the caller's VAD would.
    private func isSilent(_ index: Int) -> Bool {
        (index / 50) % 3 == 2
    }

    func testJitterBurstsGrowTheDelayWithoutCountingLoss() {
        // A steady stream; packets 100-104, 300-309 and 500-502 are held up and then arrive
        // together with the next packet (delay bursts of 100, 200 and 60 ms).
        var arrivals: [Arrival] = []
        for index in 0..<700 {
            var at = index * 160 + 10
            if (100...104).contains(index) { at = 105 * 160 + 10 }
            if (300...309).contains(index) { at = 310 * 160 + 10 }
            if (500...502).contains(index) { at = 503 * 160 + 10 }
            arrivals.append(Arrival(packet: streamPacket(UInt16(index)), at: UInt32(at)))
        }
        var simulation = JitterSimulation()
        let split = UInt32(199 * 160)
        simulation.run(arrivals.filter { $0.at <= split }, ticks: 200)
        let afterFirst = simulation.buffer.statistics
        XCTAssertGreaterThanOrEqual(afterFirst.targetDelayMs, 100 + 10, "the 100 ms burst lifted the target at once")
        simulation.run(arrivals.filter { $0.at > split }, ticks: 520, start: 200 * 160)

        let statistics = simulation.buffer.statistics
        XCTAssertEqual(statistics.lost, 0)
        XCTAssertEqual(statistics.late, 0)
        XCTAssertEqual(statistics.played, 700)
        XCTAssertEqual(simulation.played.map(\.sequenceNumber), (0..<700).map(UInt16.init), "every packet, in order")
        XCTAssertEqual(statistics.underruns, 3, "one stall per burst, then the buffer has grown")
        XCTAssertGreaterThanOrEqual(statistics.targetDelayMs, 200, "the 200 ms burst is still within the peak window")
        XCTAssertLessThanOrEqual(statistics.targetDelayMs, 400)
        XCTAssertGreaterThan(statistics.jitterMs, 0)
    }

    func testDelayShrinksWhenTheNetworkCalms() {
        var random = SeededGenerator(seed: 5)
        var arrivals: [Arrival] = []
        let noisy = 1500  // 30 s of up to 150 ms jitter, then 60 s calm
        for index in 0..<4500 {
            let jitter = index < noisy ? Int.random(in: 0...1200, using: &random) : Int.random(in: 0...40, using: &random)
            let packet = streamPacket(UInt16(truncatingIfNeeded: index))
            arrivals.append(Arrival(packet: packet, at: UInt32(index * 160 + 400 + jitter), silent: isSilent(index)))
        }
        var simulation = JitterSimulation()
        let split = UInt32((noisy - 1) * 160)
        simulation.run(arrivals.filter { $0.at <= split }, ticks: noisy)
        let jittery = simulation.buffer.statistics
        XCTAssertGreaterThanOrEqual(jittery.targetDelayMs, 140)
        XCTAssertGreaterThanOrEqual(jittery.currentDelayMs, 100)

        simulation.run(arrivals.filter { $0.at > split }, ticks: 3000 + 20, start: UInt32(noisy * 160))
        let calm = simulation.buffer.statistics
        XCTAssertLessThanOrEqual(calm.targetDelayMs, 25, "target back near the 20 ms floor")
        XCTAssertLessThan(calm.currentDelayMs, 45, "delay followed it down, in silence")
        XCTAssertGreaterThan(calm.dropped, 0)
        XCTAssertEqual(calm.played + calm.dropped + calm.lost, 4500)
        let played = Set(simulation.played.map(\.sequenceNumber))
        let missingSpeech = (0..<4500).filter { !isSilent($0) && !played.contains(UInt16($0)) }
        XCTAssertLessThanOrEqual(missingSpeech.count, calm.lost, "only frames flagged silent were dropped")
    }

    /// Five minutes of packets from a sender whose clock runs `skew` fast (positive) or slow.
    private func skewed(_ skew: Double, silence: Bool, seed: UInt64) -> JitterSimulation {
        var random = SeededGenerator(seed: seed)
        let count = 15_000
        let arrivals = (0..<count).map { index in
            let sent = Double(index * 160) / (1 + skew)
            let at = UInt32(sent) + 400 + UInt32(Int.random(in: 0...80, using: &random))
            return Arrival(packet: streamPacket(UInt16(truncatingIfNeeded: index)), at: at, silent: silence && isSilent(index))
        }
        var simulation = JitterSimulation()
        let ticks = Int(Double(count) / (1 + skew))
        simulation.run(arrivals, ticks: ticks)
        return simulation
    }

    func testFastSenderIsAbsorbedByDroppingSilentFrames() {
        let simulation = skewed(0.005, silence: true, seed: 1)
        let statistics = simulation.buffer.statistics
        XCTAssertEqual(statistics.lost, 0)
        XCTAssertEqual(statistics.late, 0)
        XCTAssertEqual(statistics.underruns, 0)
        XCTAssertEqual(statistics.dropped, 75, accuracy: 8, "0.5% of 15000 frames")
        XCTAssertLessThanOrEqual(simulation.largestDelayMs, 100, "never grows without bound")
        XCTAssertLessThanOrEqual(simulation.buffer.count, 6)
        XCTAssertEqual(statistics.played + statistics.dropped + simulation.buffer.count, statistics.received)
    }

    func testSlowSenderIsAbsorbedByInsertingSilence() {
        let simulation = skewed(-0.005, silence: true, seed: 2)
        let statistics = simulation.buffer.statistics
        XCTAssertEqual(statistics.lost, 0)
        XCTAssertEqual(statistics.late, 0)
        XCTAssertEqual(statistics.underruns, 0, "never starves")
        XCTAssertEqual(statistics.concealed, 0, "all growth happened in silence")
        XCTAssertEqual(statistics.inserted, 75, accuracy: 8)
        XCTAssertEqual(statistics.played, statistics.received - simulation.buffer.count)
        XCTAssertLessThanOrEqual(simulation.largestDelayMs, 80)
    }

    func testSkewWithoutAnySilenceStaysBounded() {
        let fast = skewed(0.005, silence: false, seed: 3)
        XCTAssertEqual(fast.buffer.statistics.lost, 0)
        XCTAssertEqual(fast.buffer.statistics.dropped, 75, accuracy: 10)
        XCTAssertLessThanOrEqual(fast.largestDelayMs, 140, "forced drops keep it within target + 60 ms")

        let slow = skewed(-0.005, silence: false, seed: 4)
        let statistics = slow.buffer.statistics
        XCTAssertEqual(statistics.lost, 0)
        XCTAssertEqual(statistics.late, 0)
        XCTAssertEqual(statistics.played, statistics.received - slow.buffer.count)
        XCTAssertEqual(statistics.concealed, 75, accuracy: 15, "one concealed frame per missing 20 ms")
        XCTAssertLessThanOrEqual(slow.largestDelayMs, 100)
    }
}
