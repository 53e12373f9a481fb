@testable import SRTP
import XCTest

/// The in-place buffer contract: exact overhead, nothing written past it, and hostile lengths
/// and headers rejected before libsrtp2 reads them.
final class SRTPBufferTests: XCTestCase {
    func testProtectWritesExactlyTheOverheadAndNothingBeyond() throws {
        for suite in SRTPSuite.supported {
            let (sender, receiver) = try contextPair(testKey(suite))
            let packet = voicePacket(9)
            var buffer = [UInt8](repeating: 0xEE, count: 256)
            buffer.replaceSubrange(0..<packet.count, with: packet)
            let roomy = try buffer.withUnsafeMutableBytes { raw in
                try sender.protectRTP(raw, length: packet.count)
            }
            XCTAssertEqual(roomy, packet.count + suite.rtpOverhead)
            XCTAssertTrue(buffer[roomy...].allSatisfy { $0 == 0xEE }, "\(suite) wrote past its trailer")

            let plain = try buffer.withUnsafeMutableBytes { raw in
                try receiver.unprotectRTP(raw, length: roomy)
            }
            XCTAssertEqual(Array(buffer[..<plain]), packet)
        }
    }

    func testExactlySizedBufferSufficesAndOneByteLessDoesNot() throws {
        for suite in SRTPSuite.supported {
            let sender = try SRTPContext(.sender, key: testKey(suite))
            let packet = voicePacket(3)
            var exact = packet + [UInt8](repeating: 0, count: suite.rtpOverhead)
            var short = packet + [UInt8](repeating: 0, count: suite.rtpOverhead - 1)
            assertSRTPError(.bufferTooSmall) {
                _ = try short.withUnsafeMutableBytes { raw in try sender.protectRTP(raw, length: packet.count) }
            }
            XCTAssertEqual(short, packet + [UInt8](repeating: 0, count: suite.rtpOverhead - 1), "untouched")
            let length = try exact.withUnsafeMutableBytes { raw in try sender.protectRTP(raw, length: packet.count) }
            XCTAssertEqual(length, exact.count)

            let report = receiverReport()
            var rtcpShort = report + [UInt8](repeating: 0, count: suite.rtcpOverhead - 1)
            assertSRTPError(.bufferTooSmall) {
                _ = try rtcpShort.withUnsafeMutableBytes { raw in try sender.protectRTCP(raw, length: report.count) }
            }
        }
        XCTAssertEqual(SRTPSuite.allCases.map { max($0.rtpOverhead, $0.rtcpOverhead) }.max(), SRTPSuite.maximumOverhead)
    }

    func testMalformedHeadersAreRejectedBeforeLibsrtp() throws {
        let (sender, receiver) = try contextPair(testKey(.aesCM128HMACSHA1_80))
        let cases: [(String, [UInt8])] = [
            ("empty", []),
            ("11 bytes", Array(voicePacket(1)[..<11])),
            ("version 1", [0x40] + Array(voicePacket(1).dropFirst())),
            ("15 CSRCs in 20 bytes", [0x8F] + Array(voicePacket(1, payloadSize: 8).dropFirst())),
            ("extension overruns", hex("90 00 0001 00000000 00000001  BEDE 0100  00000000")),
            ("extension header cut", hex("90 00 0001 00000000 00000001  BEDE")),
        ]
        for (name, bytes) in cases {
            var packet = bytes
            assertSRTPError(.malformedPacket) { try sender.protectRTP(&packet) }
            // Unprotect also needs room for the tag after the header.
            packet = bytes + [UInt8](repeating: 0, count: 10)
            assertSRTPError(.malformedPacket) { try receiver.unprotectRTP(&packet) }
            XCTAssertEqual(packet, bytes + [UInt8](repeating: 0, count: 10), name)
        }
        // A valid header whose tag would overlap it.
        var headerOnly = Array(voicePacket(1)[..<20])
        assertSRTPError(.malformedPacket) { try receiver.unprotectRTP(&headerOnly) }

        var shortRTCP = hex("81C90001")
        assertSRTPError(.malformedPacket) { try sender.protectRTCP(&shortRTCP) }
        var wrongVersion = hex("41C90007 CAFEBABE") + [UInt8](repeating: 0, count: 14)
        assertSRTPError(.malformedPacket) { try receiver.unprotectRTCP(&wrongVersion) }
        var noIndex = hex("81C90007 CAFEBABE") + [UInt8](repeating: 0, count: 10)
        assertSRTPError(.malformedPacket) { try receiver.unprotectRTCP(&noIndex) }
    }

    func testLengthsOutsideTheBufferAreRejected() throws {
        let sender = try SRTPContext(.sender, key: testKey(.aesCM128HMACSHA1_80))
        var buffer = voicePacket(1) + [UInt8](repeating: 0, count: 10)
        for length in [-1, buffer.count + 1, Int.max] {
            assertSRTPError(.malformedPacket) {
                _ = try buffer.withUnsafeMutableBytes { raw in try sender.protectRTP(raw, length: length) }
            }
        }
    }

    func testRandomGarbageNeverTrapsAndNeverAuthenticates() throws {
        var random = SeededGenerator(seed: 0x5127_0000)
        for suite in SRTPSuite.supported {
            let receiver = try SRTPContext(.receiver, key: testKey(suite))
            var kinds: [SRTPError.Kind: Int] = [:]
            for iteration in 0..<5_000 {
                var bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                if iteration % 2 == 0, !bytes.isEmpty { bytes[0] = bytes[0] & 0x3F | 0x80 }
                do {
                    if iteration % 3 == 0 { try receiver.unprotectRTCP(&bytes) } else { try receiver.unprotectRTP(&bytes) }
                    XCTFail("\(suite): random bytes authenticated")
                } catch {
                    kinds[error.kind, default: 0] += 1
                }
            }
            XCTAssertEqual(Set(kinds.keys), [.malformedPacket, .authenticationFailed], "\(suite): \(kinds)")
        }
    }
}

