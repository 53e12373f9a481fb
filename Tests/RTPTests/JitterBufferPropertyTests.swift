import RTP
import XCTest

/// Seeded network simulations through the jitter buffer. Whatever the arrival pattern, playout
/// is strictly in order, packets come out intact, the buffer never exceeds its capacity, and once
/// drained every sequence number from the first sent to the newest received was played, lost or
/// dropped exactly once.
final class JitterBufferPropertyTests: XCTestCase {
    /// How the simulated network misbehaves. The first `cleanTicks` are always clean, so
    /// playout starts at the first packet sent.
    struct Network {
        /// Wide enough that no loss burst exceeds it, so no resets are expected.
        var capacity: ClosedRange<Int>
        var lossPercent = 6
        var swapPercent = 15
        var duplicatePercent = 4
        var holdPercent = 20
        /// Chance per tick of a freeze of 5...30 ticks, released as one burst.
        var freezePercent = 0
        /// Chance per packet of arriving 1...10 ticks late on its own.
        var stragglerPercent = 0
        let cleanTicks = 8
        let ticks = 600
    }

    func testSmallBuffersThroughFreezesOverflowButStayConsistent() {
        let totals = simulate(Network(capacity: 8...16, freezePercent: 2), seeds: 1...30)
        XCTAssertGreaterThan(totals.overflowDropped, 0, "\(totals)")
        XCTAssertGreaterThan(totals.underruns, 30, "\(totals)")
    }

    func testStragglersArriveLateButStayConsistent() {
        let totals = simulate(Network(capacity: 40...60, stragglerPercent: 4), seeds: 31...60)
        XCTAssertGreaterThan(totals.late, 0, "\(totals)")
        XCTAssertGreaterThan(totals.duplicates, 0, "\(totals)")
        XCTAssertGreaterThan(totals.reordered, 0, "\(totals)")
    }

    /// Runs one stream per seed, checks the invariants and returns the summed statistics.
    private func simulate(_ network: Network, seeds: ClosedRange<UInt64>) -> JitterBuffer.Statistics {
        var totals = JitterBuffer.Statistics()
        for seed in seeds {
            var random = SeededGenerator(seed: seed)
            let capacity = Int.random(in: network.capacity, using: &random)
            var buffer = JitterBuffer(depth: Int.random(in: 1...6, using: &random), capacity: capacity)
            let first = UInt16.random(in: 65000...65535, using: &random)  // crosses the wrap
            var inFlight: [UInt16] = []
            var stragglers: [(due: Int, sequence: UInt16)] = []
            var frozenUntil = 0
            var played: [UInt16] = []
            var inserted = 0
            var newest = first

            func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

            for tick in 0..<(network.ticks + 2 * capacity + 20) {
                let messy = tick >= network.cleanTicks && tick < network.ticks
                if tick < network.ticks, !messy || !chance(network.lossPercent) {
                    let sequence = first &+ UInt16(tick)
                    if messy, chance(network.stragglerPercent) {
                        stragglers.append((tick + Int.random(in: 1...10, using: &random), sequence))
                    } else {
                        inFlight.append(sequence)
                    }
                }
                if messy, inFlight.count > 1, chance(network.swapPercent) {
                    inFlight.swapAt(inFlight.count - 1, inFlight.count - 2)
                }
                if messy, let last = inFlight.last, chance(network.duplicatePercent) {
                    inFlight.append(last)
                }
                if messy, tick >= frozenUntil, chance(network.freezePercent) {
                    frozenUntil = tick + Int.random(in: 5...30, using: &random)
                }
                let holding = messy && (tick < frozenUntil || chance(network.holdPercent))
                if !holding {
                    let flush = tick >= network.ticks
                    inFlight += stragglers.filter { $0.due <= tick || flush }.map(\.sequence)
                    stragglers.removeAll { $0.due <= tick || flush }
                    for sequence in inFlight {
                        buffer.insert(audioPacket(sequence))
                        inserted += 1
                        if Serial.isNewer(sequence, than: newest) { newest = sequence }
                        XCTAssertLessThanOrEqual(buffer.count, capacity)
                    }
                    inFlight.removeAll()
                }
                if let packet = buffer.pop() {
                    XCTAssertEqual(packet, audioPacket(packet.sequenceNumber))
                    if let previous = played.last {
                        XCTAssertTrue(Serial.isNewer(packet.sequenceNumber, than: previous), "seed \(seed)")
                    }
                    played.append(packet.sequenceNumber)
                }
            }

            let stats = buffer.statistics
            XCTAssertEqual(buffer.count, 0, "seed \(seed): drained")
            XCTAssertEqual(stats.received, inserted)
            XCTAssertEqual(stats.resets, 0, "seed \(seed): \(stats)")
            XCTAssertGreaterThan(played.count, network.ticks / 2, "seed \(seed)")
            XCTAssertEqual(played.first, first, "seed \(seed)")
            let span = Serial.distance(from: first, to: newest) + 1
            XCTAssertEqual(played.count + stats.lost + stats.overflowDropped, span, "seed \(seed): \(stats)")
            totals.late += stats.late
            totals.duplicates += stats.duplicates
            totals.reordered += stats.reordered
            totals.overflowDropped += stats.overflowDropped
            totals.underruns += stats.underruns
            totals.strays += stats.strays
        }
        return totals
    }
}
