import XCTest
import SDP

final class TypedViewTests: XCTestCase {
    private func audio(_ fixture: Fixtures.Fixture) throws -> MediaDescription {
        let sdp = try SessionDescription(parsing: fixture.text)
        return try XCTUnwrap(sdp.media.first, fixture.name)
    }

    func testPayloadTypesAreTheNumericFormatsInOrder() throws {
        XCTAssertEqual(try audio(Fixtures.linphone).payloadTypes, [96, 97, 98, 0, 8, 18, 101, 99, 100])
        let odd = MediaDescription(media: "application", port: 9, proto: "UDP/BFCP", formats: ["*", "128", "300", "7"])
        XCTAssertEqual(odd.payloadTypes, [7], "non-numbers and numbers above 127 are not payload types")
    }

    func testRTPMapsAreReadFromAttributes() throws {
        let maps = try audio(Fixtures.opusIPv6).rtpMaps
        XCTAssertEqual(maps, [
            RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2),
            RTPMap(payloadType: 126, encodingName: "telephone-event", clockRate: 8000),
        ])
    }

    func testRTPMapFallsBackToTheStaticTable() throws {
        let media = MediaDescription(media: "audio", port: 4000, proto: "RTP/AVP", formats: ["0", "8", "9", "18", "96"])
        XCTAssertEqual(media.rtpMap(for: 0), RTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))
        XCTAssertEqual(media.rtpMap(for: 8)?.encodingName, "PCMA")
        XCTAssertEqual(media.rtpMap(for: 9), RTPMap(payloadType: 9, encodingName: "G722", clockRate: 8000))
        XCTAssertEqual(media.rtpMap(for: 18)?.encodingName, "G729")
        XCTAssertNil(media.rtpMap(for: 96), "dynamic types need an rtpmap")
        XCTAssertEqual(StaticPayloadTypes.rtpMap(for: 13)?.encodingName, "CN")
        XCTAssertEqual(StaticPayloadTypes.rtpMap(for: 10)?.channels, 2)
        XCTAssertNil(StaticPayloadTypes.rtpMap(for: 2), "2 is unassigned since RFC 3551")
    }

    func testAnRTPMapLineOverridesTheStaticTable() {
        let media = MediaDescription(media: "audio", port: 4000, proto: "RTP/AVP", formats: ["3"],
                                     attributes: [Attribute(name: "rtpmap", value: "3 weird/16000")])
        XCTAssertEqual(media.rtpMap(for: 3), RTPMap(payloadType: 3, encodingName: "weird", clockRate: 16000))
    }

    func testMalformedRTPMapsAreSkipped() {
        for value in ["", "96", "96 opus", "96 opus/x", "96 /8000", "300 opus/48000", "96 opus/48000/0",
                      "96 opus/48000/2/1", "96 opus/99999999999999999999999", "x opus/8000"] {
            XCTAssertNil(RTPMap(attributeValue: value), value)
        }
    }

    func testFmtpIsFoundByPayloadType() throws {
        XCTAssertEqual(try audio(Fixtures.freeswitch).fmtp(for: 101), "0-16")
        XCTAssertEqual(try audio(Fixtures.opusIPv6).fmtp(for: 111), "minptime=10;useinbandfec=1;maxaveragebitrate=64000")
        XCTAssertEqual(try audio(Fixtures.yealink).fmtp(for: 101), "0-15", "fmtp before its rtpmap")
        XCTAssertNil(try audio(Fixtures.freeswitch).fmtp(for: 0))
    }

    func testSetFmtpReplacesInPlaceOrAppends() throws {
        var media = try audio(Fixtures.freeswitch)
        media.setFmtp("0-15", for: 101)
        XCTAssertEqual(media.attributes[3], Attribute(name: "fmtp", value: "101 0-15"))
        media.setFmtp("annexb=no", for: 18)
        XCTAssertEqual(media.attributes.last, Attribute(name: "fmtp", value: "18 annexb=no"))
        media.setFmtp(nil, for: 101)
        XCTAssertNil(media.fmtp(for: 101))
        XCTAssertEqual(media.fmtp(for: 18), "annexb=no")
    }

    func testDirectionIsReadAndReplacedInPlace() throws {
        XCTAssertEqual(try audio(Fixtures.hold).direction, .sendonly)
        XCTAssertNil(try audio(Fixtures.sippUAC).direction)

        var media = try audio(Fixtures.freeswitch)
        let before = media.attributes.map(\.name)
        media.setDirection(.recvonly)
        XCTAssertEqual(media.direction, .recvonly)
        XCTAssertEqual(media.attributes.map(\.name), before.map { $0 == "sendrecv" ? "recvonly" : $0 })

        media.attributes.append(Attribute(name: "inactive"))
        media.setDirection(.sendonly)
        XCTAssertEqual(media.attributes.filter { MediaDirection(rawValue: $0.name) != nil }, [Attribute(name: "sendonly")])

        var bare = try audio(Fixtures.sippUAC)
        bare.setDirection(.inactive)
        XCTAssertEqual(bare.attributes.last, Attribute(name: "inactive"))
        bare.direction = nil
        XCTAssertNil(bare.direction)
        XCTAssertEqual(bare.attributes.count, 1)
    }

    func testEffectiveDirectionFallsBackToSessionThenSendrecv() throws {
        let seminar = try SessionDescription(parsing: Fixtures.rfcSeminar.text)
        XCTAssertEqual(seminar.direction(for: seminar.media[0]), .recvonly)
        let sipp = try SessionDescription(parsing: Fixtures.sippUAC.text)
        XCTAssertEqual(sipp.direction(for: sipp.media[0]), .sendrecv)
        let hold = try SessionDescription(parsing: Fixtures.hold.text)
        XCTAssertEqual(hold.direction(for: hold.media[0]), .sendonly)
        XCTAssertNil(hold.sessionDirection)
    }

    func testDirectionAlgebra() {
        XCTAssertEqual(MediaDirection.sendonly.reversed, .recvonly)
        XCTAssertEqual(MediaDirection.recvonly.reversed, .sendonly)
        XCTAssertEqual(MediaDirection.sendrecv.reversed, .sendrecv)
        XCTAssertEqual(MediaDirection.inactive.reversed, .inactive)
        XCTAssertEqual(MediaDirection.allCases.filter(\.sends), [.sendrecv, .sendonly])
        XCTAssertEqual(MediaDirection.allCases.filter(\.receives), [.sendrecv, .recvonly])
        XCTAssertEqual(MediaDirection.sendrecv.intersection(.recvonly), .recvonly)
        XCTAssertEqual(MediaDirection.sendonly.intersection(.recvonly), .inactive)
        for direction in MediaDirection.allCases {
            XCTAssertEqual(direction.reversed.reversed, direction)
            XCTAssertEqual(MediaDirection(sends: direction.sends, receives: direction.receives), direction)
        }
    }

    func testPtimeAndMaxptime() throws {
        let asterisk = try audio(Fixtures.asterisk)
        XCTAssertEqual(asterisk.ptime, 20)
        XCTAssertEqual(asterisk.maxptime, 150)
        XCTAssertNil(try audio(Fixtures.sippUAC).ptime)

        var media = try audio(Fixtures.sippUAC)
        media.attributes.append(Attribute(name: "ptime", value: "30.0"))
        XCTAssertEqual(media.ptime, 30, "a fractional ptime is truncated")
        media.ptime = 20
        XCTAssertEqual(media.attributes.last, Attribute(name: "ptime", value: "20"))
        media.attributes.append(Attribute(name: "maxptime", value: "99999999999999999999999"))
        XCTAssertNil(media.maxptime, "an overflowing value is nil, not a trap")
        media.maxptime = nil
        XCTAssertFalse(media.hasAttribute(named: "maxptime"))
    }

    func testRTCPAttribute() throws {
        XCTAssertEqual(try audio(Fixtures.freeswitch).rtcp,
                       RTCPAttribute(port: 16385, connection: Connection(address: "203.0.113.5")))
        XCTAssertEqual(try audio(Fixtures.opusIPv6).rtcp,
                       RTCPAttribute(port: 50000, connection: Connection(address: "2001:db8::10", addressType: "IP6")))
        XCTAssertEqual(RTCPAttribute(attributeValue: "53021"), RTCPAttribute(port: 53021))
        XCTAssertNil(RTCPAttribute(attributeValue: "70000"))
        XCTAssertNil(RTCPAttribute(attributeValue: "5000 IN IP4"))

        var media = try audio(Fixtures.sippUAC)
        media.rtcp = RTCPAttribute(port: 6001)
        XCTAssertEqual(media.attributeValue(named: "rtcp"), "6001")
        media.rtcp = nil
        XCTAssertNil(media.rtcp)
    }

    func testRTCPMux() throws {
        XCTAssertTrue(try audio(Fixtures.opusIPv6).rtcpMux)
        var media = try audio(Fixtures.asterisk)
        XCTAssertFalse(media.rtcpMux)
        media.rtcpMux = true
        media.rtcpMux = true
        XCTAssertEqual(media.attributes.filter { $0.name == "rtcp-mux" }.count, 1)
        media.rtcpMux = false
        XCTAssertFalse(media.hasAttribute(named: "rtcp-mux"))
    }

    func testCryptoLines() throws {
        let crypto = try audio(Fixtures.srtp).crypto
        XCTAssertEqual(crypto, [
            Crypto(tag: 1, suite: "AES_CM_128_HMAC_SHA1_80",
                   keyParams: "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:32"),
            Crypto(tag: 2, suite: "AES_CM_128_HMAC_SHA1_32",
                   keyParams: "inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^20|1:32",
                   sessionParams: ["UNENCRYPTED_SRTCP"]),
        ])
        var media = try audio(Fixtures.srtp)
        media.crypto = [crypto[0]]
        XCTAssertEqual(media.crypto, [crypto[0]])
        XCTAssertEqual(media.attributes.last, Attribute(name: "sendrecv"), "the kept crypto line stays in place")
        XCTAssertNil(Crypto(attributeValue: "1234567890 AES_CM_128_HMAC_SHA1_80 inline:x"), "tag is at most 9 digits")
    }

    func testRejectedStreamsAndEffectiveConnection() throws {
        let sdp = try SessionDescription(parsing: Fixtures.rfcSeminar.text)
        XCTAssertEqual(sdp.connection(for: sdp.media[0])?.address, "224.2.17.12")
        XCTAssertEqual(sdp.connection(for: sdp.media[1])?.address, "ff15::101")
        let answer = try SessionDescription(parsing: Fixtures.rejectedVideo.text)
        XCTAssertEqual(answer.media.map(\.isRejected), [false, true])
    }

    func testHoldAddress() throws {
        let hold = try SessionDescription(parsing: Fixtures.hold.text)
        XCTAssertEqual(hold.connection(for: hold.media[0])?.isHoldAddress, true)
        XCTAssertTrue(Connection(address: "::", addressType: "IP6").isHoldAddress)
        XCTAssertTrue(Connection(address: "0:0:0:0:0:0:0:0", addressType: "IP6").isHoldAddress)
        XCTAssertFalse(Connection(address: "10.0.0.1").isHoldAddress)
        XCTAssertFalse(Connection(address: "2001:db8::1", addressType: "IP6").isHoldAddress)
        XCTAssertFalse(Connection(address: "0.0.0.1").isHoldAddress)
    }

    func testRetainFormatsDropsTheirAttributes() throws {
        var video = try SessionDescription(parsing: Fixtures.linphone.text).media[1]
        video.retainFormats([])
        XCTAssertEqual(video.attributes, [Attribute(name: "rtcp-fb", value: "* trr-int 1000")])

        var media = try audio(Fixtures.linphone)
        media.retainFormats(["0", "101"])
        XCTAssertEqual(media.formats, ["0", "101"])
        XCTAssertEqual(media.rtpMaps.map(\.payloadType), [101])
        XCTAssertNil(media.fmtp(for: 96))
        XCTAssertEqual(media.rtpMap(for: 0)?.encodingName, "PCMU")
        XCTAssertEqual(media.attributes.filter { $0.name == "rtcp-fb" }.count, 2)
    }

    func testSetRTPMapReplacesTheSamePayloadType() throws {
        var media = try audio(Fixtures.freeswitch)
        media.setRTPMap(RTPMap(payloadType: 101, encodingName: "telephone-event", clockRate: 48000))
        XCTAssertEqual(media.attributes[2], Attribute(name: "rtpmap", value: "101 telephone-event/48000"))
        media.setRTPMap(RTPMap(payloadType: 111, encodingName: "opus", clockRate: 48000, channels: 2))
        XCTAssertEqual(media.attributes.last, Attribute(name: "rtpmap", value: "111 opus/48000/2"))
        XCTAssertEqual(media.rtpMaps.count, 5)
    }
}
