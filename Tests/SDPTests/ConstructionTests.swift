import Foundation
import XCTest
import SDP

/// Descriptions built in code, as the offer/answer layer builds them.
final class ConstructionTests: XCTestCase {
    func testAnAnswerBuiltInCodeSerializesExactly() throws {
        var audio = MediaDescription(media: "audio", port: 20000, proto: "RTP/AVP", formats: ["0", "101"])
        audio.setRTPMap(RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        audio.setRTPMap(RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 8000))
        audio.setFmtp("0-16", for: 101)
        audio.ptime = 20
        audio.setDirection(.sendrecv)
        let video = MediaDescription(media: "video", port: 0, proto: "RTP/AVP", formats: ["31"])
        let sdp = SessionDescription(
            origin: Origin(username: "parley", sessionID: "42", sessionVersion: 1, address: "127.0.0.1"),
            sessionName: "Parley",
            connection: Connection(address: "127.0.0.1"),
            media: [audio, video]
        )
        let expected = [
            "v=0",
            "o=parley 42 1 IN IP4 127.0.0.1",
            "s=Parley",
            "c=IN IP4 127.0.0.1",
            "t=0 0",
            "m=audio 20000 RTP/AVP 0 101",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:101 telephone-event/8000",
            "a=fmtp:101 0-16",
            "a=ptime:20",
            "a=sendrecv",
            "m=video 0 RTP/AVP 31",
            "",
        ].joined(separator: "\r\n")
        XCTAssertEqual(sdp.serialized(), expected)
        XCTAssertEqual(try SessionDescription(parsing: expected), sdp)
    }

    func testDefaultsAreAValidMinimalDescription() throws {
        let sdp = SessionDescription(origin: Origin(sessionID: "1", sessionVersion: 0, addressType: "IP6", address: "::1"))
        XCTAssertEqual(sdp.serialized(), "v=0\r\no=- 1 0 IN IP6 ::1\r\ns=-\r\nt=0 0\r\n")
        XCTAssertEqual(try SessionDescription(parsing: sdp.serialized()), sdp)
    }

    func testEmptyTimingsStillWriteATimingLine() {
        var sdp = SessionDescription(origin: Origin(sessionID: "1", sessionVersion: 0, address: "192.0.2.1"))
        sdp.timings = []
        XCTAssertTrue(sdp.serialized().contains("\r\nt=0 0\r\n"))
    }

    func testMulticastConnectionsWriteTTLAndCount() {
        XCTAssertEqual(
            SessionDescription(origin: Origin(sessionID: "1", sessionVersion: 0, address: "192.0.2.1"),
                               connection: Connection(netType: "IN", addressType: "IP4", address: "224.2.1.1",
                                                      ttl: 127, addressCount: 3))
                .serialized().components(separatedBy: "\r\n")[3],
            "c=IN IP4 224.2.1.1/127/3")
    }

    func testBumpingTheSessionVersion() throws {
        var sdp = try SessionDescription(parsing: Fixtures.asterisk.text)
        sdp.origin.sessionVersion += 1
        sdp.media[0].setDirection(.sendonly)
        sdp.connection = Connection(address: "0.0.0.0")
        let reparsed = try SessionDescription(parsing: sdp.serialized())
        XCTAssertEqual(reparsed.origin.sessionVersion, 1290373429)
        XCTAssertEqual(reparsed.media[0].direction, .sendonly)
        XCTAssertEqual(reparsed.connection?.isHoldAddress, true)
    }

    func testErrorsDescribeThemselves() {
        XCTAssertEqual(SDPError(line: 6, reason: "m= line: port is not a number").description,
                       "SDP line 6: m= line: port is not a number")
        XCTAssertEqual(SDPError(line: 0, reason: "too big").description, "SDP: too big")
    }
}
