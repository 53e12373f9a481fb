import RTP
import XCTest

/// The E-model estimate against hand-computed values and its expected monotonicity.
final class RTCPQualityEstimateTests: XCTestCase {
    func testPerfectG711Call() {
        // d = 0/2 + 2×0 + 20 = 20 ms; Id = 0.024 × 20 = 0.48; Ie,eff = 0; R = 92.72.
        // MOS = 1 + 0.035 × 92.72 + 7e-6 × 92.72 × 32.72 × 7.28 = 1 + 3.2452 + 0.15460 = 4.39980.
        let estimate = RTCPQualityEstimate(lossFraction: 0, jitter: .zero, roundTrip: .zero)
        XCTAssertEqual(estimate.oneWayDelayMilliseconds, 20, accuracy: 1e-9)
        XCTAssertEqual(estimate.rFactor, 92.72, accuracy: 1e-9)
        XCTAssertEqual(estimate.mos, 4.3998, accuracy: 0.0001)
    }

    func testLossJitterAndDelay() {
        // 5% loss, 10 ms jitter, 100 ms RTT: d = 50 + 20 + 20 = 90 ms, Id = 2.16;
        // Ie,eff = 95 × 5 / (5 + 25.1) = 15.7807; R = 93.2 − 2.16 − 15.7807 = 75.2593.
        // MOS = 1 + 2.63408 + 7e-6 × 75.2593 × 15.2593 × 24.7407 = 3.83297.
        let estimate = RTCPQualityEstimate(lossFraction: 0.05, jitter: .milliseconds(10), roundTrip: .milliseconds(100))
        XCTAssertEqual(estimate.oneWayDelayMilliseconds, 90, accuracy: 1e-9)
        XCTAssertEqual(estimate.rFactor, 75.2593, accuracy: 0.0001)
        XCTAssertEqual(estimate.mos, 3.8330, accuracy: 0.0001)

        // Past 177.3 ms the delay impairment steepens: d = 300 ms → Id = 7.2 + 13.497 = 20.697.
        let slow = RTCPQualityEstimate(lossFraction: 0, jitter: .zero, roundTrip: .milliseconds(560))
        XCTAssertEqual(slow.rFactor, 93.2 - 20.697, accuracy: 0.0001)
    }

    func testBoundsAndMonotonicity() {
        var previous = 5.0
        for loss in stride(from: 0.0, through: 1.0, by: 0.05) {
            let mos = RTCPQualityEstimate(lossFraction: loss, jitter: .milliseconds(5), roundTrip: .milliseconds(50)).mos
            XCTAssertLessThan(mos, previous)
            XCTAssertGreaterThanOrEqual(mos, 1)
            previous = mos
        }
        XCTAssertEqual(RTCPQualityEstimate(lossFraction: 1, jitter: .seconds(1), roundTrip: .seconds(10)).mos, 1)
        XCTAssertEqual(RTCPQualityEstimate.mos(fromR: 120), 4.5)
        XCTAssertEqual(RTCPQualityEstimate.mos(fromR: -3), 1)
    }

    func testFromAReportBlock() {
        // fraction 13/256 ≈ 5.08%, jitter 80 units at 8 kHz = 10 ms.
        let block = RTCPReportBlock(ssrc: 1, fractionLost: 13, jitter: 80)
        let estimate = RTCPQualityEstimate(block: block, clockRate: 8000, roundTrip: .milliseconds(100))
        let direct = RTCPQualityEstimate(lossFraction: 13.0 / 256, jitter: .milliseconds(10), roundTrip: .milliseconds(100))
        XCTAssertEqual(estimate, direct)
    }
}
