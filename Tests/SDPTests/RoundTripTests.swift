import Foundation
import XCTest
import SDP

final class RoundTripTests: XCTestCase {
    func testEveryFixtureRoundTripsByteForByte() throws {
        for fixture in Fixtures.all {
            let parsed = try SessionDescription(parsing: fixture.crlf)
            XCTAssertEqual(parsed.serialized(), fixture.crlf, fixture.name)
        }
    }

    func testLFOnlyInputSerializesWithCRLF() throws {
        for fixture in Fixtures.all {
            let parsed = try SessionDescription(parsing: fixture.text)
            XCTAssertEqual(parsed.serialized(), fixture.crlf, fixture.name)
            XCTAssertEqual(parsed, try SessionDescription(parsing: fixture.crlf), fixture.name)
        }
    }

    func testBytesAndStringParseToTheSameValue() throws {
        for fixture in Fixtures.all {
            let fromBytes = try SessionDescription(parsing: Array(fixture.crlf.utf8))
            XCTAssertEqual(fromBytes, try SessionDescription(parsing: fixture.crlf), fixture.name)
            XCTAssertEqual(fromBytes.serializedBytes(), Array(fixture.crlf.utf8), fixture.name)
        }
    }

    func testTrailingWhitespaceAndBlankLinesAreTolerated() throws {
        let messy = Fixtures.asterisk.text
            .split(separator: "\n")
            .map { $0 + " \t" }
            .joined(separator: "\r\n") + "\r\n\r\n  \r\n\n"
        let parsed = try SessionDescription(parsing: messy)
        XCTAssertEqual(parsed, try SessionDescription(parsing: Fixtures.asterisk.text))
        XCTAssertEqual(parsed.serialized(), Fixtures.asterisk.crlf)
    }

    func testMissingFinalLineEndIsAccepted() throws {
        let text = String(Fixtures.sippUAC.crlf.dropLast()) // "\r\n" is one Character
        XCTAssertEqual(try SessionDescription(parsing: text).serialized(), Fixtures.sippUAC.crlf)
    }

    func testEverySessionLevelFieldIsRead() throws {
        let sdp = try SessionDescription(parsing: Fixtures.rfcSeminar.text)
        XCTAssertEqual(sdp.version, 0)
        XCTAssertEqual(sdp.origin, Origin(username: "jdoe", sessionID: "2890844526", sessionVersion: 2890842807,
                                          address: "10.47.16.5"))
        XCTAssertEqual(sdp.sessionName, "SDP Seminar")
        XCTAssertEqual(sdp.information, "A Seminar on the session description protocol")
        XCTAssertEqual(sdp.uri, "http://www.example.com/seminars/sdp.pdf")
        XCTAssertEqual(sdp.emails, ["j.doe@example.com (Jane Doe)"])
        XCTAssertEqual(sdp.phones, ["+1 617 555-6011"])
        XCTAssertEqual(sdp.connection, Connection(netType: "IN", addressType: "IP4", address: "224.2.17.12", ttl: 127))
        XCTAssertEqual(sdp.timings, [Timing(start: 2873397496, stop: 2873404696, repeats: ["7d 1h 0 25h"])])
        XCTAssertEqual(sdp.timeZones, "2882844526 -1h 2898848070 0")
        XCTAssertEqual(sdp.encryptionKey, "prompt")
        XCTAssertEqual(sdp.attributes, [Attribute(name: "recvonly")])
        XCTAssertEqual(sdp.media.count, 2)

        let video = sdp.media[1]
        XCTAssertEqual(video.media, "video")
        XCTAssertEqual(video.port, 51372)
        XCTAssertEqual(video.portCount, 2)
        XCTAssertEqual(video.proto, "RTP/AVP")
        XCTAssertEqual(video.formats, ["99"])
        XCTAssertEqual(video.information, "Slides")
        XCTAssertEqual(video.connection, Connection(netType: "IN", addressType: "IP6", address: "ff15::101", addressCount: 3))
        XCTAssertEqual(video.bandwidths, [Bandwidth(type: "AS", value: 128)])
        XCTAssertNil(sdp.media[0].connection)
    }

    func testIPv6AddressesAreKeptWhole() throws {
        let sdp = try SessionDescription(parsing: Fixtures.opusIPv6.text)
        XCTAssertEqual(sdp.origin.addressType, "IP6")
        XCTAssertEqual(sdp.origin.address, "2001:db8::10")
        XCTAssertEqual(sdp.connection, Connection(address: "2001:db8::10", addressType: "IP6"))
        XCTAssertEqual(sdp.origin.sessionID, "4611731400430051336")
    }

    func testSessionLinesOutOfOrderAreAcceptedAndWrittenInRFCOrder() throws {
        // An IP camera puts a= lines between c= and t=, and e= after c=.
        let text = """
            v=0
            o=- 1109162014219182 1109162014219192 IN IP4 192.0.2.8
            s=stream
            c=IN IP4 0.0.0.0
            e=NONE
            a=tool:LIVE555 Streaming Media v2011.05.25
            t=0 0
            a=control:*
            m=video 0 RTP/AVP 96
            a=rtpmap:96 H264/90000
            """
        let sdp = try SessionDescription(parsing: text)
        XCTAssertEqual(sdp.attributes.map(\.name), ["tool", "control"])
        XCTAssertEqual(sdp.emails, ["NONE"])
        let lines = sdp.serialized().components(separatedBy: "\r\n")
        XCTAssertEqual(Array(lines.prefix(8)), [
            "v=0", "o=- 1109162014219182 1109162014219192 IN IP4 192.0.2.8", "s=stream", "e=NONE",
            "c=IN IP4 0.0.0.0", "t=0 0", "a=tool:LIVE555 Streaming Media v2011.05.25", "a=control:*",
        ])
    }

    func testMissingTimingIsReadAsZeroZero() throws {
        let text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nm=audio 4000 RTP/AVP 0\r\n"
        let sdp = try SessionDescription(parsing: text)
        XCTAssertEqual(sdp.timings, [Timing(start: 0, stop: 0)])
        XCTAssertEqual(sdp.serialized(), "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
    }

    func testUnknownTypeLettersAreSkipped() throws {
        let text = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=-\nx=whatever\nt=0 0\nm=audio 4000 RTP/AVP 0\ny=more\na=sendrecv\n"
        let sdp = try SessionDescription(parsing: text)
        XCTAssertEqual(sdp.media.first?.attributes, [Attribute(name: "sendrecv")])
        XCTAssertFalse(sdp.serialized().contains("x="))
        XCTAssertFalse(sdp.serialized().contains("y="))
    }

    func testBlankSessionNameIsASingleSpace() throws {
        let sdp = try SessionDescription(parsing: Fixtures.rejectedVideo.text)
        XCTAssertEqual(sdp.sessionName, " ")
        var built = sdp
        built.sessionName = ""
        XCTAssertTrue(built.serialized().contains("\r\ns= \r\n"))
    }

    func testAttributeValuesKeepTheirColons() throws {
        let sdp = try SessionDescription(parsing: Fixtures.srtp.text)
        let crypto = sdp.media[0].attributes.filter { $0.name == "crypto" }
        XCTAssertEqual(crypto.first?.value,
                       "1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32")
        let linphone = try SessionDescription(parsing: Fixtures.linphone.text)
        XCTAssertEqual(linphone.attributes.first,
                       Attribute(name: "rtcp-xr", value: "rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics"))
    }

    func testNonASCIITextSurvives() throws {
        let text = "v=0\no=- 1 1 IN IP4 192.0.2.1\ns=Appel à José 📞\nt=0 0\na=tool:Parley ✓\n"
        let sdp = try SessionDescription(parsing: Array(text.utf8))
        XCTAssertEqual(sdp.sessionName, "Appel à José 📞")
        XCTAssertEqual(sdp.serialized(), text.replacingOccurrences(of: "\n", with: "\r\n"))
    }
}
