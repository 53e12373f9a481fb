import RTP
import XCTest

/// Annotated wire fixtures (RFC 3550 §5.1): each parses to the expected value and that value
/// serializes back to exactly the same bytes.
final class RTPPacketFixtureTests: XCTestCase {
    struct Fixture {
        let name: String
        let bytes: [UInt8]
        let packet: RTPPacket
    }

    static let fixtures: [Fixture] = [
        Fixture(name: "minimal", bytes: hex("""
            80 00 00 01   # V=2 P=0 X=0 CC=0 | M=0 PT=0 (PCMU) | seq 1
            00 00 00 00   # timestamp 0
            00 00 00 2a   # SSRC 42, no payload
            """),
            packet: RTPPacket(payloadType: 0, sequenceNumber: 1, timestamp: 0, ssrc: 42)),
        Fixture(name: "marker and dynamic payload type", bytes: hex("""
            80 e0 30 39   # V=2 | M=1 PT=96 | seq 12345
            00 01 e2 40   # timestamp 123456
            de ad be ef   # SSRC
            ca fe ba be   # payload
            """),
            packet: RTPPacket(payloadType: 96, sequenceNumber: 12345, timestamp: 123_456, ssrc: 0xDEAD_BEEF,
                              marker: true, payload: [0xCA, 0xFE, 0xBA, 0xBE])),
        Fixture(name: "CSRCs", bytes: hex("""
            82 08 ff ff   # V=2 CC=2 | M=0 PT=8 (PCMA) | seq 65535
            ff ff ff ff   # timestamp 2^32-1
            00 00 00 01   # SSRC 1
            00 00 00 02   # CSRC 2
            11 22 33 44   # CSRC 0x11223344
            d5 d5         # payload
            """),
            packet: RTPPacket(payloadType: 8, sequenceNumber: 65535, timestamp: .max, ssrc: 1,
                              payload: [0xD5, 0xD5], csrcs: [2, 0x1122_3344])),
        Fixture(name: "header extension", bytes: hex("""
            90 00 00 07   # V=2 X=1 | PT=0 | seq 7
            00 00 03 20   # timestamp 800
            00 00 00 09   # SSRC 9
            be de 00 01   # extension: profile 0xBEDE (RFC 8285 one-byte), length 1 word
            10 aa 00 00   # extension data (id 1, 1 byte 0xaa, then padding)
            ff            # payload
            """),
            packet: RTPPacket(payloadType: 0, sequenceNumber: 7, timestamp: 800, ssrc: 9, payload: [0xFF],
                              headerExtension: RTPHeaderExtension(profile: 0xBEDE, data: [0x10, 0xAA, 0, 0]))),
        Fixture(name: "padding", bytes: hex("""
            a0 00 00 08   # V=2 P=1 | PT=0 | seq 8
            00 00 05 00   # timestamp 1280
            00 00 00 09   # SSRC 9
            01 02 03      # payload
            00 00 00 04   # padding: 3 zero octets and the count 4
            """),
            packet: RTPPacket(payloadType: 0, sequenceNumber: 8, timestamp: 1280, ssrc: 9,
                              payload: [1, 2, 3], paddingLength: 4)),
        Fixture(name: "padding only, no payload", bytes: hex("""
            a0 0d 00 08   # V=2 P=1 | PT=13 (CN) | seq 8
            00 00 05 00   # timestamp 1280
            00 00 00 09   # SSRC 9
            01            # padding: just the count 1
            """),
            packet: RTPPacket(payloadType: 13, sequenceNumber: 8, timestamp: 1280, ssrc: 9, paddingLength: 1)),
        Fixture(name: "everything combined", bytes: hex("""
            b3 ef 12 34   # V=2 P=1 X=1 CC=3 | M=1 PT=111 | seq 0x1234
            87 65 43 21   # timestamp
            01 02 03 04   # SSRC
            0a 0a 0a 0a   # CSRC 1
            0b 0b 0b 0b   # CSRC 2
            0c 0c 0c 0c   # CSRC 3
            10 00 00 02   # extension: profile 0x1000 (RFC 8285 two-byte), length 2 words
            01 02 aa bb   # extension data, word 1
            02 01 cc 00   # extension data, word 2
            de ad         # payload
            00 00 03      # padding: 2 zero octets and the count 3
            """),
            packet: RTPPacket(payloadType: 111, sequenceNumber: 0x1234, timestamp: 0x8765_4321, ssrc: 0x0102_0304,
                              marker: true, payload: [0xDE, 0xAD],
                              csrcs: [0x0A0A_0A0A, 0x0B0B_0B0B, 0x0C0C_0C0C],
                              headerExtension: RTPHeaderExtension(profile: 0x1000, data: [1, 2, 0xAA, 0xBB, 2, 1, 0xCC, 0]),
                              paddingLength: 3)),
    ]

    func testFixturesParseToTheExpectedValues() throws {
        for fixture in Self.fixtures {
            XCTAssertFalse(fixture.bytes.isEmpty, "bad hex in fixture \(fixture.name)")
            let parsed = try RTPPacket(parsing: fixture.bytes)
            XCTAssertEqual(parsed, fixture.packet, fixture.name)
        }
    }

    func testFixturesSerializeByteForByte() {
        for fixture in Self.fixtures {
            XCTAssertEqual(fixture.packet.serializedSize, fixture.bytes.count, fixture.name)
            XCTAssertEqual(fixture.packet.serialized(), fixture.bytes, fixture.name)
            var appended: [UInt8] = [0x55]
            fixture.packet.serialize(into: &appended)
            XCTAssertEqual(appended, [0x55] + fixture.bytes, "append keeps existing bytes: \(fixture.name)")
        }
    }

    func testParsingFromARawBufferMatchesParsingFromAnArray() throws {
        for fixture in Self.fixtures {
            let fromRaw = try fixture.bytes.withUnsafeBytes { raw in try RTPPacket(parsing: raw) }
            XCTAssertEqual(fromRaw, fixture.packet, fixture.name)
        }
    }

    func testRawBufferSerializeWritesExactlyTheSizeAndNothingMore() {
        for fixture in Self.fixtures {
            let size = fixture.bytes.count
            var buffer = [UInt8](repeating: 0xAA, count: size + 8)
            let written = buffer.withUnsafeMutableBytes { fixture.packet.serialize(into: $0) }
            XCTAssertEqual(written, size, fixture.name)
            XCTAssertEqual(Array(buffer[..<size]), fixture.bytes, fixture.name)
            XCTAssertEqual(Array(buffer[size...]), [UInt8](repeating: 0xAA, count: 8), "wrote past the end: \(fixture.name)")
        }
    }

    func testRawBufferSerializeRefusesASmallBufferWithoutWriting() {
        for fixture in Self.fixtures {
            for shortBy in 1...3 {
                var buffer = [UInt8](repeating: 0xAA, count: fixture.bytes.count - shortBy)
                let written = buffer.withUnsafeMutableBytes { fixture.packet.serialize(into: $0) }
                XCTAssertNil(written, fixture.name)
                XCTAssertTrue(buffer.allSatisfy { $0 == 0xAA }, "touched a too-small buffer: \(fixture.name)")
            }
        }
        let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
        XCTAssertNil(Self.fixtures[0].packet.serialize(into: empty))
    }

    func testNonZeroPaddingFillerParsesAndIsRewrittenAsZeros() throws {
        let bytes = hex("""
            a0 00 00 08  00 00 05 00  00 00 00 09   # P=1 header
            01 02                                   # payload
            ee ee 03                                # padding with junk filler, count 3
            """)
        let packet = try RTPPacket(parsing: bytes)
        XCTAssertEqual(packet.payload, [1, 2])
        XCTAssertEqual(packet.paddingLength, 3)
        XCTAssertEqual(packet.serialized(), Array(bytes[..<14]) + [0, 0, 3])
        XCTAssertEqual(try RTPPacket(parsing: packet.serialized()), packet)
    }

    func testUnrepresentableValuesAreClampedWhenSerializing() throws {
        let packet = RTPPacket(
            payloadType: 0xFF, sequenceNumber: 1, timestamp: 2, ssrc: 3,
            payload: [9], csrcs: Array(1...16),
            headerExtension: RTPHeaderExtension(profile: 0xABCD, data: [1, 2, 3, 4, 5])
        )
        XCTAssertFalse(packet.headerExtension?.isWellFormed ?? true)
        let bytes = packet.serialized()
        XCTAssertEqual(bytes.count, packet.serializedSize)
        XCTAssertEqual(bytes.count, 12 + 15 * 4 + 4 + 8 + 1)
        let reparsed = try RTPPacket(parsing: bytes)
        XCTAssertEqual(reparsed.payloadType, 0x7F, "PT keeps its low 7 bits")
        XCTAssertEqual(reparsed.csrcs, Array(1...15), "only 15 CSRCs fit the CC field")
        XCTAssertEqual(reparsed.headerExtension, RTPHeaderExtension(profile: 0xABCD, data: [1, 2, 3, 4, 5, 0, 0, 0]))
        XCTAssertEqual(reparsed.payload, [9])
    }

    func testDescriptionNamesTheInterestingFields() {
        let text = String(describing: Self.fixtures[6].packet)
        for part in ["pt: 111", "seq: 4660", "marker", "padding: 3", "payload: 2B"] {
            XCTAssertTrue(text.contains(part), "\(part) missing from \(text)")
        }
    }
}
