import Codecs
import Media
import SDP
import SRTP
import XCTest

final class AudioNegotiationTests: XCTestCase {
    private let local = LocalAudio(address: "127.0.0.1", port: 20000, codecs: [.pcmu, .pcma, .g722, .opus], ptime: 20,
                                   sessionID: "42", sessionVersion: 7, srtp: .optional)

    private func sdp(_ lines: [String]) throws -> SessionDescription {
        try SessionDescription(parsing: (["v=0", "o=x 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0"] + lines)
            .joined(separator: "\r\n") + "\r\n")
    }

    func testAnswerKeepsOfferersCodecOrderAndTheirTelephoneEventPayloadType() throws {
        let offer = try sdp(["m=audio 4000 RTP/AVP 8 0 96", "a=rtpmap:96 telephone-event/8000", "a=fmtp:96 0-15"])
        let (answer, audio) = try AudioNegotiation.answer(to: offer, local: local)
        XCTAssertEqual(audio.codecName, "PCMA")
        XCTAssertEqual(audio.payloadType, 8)
        XCTAssertEqual(audio.telephoneEventPayloadType, 96)
        XCTAssertEqual(audio.remote, MediaAddress(host: "192.0.2.1", port: 4000))
        XCTAssertEqual(audio.direction, .sendrecv)
        XCTAssertTrue(audio.sends)
        let m = try XCTUnwrap(answer.media.first)
        XCTAssertEqual(m.port, 20000)
        XCTAssertEqual(m.formats, ["8", "96"])
        XCTAssertEqual(m.fmtp(for: 96), "0-15")
        XCTAssertEqual(m.direction, .sendrecv)
        XCTAssertEqual(m.ptime, 20)
        XCTAssertEqual(answer.origin.sessionVersion, 7)
        XCTAssertEqual(answer.connection?.address, "127.0.0.1")
        // The answer must itself be valid SDP.
        XCTAssertEqual(try SessionDescription(parsing: answer.serialized()), answer)
    }

    func testStaticPayloadTypesWithoutRtpmapAreUnderstood() throws {
        let offer = try sdp(["m=audio 4000 RTP/AVP 18 0"])
        let (_, audio) = try AudioNegotiation.answer(to: offer, local: local)
        XCTAssertEqual(audio.codecName, "PCMU")
        XCTAssertNil(audio.telephoneEventPayloadType)
    }

    func testDirectionsAreMirrored() throws {
        let cases: [(String, MediaDirection, Bool)] = [
            ("sendonly", .recvonly, false), ("recvonly", .sendonly, true), ("inactive", .inactive, false), ("sendrecv", .sendrecv, true),
        ]
        for (offered, expected, sends) in cases {
            let (answer, audio) = try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/AVP 0", "a=\(offered)"]), local: local)
            XCTAssertEqual(audio.direction, expected, offered)
            XCTAssertEqual(answer.media.first?.direction, expected, offered)
            XCTAssertEqual(audio.sends, sends, offered)
        }
    }

    func testHoldByZeroAddressStopsSending() throws {
        let offer = try SessionDescription(parsing: "v=0\r\no=x 1 2 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
        let (_, audio) = try AudioNegotiation.answer(to: offer, local: local)
        XCTAssertTrue(audio.remoteHold)
        XCTAssertFalse(audio.sends)
    }

    func testOtherStreamsAreRejectedInPlace() throws {
        let offer = try sdp(["m=video 5000 RTP/AVP 96", "a=rtpmap:96 H264/90000", "m=audio 4000 RTP/AVP 0", "m=audio 4002 RTP/AVP 0"])
        let (answer, audio) = try AudioNegotiation.answer(to: offer, local: local)
        XCTAssertEqual(answer.media.map(\.port), [0, 20000, 0])
        XCTAssertEqual(answer.media.map(\.media), ["video", "audio", "audio"])
        XCTAssertEqual(audio.remote.port, 4000)
    }

    func testUnacceptableOffersExplainWhy() throws {
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/AVP 18", "a=rtpmap:18 G729/8000"]), local: local)) {
            XCTAssertTrue("\($0)".contains("no common codec"), "\($0)")
        }
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/SAVP 0"]), local: local)) {
            XCTAssertTrue("\($0)".contains("SRTP"), "SAVP without a usable crypto line: \($0)")
        }
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=audio 4000 UDP/TLS/RTP/SAVPF 0"]), local: local)) {
            XCTAssertTrue("\($0)".contains("unsupported transport"), "\($0)")
        }
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=video 4000 RTP/AVP 96"]), local: local)) {
            XCTAssertTrue("\($0)".contains("no active audio"), "\($0)")
        }
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=audio 0 RTP/AVP 0"]), local: local))
        // Wideband-only offers are refused rather than mis-clocked.
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/AVP 96", "a=rtpmap:96 PCMU/16000"]), local: local))
    }

    func testOfferAndAcceptForDelayedOffer() throws {
        let (offer, pending) = AudioNegotiation.offer(local: local)
        let m = try XCTUnwrap(offer.media.first)
        XCTAssertEqual(m.formats, ["0", "8", "9", "111", "101"])
        XCTAssertEqual(m.rtpMap(for: 101)?.encodingName, "telephone-event")
        XCTAssertEqual(m.rtpMap(for: 111)?.encodingName, "opus")
        XCTAssertEqual(m.rtpMap(for: 111)?.clockRate, 48000)
        XCTAssertEqual(m.direction, .sendrecv)
        XCTAssertTrue(m.rtcpMux)
        // Optional SRTP: best-effort crypto lines on RTP/AVP.
        XCTAssertEqual(m.proto, "RTP/AVP")
        XCTAssertFalse(m.crypto.isEmpty)
        let answer = try sdp(["m=audio 6000 RTP/AVP 8 101", "a=rtpmap:101 telephone-event/8000", "a=recvonly"])
        let audio = try AudioNegotiation.accept(answer: answer, offer: pending)
        XCTAssertEqual(audio.codecName, "PCMA")
        XCTAssertEqual(audio.telephoneEventPayloadType, 101)
        XCTAssertEqual(audio.direction, .sendonly)
        XCTAssertEqual(audio.remote.port, 6000)
        XCTAssertNil(audio.srtp, "a plain answer to a best-effort offer stays plain")
        XCTAssertThrowsError(try AudioNegotiation.accept(answer: try sdp(["m=audio 0 RTP/AVP 0"]), offer: pending))
    }

    func testWidebandAndOpusAreNegotiatedWithTheirClocks() throws {
        let (_, g722) = try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/AVP 9 101", "a=rtpmap:101 telephone-event/8000"]), local: local)
        XCTAssertEqual(g722.codecName, "G722")
        XCTAssertEqual(g722.clockRate, 8000, "RFC 3551: G.722's RTP clock is 8000")
        XCTAssertEqual(g722.samplesPerFrame, 160)
        let (answer, opus) = try AudioNegotiation.answer(to: try sdp([
            "m=audio 4000 RTP/AVP 96 97 98", "a=rtpmap:96 opus/48000/2", "a=fmtp:96 useinbandfec=1; stereo=0",
            "a=rtpmap:97 telephone-event/8000", "a=rtpmap:98 telephone-event/48000",
        ]), local: local)
        XCTAssertEqual(opus.codecName, "opus")
        XCTAssertEqual(opus.payloadType, 96)
        XCTAssertEqual(opus.samplesPerFrame, 960)
        XCTAssertEqual(opus.telephoneEventPayloadType, 98, "RFC 4733: the event clock matching the codec's is preferred")
        XCTAssertEqual(opus.telephoneEventClockRate, 48000)
        XCTAssertEqual(answer.media.first?.rtpMap(for: 96)?.clockRate, 48000)
        XCTAssertNotNil(answer.media.first?.fmtp(for: 96))
    }

    func testSRTPOfferIsAnsweredWithOurOwnKeyAndTheStrongestSuite() throws {
        let key = "inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
        let offer = try sdp(["m=audio 4000 RTP/SAVP 0", "a=crypto:1 AES_CM_128_HMAC_SHA1_32 \(key)",
                             "a=crypto:2 AES_CM_128_HMAC_SHA1_80 \(key)"])
        let (answer, audio) = try AudioNegotiation.answer(to: offer, local: local)
        let m = try XCTUnwrap(answer.media.first)
        XCTAssertEqual(m.proto, "RTP/SAVP")
        XCTAssertEqual(m.crypto.count, 1)
        XCTAssertEqual(m.crypto.first?.tag, 2)
        XCTAssertEqual(m.crypto.first?.suite, "AES_CM_128_HMAC_SHA1_80")
        XCTAssertFalse(m.crypto.first?.keyParams.contains("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz") ?? true, "our key must be fresh")
        XCTAssertEqual(audio.srtp?.suite, .aesCM128HMACSHA1_80)
        var off = local
        off.srtp = .off
        XCTAssertThrowsError(try AudioNegotiation.answer(to: offer, local: off))
        var required = local
        required.srtp = .required
        XCTAssertThrowsError(try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/AVP 0"]), local: required))
    }

    func testRTCPMuxAndComfortNoiseAreHonoured() throws {
        let (answer, audio) = try AudioNegotiation.answer(to: try sdp([
            "m=audio 4000 RTP/AVP 0 13", "a=rtcp-mux", "a=rtcp:4001",
        ]), local: local)
        XCTAssertTrue(audio.rtcpMux)
        XCTAssertEqual(audio.remoteRTCP, MediaAddress(host: "192.0.2.1", port: 4000))
        XCTAssertEqual(audio.comfortNoisePayloadType, 13)
        XCTAssertTrue(answer.media.first?.rtcpMux ?? false)
        let (_, separate) = try AudioNegotiation.answer(to: try sdp(["m=audio 4000 RTP/AVP 0", "a=rtcp:5005"]), local: local)
        XCTAssertFalse(separate.rtcpMux)
        XCTAssertEqual(separate.remoteRTCP.port, 5005)
    }
}
