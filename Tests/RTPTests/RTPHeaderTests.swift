import RTP
import XCTest

/// ``RTPHeader``, the in-place parse of the receive hot path: it agrees with ``RTPPacket`` on
/// every fixture and on fuzzed input (same fields, payload at the same bytes, same errors), and
/// its fixed-header writer produces what `RTPPacket` serializes.
final class RTPHeaderTests: XCTestCase {
    private func header(_ bytes: [UInt8]) throws(RTPError) -> RTPHeader {
        let result: Result<RTPHeader, RTPError> = bytes.withUnsafeBytes { raw in
            Result { () throws(RTPError) in try RTPHeader(parsing: raw) }
        }
        return try result.get()
    }

    private func payload(of header: RTPHeader, in bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { Array(header.payload(in: $0)) }
    }

    func testFixturesGiveTheSameFieldsAndPayloadAsRTPPacket() throws {
        for fixture in RTPPacketFixtureTests.fixtures {
            let parsed = try header(fixture.bytes)
            let packet = fixture.packet
            XCTAssertEqual(parsed.payloadType, packet.payloadType, fixture.name)
            XCTAssertEqual(parsed.sequenceNumber, packet.sequenceNumber, fixture.name)
            XCTAssertEqual(parsed.timestamp, packet.timestamp, fixture.name)
            XCTAssertEqual(parsed.ssrc, packet.ssrc, fixture.name)
            XCTAssertEqual(parsed.marker, packet.marker, fixture.name)
            XCTAssertEqual(parsed.csrcCount, packet.csrcs.count, fixture.name)
            XCTAssertEqual(parsed.hasExtension, packet.headerExtension != nil, fixture.name)
            XCTAssertEqual(parsed.paddingLength, packet.paddingLength, fixture.name)
            XCTAssertEqual(payload(of: parsed, in: fixture.bytes), packet.payload, fixture.name)
            // The payload ends where the padding starts.
            XCTAssertEqual(parsed.payloadRange.upperBound + Int(parsed.paddingLength), fixture.bytes.count, fixture.name)
            // RTPPacket.header describes the same layout for a packet it serializes.
            XCTAssertEqual(packet.header, parsed, fixture.name)
        }
    }

    func testAnnotatedHeaderWithCSRCExtensionAndPadding() throws {
        let bytes = hex("""
            b1 8b 00 07   # V=2 P=1 X=1 CC=1 | M=1 PT=11 | seq 7
            00 00 01 40   # timestamp 320
            00 00 00 09   # SSRC 9
            00 00 00 0a   # CSRC 10
            be de 00 01   # extension: profile 0xBEDE, 1 word
            11 22 33 44   # extension data
            aa bb cc      # payload
            00 00 03      # padding: 3 octets, the last counts them
            """)
        let parsed = try header(bytes)
        XCTAssertEqual(parsed, RTPHeader(payloadType: 11, sequenceNumber: 7, timestamp: 320, ssrc: 9, marker: true,
                                         csrcCount: 1, hasExtension: true, payloadOffset: 24, payloadCount: 3,
                                         paddingLength: 3))
        XCTAssertEqual(payload(of: parsed, in: bytes), [0xAA, 0xBB, 0xCC])
    }

    func testErrorsMatchRTPPacketOnFuzzedInput() {
        var random = SeededGenerator(seed: 0x4EAD_E5)
        var agreed = 0
        var parsed = 0
        for _ in 0..<20_000 {
            let count = Int.random(in: 0...48, using: &random)
            var bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            if !bytes.isEmpty, Bool.random(using: &random) { bytes[0] = bytes[0] & 0x3F | 0x80 }
            let viaHeader = Result { () throws(RTPError) in try header(bytes) }
            let viaPacket = Result { () throws(RTPError) in try RTPPacket(parsing: bytes) }
            switch (viaHeader, viaPacket) {
            case (.success(let h), .success(let p)):
                parsed += 1
                XCTAssertEqual(h, p.header)
                XCTAssertEqual(payload(of: h, in: bytes), p.payload)
                agreed += 1
            case (.failure(let a), .failure(let b)):
                XCTAssertEqual(a, b)
                agreed += 1
            default:
                XCTFail("RTPHeader and RTPPacket disagree on \(bytes)")
            }
        }
        XCTAssertEqual(agreed, 20_000)
        XCTAssertGreaterThan(parsed, 500, "the fuzzing must reach valid packets too")
    }

    func testFixedHeaderWriterMatchesRTPPacketSerialization() {
        let packet = RTPPacket(payloadType: 101, sequenceNumber: 0xBEEF, timestamp: 0x0102_0304, ssrc: 0xCAFE_F00D,
                               marker: true, payload: [1, 2, 3])
        var buffer = [UInt8](repeating: 0xEE, count: 16)
        let written = buffer.withUnsafeMutableBytes { packet.header.serializeFixedHeader(into: $0) }
        XCTAssertEqual(written, 12)
        XCTAssertEqual(Array(buffer[0..<12]), Array(packet.serialized()[0..<12]))
        XCTAssertEqual(Array(buffer[12...]), [0xEE, 0xEE, 0xEE, 0xEE], "nothing past the header is touched")
        var small = [UInt8](repeating: 0, count: 11)
        XCTAssertNil(small.withUnsafeMutableBytes { packet.header.serializeFixedHeader(into: $0) })
        XCTAssertEqual(small, [UInt8](repeating: 0, count: 11))
    }

    func testPayloadOfAHeaderAgainstTooShortABufferIsEmpty() throws {
        let bytes = hex("80 00 00 01 00 00 00 00 00 00 00 2a 01 02 03 04")
        let parsed = try header(bytes)
        XCTAssertEqual(payload(of: parsed, in: bytes), [1, 2, 3, 4])
        XCTAssertEqual(payload(of: parsed, in: Array(bytes[0..<14])), [], "a truncated buffer yields no payload")
    }
}
