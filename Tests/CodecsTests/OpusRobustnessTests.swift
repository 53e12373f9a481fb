import Codecs
import XCTest

/// Bytes from the network never crash the Opus decoder: malformed packets are typed errors and
/// the decoder keeps working afterwards.
final class OpusRobustnessTests: XCTestCase {
    private typealias Signals = AudioTestSignals

    private func expectCorrupt(_ bytes: [UInt8], _ decoder: Opus.Decoder, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try decoder.decode(payload: bytes), file: file, line: line) { error in
            guard case .corruptPayload(codec: "opus", _) = error as? CodecError else {
                return XCTFail("\(bytes): \(error)", file: file, line: line)
            }
        }
    }

    func testMalformedPacketsAreRefused() throws {
        let decoder = try Opus.Decoder(sampleRate: 16_000)
        expectCorrupt([], decoder)
        expectCorrupt([0x03, 0x00], decoder)  // code 3 with zero frames (RFC 6716 §3.2.5 R5)
        expectCorrupt([0x01, 0x00], decoder)  // code 1 needs an even number of bytes (R3)
        expectCorrupt([0x02, 0xFC], decoder)  // code 2 whose first frame is longer than the packet (R4)
        expectCorrupt([0x1B, 0x3F] + [UInt8](repeating: 0, count: 63), decoder)  // 63 × 40 ms > 120 ms (R5)
        XCTAssertThrowsError(try decoder.decode(payload: [UInt8](repeating: 0xF8, count: Opus.maximumPayload + 1))) { error in
            XCTAssertEqual(error as? CodecError,
                           .payloadTooLarge(codec: "opus", count: Opus.maximumPayload + 1, limit: Opus.maximumPayload))
        }
        for bytes: [UInt8] in [[], [0x03, 0x00], [0x01, 0x00]] {
            XCTAssertThrowsError(try Opus.PacketInfo(parsing: bytes))
        }
    }

    func testRandomBytesNeverTrapAndTheDecoderRecovers() throws {
        let encoder = try Opus.Encoder(sampleRate: 16_000)
        let valid = try encoder.encode(frame: Signals.tone(440, rate: 16_000, count: 320))
        let decoder = try Opus.Decoder(sampleRate: 16_000)
        var generator = Signals.SplitMix64(state: 0x5EED)
        var refused = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 1...200, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            } else {
                // Mutate a real packet: the TOC and framing survive more often, reaching deeper code.
                bytes = valid
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                }
                if Bool.random(using: &generator) { bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator)) }
            }
            do {
                let pcm = try decoder.decode(payload: bytes)
                XCTAssertLessThanOrEqual(pcm.count, 16 * Opus.maximumPacketDuration)
                XCTAssertEqual(pcm.count % 40, 0, "whole 2.5 ms units")
                _ = try Opus.PacketInfo(parsing: bytes)
            } catch {
                refused += 1
                guard case .corruptPayload = error else { return XCTFail("\(error)") }
            }
            if round % 500 == 0 {
                var next: [Int16] = []
                try bytes.withUnsafeBytes { try decoder.concealLoss(before: $0, into: &next) }
                XCTAssertFalse(next.isEmpty, "FEC on garbage falls back to concealment")
            }
        }
        XCTAssertGreaterThan(refused, 100, "the fuzzer must actually reach the error path")
        XCTAssertEqual(try decoder.decode(payload: valid).count, 320, "still decodes after 3000 bad packets")
    }
}
