import Codecs
import RTP
import XCTest

/// In-band DTMF survives G.711 (µ-law and A-law) encoding and decoding, as it must on a PCMU or
/// PCMA call leg.
final class InbandDTMFG711Tests: XCTestCase {
    private func roundTrip(_ samples: [Int16], law: G711.Law) -> [Int16] {
        switch law {
        case .mu: samples.map { G711.decodeMuLaw(G711.encodeMuLaw($0)) }
        case .a: samples.map { G711.decodeALaw(G711.encodeALaw($0)) }
        }
    }

    func testEveryKeySurvivesG711AtSeveralLevels() throws {
        for law in [G711.Law.mu, .a] {
            for level in [-5.0, -20, -30] {
                var samples: [Int16] = []
                for key in "0123456789*#ABCD" {
                    samples += try DTMFToneGenerator.tone(key, durationMs: 60, level: level)
                    samples += [Int16](repeating: 0, count: 60 * 8)
                }
                var detector = InbandDTMFDetector()
                var found: [Character] = []
                let coded = roundTrip(samples, law: law)
                for start in stride(from: 0, to: coded.count, by: 160) {
                    let frame = Array(coded[start..<min(start + 160, coded.count)])
                    found += detector.process(frame, timestamp: UInt32(start)).compactMap(\.completedDigit).map(\.digit)
                }
                XCTAssertEqual(String(found), "0123456789*#ABCD", "\(law) at \(level) dBm0")
            }
        }
    }
}
