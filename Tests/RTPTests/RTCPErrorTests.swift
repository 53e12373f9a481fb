import RTP
import XCTest

/// Malformed RTCP, one rule at a time: each input must fail with the named kind at the named
/// offset, never trap.
final class RTCPErrorTests: XCTestCase {
    func testEachRuleHasItsError() {
        let rr = RTCPFixtureTests.emptyReceiverReport
        let cases: [(String, [UInt8], RTCPError.Kind, Int)] = [
            ("empty", [], .empty, 0),
            ("3 bytes", hex("80 C9 00"), .tooShort, 0),
            ("version 1", hex("40 C9 0001 12345678"), .badVersion, 0),
            ("version 0 second", rr + hex("00 C9 0001 12345678"), .badVersion, 8),
            ("length past end", hex("80 C9 0002 12345678"), .badLength, 0),
            ("trailing 2 bytes", rr + hex("80 C9"), .tooShort, 8),
            ("RR RC=1 without block", hex("81 C9 0001 12345678"), .badCount, 0),
            ("SR without sender info", hex("80 C8 0001 12345678"), .tooShort, 0),
            ("SR RC=2, one block", RTCPFixtureTests.senderReport.replacing(at: 0, with: 0x82), .badCount, 0),
            ("padding count 0", hex("A0 C9 0002 12345678 00000000"), .badPadding, 0),
            ("padding beyond body", hex("A0 C9 0002 12345678 0000000C"), .badPadding, 0),
            ("padding not a multiple of 4", hex("A0 C9 0002 12345678 00000003"), .badPadding, 0),
            ("padding not last", hex("A0 C9 0002 12345678 00000004") + rr, .badPadding, 0),
            ("SDES SC=2, one chunk", RTCPFixtureTests.sourceDescription.replacing(at: 0, with: 0x82), .badCount, 0),
            ("SDES item overruns", hex("81 CA 0002 12345678 01 09 6162"), .badItem, 0),
            ("SDES no terminator", hex("81 CA 0002 12345678 01 02 6162"), .badItem, 0),
            ("SDES no length octet", hex("81 CA 0002 12345678 010203 01"), .badItem, 0),
            ("BYE SC=3, two SSRCs", hex("83 CB 0002 11111111 22222222"), .badCount, 0),
            ("BYE reason overruns", hex("81 CB 0002 12345678 09 627965"), .badReason, 0),
            ("APP without name", hex("80 CC 0001 12345678"), .tooShort, 0),
        ]
        for (name, bytes, kind, offset) in cases {
            XCTAssertThrowsError(try RTCPPacket.packets(parsing: bytes), name) { error in
                guard let error = error as? RTCPError else { return XCTFail("\(name): \(error)") }
                XCTAssertEqual(error.kind, kind, "\(name): \(error)")
                XCTAssertEqual(error.offset, offset, "\(name): \(error)")
            }
        }
    }

    func testCompoundMustStartWithAReport() throws {
        let sdesFirst = RTCPFixtureTests.sourceDescription + RTCPFixtureTests.emptyReceiverReport
        XCTAssertThrowsError(try RTCPCompoundPacket(parsing: sdesFirst)) { error in
            XCTAssertEqual((error as? RTCPError)?.kind, .notCompound)
        }
        // The list parser accepts it (RFC 5506 reduced-size RTCP).
        XCTAssertEqual(try RTCPPacket.packets(parsing: sdesFirst).count, 2)
        XCTAssertThrowsError(try RTCPCompoundPacket(parsing: RTCPFixtureTests.goodbye))
    }
}

extension Array where Element == UInt8 {
    /// A copy with one byte replaced.
    func replacing(at index: Int, with byte: UInt8) -> [UInt8] {
        var copy = self
        copy[index] = byte
        return copy
    }
}
