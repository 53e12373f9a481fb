import RTP
import XCTest

/// RFC 5761 §4 demultiplexing by the second byte, RFC 7983 by the first.
final class RTCPMuxTests: XCTestCase {
    func testClassification() {
        let cases: [(String, [UInt8], RTCPMux.Kind)] = [
            ("SR", [0x81, 200], .rtcp),
            ("RR", [0x80, 201], .rtcp),
            ("SDES", [0x81, 202], .rtcp),
            ("BYE", [0x81, 203], .rtcp),
            ("APP", [0x80, 204], .rtcp),
            ("RTPFB", [0x81, 205], .rtcp),
            ("PSFB", [0x81, 206], .rtcp),
            ("XR", [0x80, 207], .rtcp),
            ("RTCP type 192 (FIR)", [0x80, 192], .rtcp),
            ("RTCP type 223", [0x80, 223], .rtcp),
            ("PCMU", [0x80, 0], .rtp),
            ("PCMA with marker", [0x80, 0x88], .rtp),
            ("PT 63", [0x80, 63], .rtp),
            ("PT 96 with marker", [0x80, 0xE0], .rtp),
            ("PT 101 (telephone-event)", [0x90, 101], .rtp),
            ("PT 127", [0xBF, 0x7F], .rtp),
            ("PT 64 (reserved, reads as RTCP 192)", [0x80, 64], .rtcp),
            ("PT 95 with marker (reads as RTCP 223)", [0x80, 0xDF], .rtcp),
            ("STUN binding request", [0x00, 0x01, 0x00, 0x00], .stun),
            ("STUN 3", [0x03, 0x00], .stun),
            ("DTLS handshake", [0x16, 0xFE, 0xFD], .dtls),
            ("DTLS 63", [0x3F, 0x00], .dtls),
            ("TURN channel", [0x40, 0x00], .unknown),
            ("version 3", [0xC0, 200], .unknown),
            ("byte 4", [0x04, 0x00], .unknown),
            ("lone RTP byte", [0x80], .unknown),
            ("empty", [], .unknown),
        ]
        for (name, bytes, kind) in cases {
            XCTAssertEqual(RTCPMux.classify(bytes), kind, name)
            XCTAssertEqual(RTCPMux.isRTCP(bytes), kind == .rtcp, name)
        }
    }

    func testRealPacketsClassifyAsTheirKind() {
        XCTAssertEqual(RTCPMux.classify(RTCPFixtureTests.compound), .rtcp)
        XCTAssertEqual(RTCPMux.classify(RTCPFixtureTests.senderReport), .rtcp)
        let rtp = RTPPacket(payloadType: 8, sequenceNumber: 1, timestamp: 160, ssrc: 1, marker: true, payload: [1, 2]).serialized()
        XCTAssertEqual(RTCPMux.classify(rtp), .rtp)
    }
}
