import RTP
import XCTest

/// RFC 3389 comfort noise: the payload format, the generator's level, and the jitter buffer's
/// handling of the transmission pause that follows a CN packet.
final class ComfortNoiseTests: XCTestCase {
    // MARK: payload

    func testPayloadParsesTheLevelAndKeepsTheCoefficients() throws {
        let payload = try ComfortNoisePayload(parsing: hex("""
            2a        # 0 | level 42 (-42 dBov)
            81 7f 05  # three quantized reflection coefficients
            """))
        XCTAssertEqual(payload.level, 42)
        XCTAssertEqual(payload.dBov, -42)
        XCTAssertEqual(payload.reflectionCoefficients, [0x81, 0x7F, 0x05])
        XCTAssertEqual(payload.serialized(), hex("2a 81 7f 05"))
    }

    func testReservedBitIsIgnoredAndLevelOnlyPayloadsRoundTrip() throws {
        let payload = try ComfortNoisePayload(parsing: [0xC0])  // reserved bit set, level 64
        XCTAssertEqual(payload.level, 64)
        XCTAssertEqual(payload.reflectionCoefficients, [])
        XCTAssertEqual(payload.serialized(), [0x40])
        XCTAssertEqual(ComfortNoisePayload(level: 200).level, 127, "levels are clamped to the 7-bit field")
        let level = [UInt8]([0x9E, 1, 2]).withUnsafeBytes { ComfortNoisePayload.level(in: $0) }
        XCTAssertEqual(level, 30)
    }

    func testEmptyPayloadIsRejected() {
        XCTAssertThrowsError(try ComfortNoisePayload(parsing: [])) { error in
            XCTAssertEqual((error as? RTPError)?.kind, .tooShort)
        }
        XCTAssertNil([UInt8]().withUnsafeBytes { ComfortNoisePayload.level(in: $0) })
    }

    // MARK: generator

    private func rmsDB(_ samples: [Int16]) -> Double {
        let energy = samples.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(samples.count)
        return 10 * log10(energy / (ComfortNoiseGenerator.fullScaleRMS * ComfortNoiseGenerator.fullScaleRMS))
    }

    func testNoiseHasTheAnnouncedLevelWithinHalfADecibel() {
        for level in [UInt8(20), 30, 45, 60, 75] {
            var generator = ComfortNoiseGenerator(level: level, seed: UInt64(level))
            var samples: [Int16] = []
            for _ in 0..<50 { generator.append(count: 160, to: &samples) }  // one second at 8 kHz
            XCTAssertEqual(rmsDB(samples), -Double(level), accuracy: 0.5, "level \(level)")
        }
    }

    func testNoiseIsNoiseNotATone() {
        var generator = ComfortNoiseGenerator(level: 30, seed: 99)
        var samples: [Int16] = []
        generator.append(count: 8000, to: &samples)
        // White noise: neighbouring samples are nearly uncorrelated, and it has no DC.
        let mean = samples.reduce(0.0) { $0 + Double($1) } / Double(samples.count)
        var lagged = 0.0
        var energy = 0.0
        for i in 1..<samples.count {
            lagged += Double(samples[i]) * Double(samples[i - 1])
            energy += Double(samples[i]) * Double(samples[i])
        }
        XCTAssertLessThan(abs(lagged / energy), 0.1)
        XCTAssertLessThan(abs(mean), 20)
        XCTAssertGreaterThan(Set(samples).count, 500, "many distinct values")
    }

    func testSameSeedSameNoiseAndLevelChangesTakeEffect() {
        var a = ComfortNoiseGenerator(level: 40, seed: 5)
        var b = ComfortNoiseGenerator(level: 40, seed: 5)
        var first: [Int16] = []
        var second: [Int16] = []
        a.append(count: 320, to: &first)
        b.append(count: 320, to: &second)
        XCTAssertEqual(first, second)
        a.setLevel(70)
        var quiet: [Int16] = []
        a.append(count: 8000, to: &quiet)
        XCTAssertEqual(rmsDB(quiet), -70, accuracy: 0.5)
        XCTAssertEqual(a.level, 70)
    }

    // MARK: jitter buffer

    private func insert(_ buffer: inout AdaptiveJitterBuffer, sequence: UInt16, timestamp: UInt32, payloadType: UInt8,
                        payload: [UInt8], arrival: UInt32, comfortNoise: Bool = false, marker: Bool = false) {
        let header = RTPHeader(payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: 77,
                               marker: marker, payloadCount: payload.count)
        payload.withUnsafeBytes {
            buffer.insert(header, payload: $0, arrival: arrival, isSilence: comfortNoise, isComfortNoise: comfortNoise)
        }
    }

    /// Speech 0-9, a CN packet (seq 10) at 1600, then nothing until speech resumes with seq 11
    /// at timestamp 8000: the pause is neither loss nor underrun nor concealment.
    func testThePauseAfterComfortNoiseIsNotLossOrConcealment() {
        var buffer = AdaptiveJitterBuffer()
        var outputs: [String] = []
        var noiseLevels: [UInt8] = []
        for tick in 0..<80 {
            let now = UInt32(tick * 160)
            if tick < 10 {
                insert(&buffer, sequence: UInt16(tick), timestamp: now, payloadType: 0, payload: [1, 2, 3], arrival: now)
            } else if tick == 10 {
                insert(&buffer, sequence: 10, timestamp: now, payloadType: 13, payload: [45], arrival: now, comfortNoise: true)
            } else if tick >= 50 {
                let sequence = UInt16(11 + tick - 50)
                insert(&buffer, sequence: sequence, timestamp: UInt32(tick * 160), payloadType: 0, payload: [9],
                       arrival: now, marker: tick == 50)
            }
            switch buffer.popFrame(now: now) {
            case .frame(let frame):
                if frame.isComfortNoise {
                    buffer.withPlayedPayload { noiseLevels.append(ComfortNoisePayload.level(in: $0) ?? 0) }
                    outputs.append("n")
                } else {
                    outputs.append("p")
                }
            case .conceal: outputs.append("c")
            case .silence: outputs.append("s")
            }
        }
        let statistics = buffer.statistics
        XCTAssertEqual(noiseLevels, [45])
        XCTAssertEqual(statistics.lost, 0)
        XCTAssertEqual(statistics.concealed, 0, "\(outputs.joined())")
        XCTAssertEqual(statistics.underruns, 0)
        XCTAssertFalse(outputs.contains("c"))
        // Speech, the noise frame, silence through the pause, then speech again.
        let text = outputs.joined()
        XCTAssertTrue(text.contains("pppppppppp" + "n" + "sssss"), text)
        XCTAssertTrue(text.hasSuffix("pppppppppp"), text)
        XCTAssertEqual(statistics.played, outputs.filter { $0 == "p" || $0 == "n" }.count)
    }

    /// Without the CN packet the same gap is an underrun, concealed for a few frames: the
    /// difference is what CN tells the buffer.
    func testTheSameGapWithoutComfortNoiseIsConcealed() {
        var buffer = AdaptiveJitterBuffer()
        for tick in 0..<40 {
            let now = UInt32(tick * 160)
            if tick < 10 {
                insert(&buffer, sequence: UInt16(tick), timestamp: now, payloadType: 0, payload: [1], arrival: now)
            }
            _ = buffer.popFrame(now: now)
        }
        XCTAssertEqual(buffer.statistics.underruns, 1)
        XCTAssertGreaterThan(buffer.statistics.concealed, 0)
    }
}
