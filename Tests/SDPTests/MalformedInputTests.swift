import Foundation
import XCTest
import SDP

final class MalformedInputTests: XCTestCase {
    private static let head = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nc=IN IP4 192.0.2.1\nt=0 0\n"

    /// Each case: a description, the line the error must name, and words its reason must hold.
    private static let cases: [(sdp: String, line: Int, reason: String)] = [
        ("", 1, "empty"),
        ("\r\n  \r\n", 1, "empty"),
        ("o=- 1 1 IN IP4 192.0.2.1\nv=0\n", 1, "must start with a v= line"),
        ("v=1\no=- 1 1 IN IP4 192.0.2.1\ns=-\n", 1, "version must be 0"),
        ("v=0\ns=-\nt=0 0\nm=audio 4000 RTP/AVP 0\n", 4, "o= line is missing"),
        ("v=0\no=- 1 1 IN IP4 192.0.2.1\nt=0 0\n", 3, "s= line is missing"),
        ("v=0\no=- 1 IN IP4 192.0.2.1\ns=-\n", 2, "o= line: expected 6 fields"),
        ("v=0\no=- 1 abc IN IP4 192.0.2.1\ns=-\n", 2, "session version is not a number"),
        ("v=0\no=- 1 99999999999999999999999 IN IP4 192.0.2.1\ns=-\n", 2, "session version is not a number"),
        (head.replacingOccurrences(of: "c=IN IP4 192.0.2.1", with: "c=IN IP4"), 4, "c= line: expected 3 fields"),
        (head.replacingOccurrences(of: "c=IN IP4 192.0.2.1", with: "c=IN IP4 224.2.1.1/abc"), 4, "TTL"),
        (head.replacingOccurrences(of: "c=IN IP4 192.0.2.1", with: "c=IN IP6 ff15::1/3/4"), 4, "too many '/' parts"),
        (head.replacingOccurrences(of: "t=0 0", with: "t=0"), 5, "t= line: expected 2 fields"),
        (head.replacingOccurrences(of: "t=0 0", with: "t=0 x"), 5, "stop time is not a number"),
        ("v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nr=7d 1h 0 25h\nt=0 0\n", 4, "r= line without a t= line"),
        (head + "m=audio abc RTP/AVP 0\n", 6, "m= line: port is not a number"),
        (head + "m=audio 70000 RTP/AVP 0\n", 6, "port is larger than 65535"),
        (head + "m=audio 99999999999999999999999 RTP/AVP 0\n", 6, "port is not a number"),
        (head + "m=audio 4000\n", 6, "m= line: expected"),
        (head + "m=audio 4000/0 RTP/AVP 0\n", 6, "port count"),
        (head + "b=AS\n", 6, "b= line: expected <type>:<value>"),
        (head + "b=AS:lots\n", 6, "bandwidth is not a number"),
        (head + "a=:value\n", 6, "attribute name is empty"),
        (head + "m=audio 4000 RTP/AVP 0\na=\n", 7, "attribute name is empty"),
        (head + "hello\n", 6, "not of the form <type>=<value>"),
        (head + "1=one\n", 6, "line type is not a letter"),
        (head + " a=indented\n", 6, "not of the form"),
        (head + "o=- 2 2 IN IP4 192.0.2.1\n", 6, "duplicate o= line"),
        (head + "s=again\n", 6, "duplicate s= line"),
        (head + "c=IN IP4 192.0.2.2\n", 6, "duplicate c= line"),
        (head + "v=0\n", 6, "duplicate v= line"),
        (head + "m=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.3\nc=IN IP4 192.0.2.4\n", 8, "duplicate c= line in media"),
        (head + "m=audio 4000 RTP/AVP 0\no=- 2 2 IN IP4 192.0.2.1\n", 7, "not allowed in a media section"),
        (head + "m=audio 4000 RTP/AVP 0\nt=0 0\n", 7, "t= line is not allowed in a media section"),
        (head + "a=tool:bad\u{0}byte\n", 6, "NUL"),
        (head + "a=tool:stray\rreturn\n", 6, "carriage return"),
    ]

    func testEachMalformedDescriptionNamesItsLine() {
        for (index, testCase) in Self.cases.enumerated() {
            for text in [testCase.sdp, testCase.sdp.replacingOccurrences(of: "\n", with: "\r\n")] {
                do {
                    let parsed = try SessionDescription(parsing: text)
                    XCTFail("case \(index) parsed but should not: \(parsed)")
                } catch {
                    XCTAssertEqual(error.line, testCase.line, "case \(index): \(error)")
                    XCTAssertTrue(error.reason.contains(testCase.reason), "case \(index): \(error)")
                }
            }
        }
    }

    func testTheHeadAloneIsValid() throws {
        // Guards the table above: its errors come from the lines added, not from the head.
        XCTAssertNoThrow(try SessionDescription(parsing: Self.head))
        XCTAssertNoThrow(try SessionDescription(parsing: Self.head + "m=audio 4000 RTP/AVP 0\nc=IN IP4 192.0.2.3\n"))
    }

    func testInvalidUTF8NamesTheLine() {
        let bytes = Array(Self.head.utf8) + Array("a=tool:".utf8) + [0xC3, 0x28] + Array("\n".utf8)
        XCTAssertThrowsError(try SessionDescription(parsing: bytes)) { error in
            XCTAssertEqual((error as? SDPError)?.line, 6)
            XCTAssertEqual((error as? SDPError)?.reason, "text is not valid UTF-8")
        }
        for bad: [UInt8] in [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            XCTAssertThrowsError(try SessionDescription(parsing: Array("v=0\ns=".utf8) + bad), "\(bad)") { error in
                XCTAssertEqual((error as? SDPError)?.line, 2)
            }
        }
    }

    func testInputLargerThanTheLimitIsRefused() {
        let big = Self.head + "a=pad:" + String(repeating: "x", count: SDPLimits.maxBytes) + "\n"
        XCTAssertThrowsError(try SessionDescription(parsing: big)) { error in
            XCTAssertEqual((error as? SDPError)?.line, 0)
        }
        XCTAssertThrowsError(try SessionDescription(parsing: Array(big.utf8))) { error in
            XCTAssertEqual((error as? SDPError)?.line, 0)
        }
    }

    func testTooManyLinesIsRefused() {
        let attributes = String(repeating: "a=x\n", count: SDPLimits.maxLines - 5)
        XCTAssertNoThrow(try SessionDescription(parsing: Self.head + attributes), "exactly the limit is fine")
        XCTAssertThrowsError(try SessionDescription(parsing: Self.head + attributes + "a=y\n")) { error in
            XCTAssertEqual((error as? SDPError)?.line, SDPLimits.maxLines + 1)
        }
    }

    func testTooManyMediaSectionsIsRefused() throws {
        let sections = String(repeating: "m=audio 4000 RTP/AVP 0\n", count: SDPLimits.maxMediaSections)
        XCTAssertEqual(try SessionDescription(parsing: Self.head + sections).media.count, SDPLimits.maxMediaSections)
        XCTAssertThrowsError(try SessionDescription(parsing: Self.head + sections + "m=audio 4002 RTP/AVP 0\n")) { error in
            XCTAssertEqual((error as? SDPError)?.line, 5 + SDPLimits.maxMediaSections + 1)
            XCTAssertEqual((error as? SDPError)?.reason.contains("media sections"), true)
        }
    }
}
