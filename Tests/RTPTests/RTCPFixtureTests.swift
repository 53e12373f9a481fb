import RTP
import XCTest

/// Annotated RTCP packets (RFC 3550 §6.4-6.7): each must parse to the expected value and
/// serialize back byte for byte.
final class RTCPFixtureTests: XCTestCase {
    static let senderReport = hex("""
        81 C8 000C        # V=2 P=0 RC=1, PT=200 SR, length 12 (52 bytes)
        12345678          # SSRC of sender
        E6A0B7C1 80000000 # NTP timestamp: seconds, fraction (.5)
        00A0B0C0          # RTP timestamp
        00000064          # sender's packet count: 100
        00003E80          # sender's octet count: 16000
        CAFEBABE          # report block: SSRC_1
        0A 000014         #   fraction lost 10/256, cumulative lost 20
        0001FFFE          #   extended highest sequence: 1 wrap, 65534
        00000032          #   jitter 50
        B7052000          #   LSR
        00054000          #   DLSR 5.25 s
        """)

    static let emptyReceiverReport = hex("""
        80 C9 0001        # V=2 RC=0, PT=201 RR, length 1 (8 bytes)
        12345678          # SSRC of packet sender
        """)

    static let receiverReportWithExtension = hex("""
        81 C9 0008        # RC=1, RR, length 8 (36 bytes)
        12345678
        CAFEBABE FF FFFFFE 00000010 00000000 00000000 00000000  # cumulative lost −2, fraction 255
        DEADBEEF          # profile-specific extension, kept opaque
        """)

    static let sourceDescription = hex("""
        81 CA 0004        # SC=1, PT=202 SDES, length 4 (20 bytes)
        12345678          # chunk SSRC
        01 09 75736572 40 686F7374  # CNAME (9 bytes) "user@host"
        00                # end of items, already on a 32-bit boundary after 1 null
        """)

    static let sourceDescriptionTwoChunks = hex("""
        82 CA 0008        # SC=2, SDES, length 8 (36 bytes)
        11111111          # chunk 1
        01 04 61406231    #   CNAME "a@b1"
        02 03 416E6E      #   NAME "Ann"
        09 02 FFFE        #   item type 9 (unknown, kept), non-UTF-8 bytes
        00                #   end: 15 item bytes + 1 null = 16
        22222222          # chunk 2
        06 05 5061726C65  #   TOOL "Parle"
        00                #   end: 7 + 1 = 8
        """)

    static let goodbye = hex("""
        81 CB 0002        # SC=1, PT=203 BYE, length 2 (12 bytes)
        12345678
        03 627965         # reason: 3 bytes "bye"
        """)

    static let goodbyeTwoSources = hex("""
        82 CB 0002        # SC=2, BYE, no reason
        11111111 22222222
        """)

    static let application = hex("""
        83 CC 0004        # subtype 3, PT=204 APP, length 4 (20 bytes)
        12345678
        50524C59          # name "PRLY"
        01020304 05060708 # application data
        """)

    static let genericNack = hex("""
        81 CD 0003        # FMT=1, PT=205 RTPFB (generic NACK), kept raw
        12345678 CAFEBABE
        0064 0003         # PID 100, BLP 0b11
        """)

    static var compound: [UInt8] { emptyReceiverReport + sourceDescription + goodbye }

    static var fixtures: [(name: String, bytes: [UInt8])] {
        [
            ("SR", senderReport), ("RR", emptyReceiverReport), ("RR+ext", receiverReportWithExtension),
            ("SDES", sourceDescription), ("SDES×2", sourceDescriptionTwoChunks), ("BYE", goodbye), ("BYE×2", goodbyeTwoSources),
            ("APP", application), ("NACK", genericNack), ("compound", compound),
        ]
    }

    func testFixturesRoundTripByteForByte() throws {
        for (name, bytes) in Self.fixtures {
            XCTAssertFalse(bytes.isEmpty, "bad fixture \(name)")
            let packets = try RTCPPacket.packets(parsing: bytes)
            var output: [UInt8] = []
            for packet in packets { packet.serialize(into: &output) }
            XCTAssertEqual(output, bytes, name)
            XCTAssertEqual(packets.reduce(0) { $0 + $1.serializedSize }, bytes.count, name)
        }
    }

    func testSenderReportFields() throws {
        let packets = try RTCPPacket.packets(parsing: Self.senderReport)
        guard case .senderReport(let report)? = packets.first, packets.count == 1 else {
            return XCTFail("\(packets)")
        }
        XCTAssertEqual(report.ssrc, 0x1234_5678)
        XCTAssertEqual(report.ntpTimestamp, NTPTimestamp(seconds: 0xE6A0_B7C1, fraction: 0x8000_0000))
        XCTAssertEqual(report.rtpTimestamp, 0x00A0_B0C0)
        XCTAssertEqual(report.packetCount, 100)
        XCTAssertEqual(report.octetCount, 16000)
        XCTAssertEqual(report.reports, [RTCPReportBlock(
            ssrc: 0xCAFE_BABE, fractionLost: 10, cumulativeLost: 20, extendedHighestSequence: 0x0001_FFFE,
            jitter: 50, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000
        )])
        XCTAssertTrue(report.profileExtension.isEmpty)
    }

    func testReceiverReportKeepsSignedLossAndExtension() throws {
        let packets = try RTCPPacket.packets(parsing: Self.receiverReportWithExtension)
        guard case .receiverReport(let report)? = packets.first else { return XCTFail("\(packets)") }
        XCTAssertEqual(report.reports.first?.cumulativeLost, -2)
        XCTAssertEqual(report.reports.first?.fractionLost, 255)
        XCTAssertEqual(report.profileExtension, [0xDE, 0xAD, 0xBE, 0xEF])
    }

    func testSourceDescriptionItems() throws {
        let packets = try RTCPPacket.packets(parsing: Self.sourceDescription)
        guard case .sourceDescription(let sdes)? = packets.first else { return XCTFail("\(packets)") }
        XCTAssertEqual(sdes.chunks.first?.cname, "user@host")
        XCTAssertEqual(sdes, RTCPSourceDescription(ssrc: 0x1234_5678, cname: "user@host"))
        XCTAssertEqual(RTCPPacket.sourceDescription(sdes).serialized(), Self.sourceDescription)
    }

    func testSourceDescriptionWithSeveralChunksAndUnknownItems() throws {
        let packets = try RTCPPacket.packets(parsing: Self.sourceDescriptionTwoChunks)
        guard case .sourceDescription(let sdes)? = packets.first else { return XCTFail("\(packets)") }
        XCTAssertEqual(sdes.chunks.count, 2)
        XCTAssertEqual(sdes.chunks[0].cname, "a@b1")
        XCTAssertEqual(sdes.chunks[0].items.map(\.type), [.cname, .name, RTCPSourceDescription.ItemType(rawValue: 9)])
        XCTAssertEqual(sdes.chunks[0].items[2].value, [0xFF, 0xFE])
        XCTAssertEqual(sdes.chunks[1].items, [.init(type: .tool, text: "Parle")])
        XCTAssertNil(sdes.chunks[1].cname)

        // A word of trailing data after the counted chunks is ignored (and not re-serialized).
        var trailing = Self.sourceDescriptionTwoChunks + [0, 0, 0, 0]
        trailing[3] = 9
        XCTAssertEqual(try RTCPPacket.packets(parsing: trailing), packets)
    }

    func testGoodbyeApplicationAndRawPackets() throws {
        guard case .goodbye(let bye)? = try RTCPPacket.packets(parsing: Self.goodbye).first else { return XCTFail() }
        XCTAssertEqual(bye.sources, [0x1234_5678])
        XCTAssertEqual(bye.reason, "bye")
        guard case .goodbye(let silent)? = try RTCPPacket.packets(parsing: Self.goodbyeTwoSources).first else { return XCTFail() }
        XCTAssertEqual(silent, RTCPGoodbye(sources: [0x1111_1111, 0x2222_2222]))
        XCTAssertNil(silent.reason)

        guard case .application(let app)? = try RTCPPacket.packets(parsing: Self.application).first else { return XCTFail() }
        XCTAssertEqual(app.subtype, 3)
        XCTAssertEqual(app.nameText, "PRLY")
        XCTAssertEqual(app.data, [1, 2, 3, 4, 5, 6, 7, 8])

        guard case .other(let nack)? = try RTCPPacket.packets(parsing: Self.genericNack).first else { return XCTFail() }
        XCTAssertEqual(nack.packetType, RTCPPacketType.transportFeedback)
        XCTAssertEqual(nack.count, 1)
        XCTAssertEqual(nack.body.count, 12)
    }

    func testCompoundPacket() throws {
        let compound = try RTCPCompoundPacket(parsing: Self.compound)
        XCTAssertEqual(compound.packets.count, 3)
        XCTAssertEqual(compound.packets.map(\.packetType), [201, 202, 203])
        XCTAssertEqual(compound.cname(for: 0x1234_5678), "user@host")
        XCTAssertNil(compound.cname(for: 1))
        XCTAssertTrue(compound.containsGoodbye(from: 0x1234_5678))
        XCTAssertNil(compound.senderReport)
        XCTAssertEqual(compound.serialized(), Self.compound)

        let withSR = try RTCPCompoundPacket(parsing: Self.senderReport + Self.sourceDescription)
        XCTAssertEqual(withSR.senderReport?.packetCount, 100)
        XCTAssertEqual(withSR.reportBlocks.map(\.ssrc), [0xCAFE_BABE])
    }

    func testPaddingOnTheLastPacketIsRemoved() throws {
        let padded = Self.emptyReceiverReport + hex("""
            A0 C9 0002        # RR with P=1, length 2 (12 bytes)
            87654321
            000000 04         # 4 padding bytes, the last one counting them
            """)
        let packets = try RTCPPacket.packets(parsing: padded)
        XCTAssertEqual(packets.last, .receiverReport(RTCPReceiverReport(ssrc: 0x8765_4321)))
    }

    func testBuiltValuesSerializeCanonically() throws {
        let sr = RTCPSenderReport(
            ssrc: 1, ntpTimestamp: NTPTimestamp(rawValue: 0x0102_0304_0506_0708), rtpTimestamp: 9,
            packetCount: 10, octetCount: 11,
            reports: [RTCPReportBlock(ssrc: 2, cumulativeLost: -9_000_000)],
            profileExtension: [0xAA]
        )
        let bytes = RTCPPacket.senderReport(sr).serialized()
        XCTAssertEqual(bytes.count, 28 + 24 + 4)
        XCTAssertEqual(Array(bytes[0..<4]), hex("81 C8 000D"))
        XCTAssertEqual(Array(bytes[32..<36]), hex("00 800000"), "cumulative loss clamped to −2^23")
        XCTAssertEqual(Array(bytes[52...]), hex("AA 000000"), "extension zero-padded")

        let longText = String(repeating: "x", count: 300)
        let bye = RTCPPacket.goodbye(RTCPGoodbye(sources: Array(0..<40), reason: longText)).serialized()
        XCTAssertEqual(bye[0] & 0x1F, 31, "SC clamped to 31")
        guard case .goodbye(let parsed)? = try RTCPPacket.packets(parsing: bye).first else { return XCTFail() }
        XCTAssertEqual(parsed.sources, Array(0..<31))
        XCTAssertEqual(parsed.reasonBytes?.count, 255)

        let sdes = RTCPPacket.sourceDescription(RTCPSourceDescription(ssrc: 5, cname: longText)).serialized()
        guard case .sourceDescription(let description)? = try RTCPPacket.packets(parsing: sdes).first else { return XCTFail() }
        XCTAssertEqual(description.chunks.first?.items.first?.value.count, 255)
        XCTAssertEqual(sdes.count % 4, 0)
    }
}
