import RTP
import XCTest

/// Every `RTPError.Kind` the packet parser can throw, with the bytes that cause it.
final class RTPPacketErrorTests: XCTestCase {
    private func assertThrows(
        _ bytes: [UInt8], _ kind: RTPError.Kind, mentioning needle: String,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        do {
            let packet = try RTPPacket(parsing: bytes)
            XCTFail("parsed \(packet), expected \(kind)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.kind, kind, "\(error)", file: file, line: line)
            XCTAssertTrue(error.detail.contains(needle), "detail \"\(error.detail)\" lacks \(needle)", file: file, line: line)
            XCTAssertTrue(error.description.contains(error.detail), file: file, line: line)
        }
    }

    private let header = hex("80 00 00 01  00 00 00 00  00 00 00 2a")

    func testTooShort() {
        assertThrows([], .tooShort, mentioning: "0 bytes")
        assertThrows(Array(header[..<11]), .tooShort, mentioning: "11 bytes")
        assertThrows([0x80], .tooShort, mentioning: "1 bytes")
    }

    func testBadVersion() {
        for (firstByte, version) in [(0x00, "version 0"), (0x40, "version 1"), (0xC0, "version 3"), (0xF3, "version 3")] {
            var bytes = header
            bytes[0] = UInt8(firstByte)
            assertThrows(bytes, .badVersion, mentioning: version)
        }
    }

    func testBadCSRCCount() {
        // CC=2 announces 8 bytes of CSRCs; only 4 follow.
        assertThrows(hex("82 00 00 01  00 00 00 00  00 00 00 2a  00 00 00 05"), .badCSRCCount, mentioning: "CC=2")
        // CC=15 with nothing after the fixed header.
        assertThrows(hex("8f 00 00 01  00 00 00 00  00 00 00 2a"), .badCSRCCount, mentioning: "72 bytes")
    }

    func testBadExtension() {
        // X=1 but only 3 of the 4 extension header bytes.
        assertThrows(hex("90 00 00 01  00 00 00 00  00 00 00 2a  be de 00"), .badExtension, mentioning: "3 bytes remain")
        // X=1, length says 2 words, only 1 present.
        assertThrows(hex("90 00 00 01  00 00 00 00  00 00 00 2a  be de 00 02  00 00 00 00"),
                     .badExtension, mentioning: "2 words")
        // The extension header sits after the CSRCs: CC=1 leaves no room for it.
        assertThrows(hex("91 00 00 01  00 00 00 00  00 00 00 2a  00 00 00 07"), .badExtension, mentioning: "0 bytes remain")
    }

    func testBadPadding() {
        // P=1 but nothing after the header to hold the count.
        assertThrows(hex("a0 00 00 01  00 00 00 00  00 00 00 2a"), .badPadding, mentioning: "no octets follow")
        // A count of zero cannot include itself.
        assertThrows(hex("a0 00 00 01  00 00 00 00  00 00 00 2a  01 02 00"), .badPadding, mentioning: "count of 0")
        // Count 5 but only 3 octets follow the header.
        assertThrows(hex("a0 00 00 01  00 00 00 00  00 00 00 2a  01 02 05"), .badPadding, mentioning: "count 5")
        // Padding may not eat into the extension: 2 octets follow it, count says 3.
        assertThrows(hex("b0 00 00 01  00 00 00 00  00 00 00 2a  be de 00 00  09 03"), .badPadding, mentioning: "2 octets")
    }

    func testTheLargestLegalPaddingCountIsAccepted() throws {
        let bytes = header + [UInt8](repeating: 0, count: 254) + [255]
        var padded = bytes
        padded[0] |= 0x20
        let packet = try RTPPacket(parsing: padded)
        XCTAssertEqual(packet.paddingLength, 255)
        XCTAssertEqual(packet.payload, [])
        XCTAssertEqual(packet.serialized(), padded)
    }

    func testErrorsCompareByKindAndDetail() {
        XCTAssertEqual(RTPError(kind: .tooShort, detail: "x"), RTPError(kind: .tooShort, detail: "x"))
        XCTAssertNotEqual(RTPError(kind: .tooShort, detail: "x"), RTPError(kind: .badPadding, detail: "x"))
        XCTAssertEqual(RTPError(kind: .badVersion, detail: "version 1").description, "RTP badVersion: version 1")
    }
}
