import Media
import SDP
@testable import Switch
import XCTest

/// The pure parts of attended transfer and Parley-initiated hold: Replaces parsing (RFC 3891
/// §6.1), the RFC 3891 §3 decision table, the glare back-off (RFC 3261 §14.1) and how an answer
/// keeps our hold (RFC 6337).
final class ReplacesTests: XCTestCase {
    func testAReplacesHeaderValueParsesItsCallIDTagsAndEarlyOnlyFlag() throws {
        let header = try XCTUnwrap(ReplacesHeader(parsing: "98asjd8@test.com ; to-tag=12345;from-tag=54321;early-only"))
        XCTAssertEqual(header.callID, "98asjd8@test.com")
        XCTAssertEqual(header.toTag, "12345")
        XCTAssertEqual(header.fromTag, "54321")
        XCTAssertTrue(header.earlyOnly)
        let plain = try XCTUnwrap(ReplacesHeader(parsing: "abc;FROM-TAG=f;To-Tag=t;x-other=1"))
        XCTAssertEqual(plain, ReplacesHeader(callID: "abc", toTag: "t", fromTag: "f"))
        XCTAssertEqual(plain.description, "abc;to-tag=t;from-tag=f")
        XCTAssertEqual(ReplacesHeader(parsing: plain.description), plain)
    }

    func testMalformedReplacesValuesAreRejectedWithoutTrapping() {
        let bad = [
            "", ";to-tag=a;from-tag=b", "abc", "abc;to-tag=a", "abc;from-tag=b", "abc;to-tag=;from-tag=b",
            "abc;to-tag=a;to-tag=c;from-tag=b", "a@b@c;to-tag=a;from-tag=b", "a b;to-tag=a;from-tag=b",
            "abc;to-tag=a;from-tag=b;;", "abc;to-tag=a b;from-tag=b", String(repeating: "x", count: 5000) + ";to-tag=a;from-tag=b",
        ]
        for value in bad { XCTAssertNil(ReplacesHeader(parsing: value), value) }
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abc;=@ -%3B\u{0}\u{7F}é<>?&toagfrmely")
        for _ in 0..<2000 {
            let text = String((0..<Int.random(in: 0...40, using: &generator)).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
            _ = ReplacesHeader(parsing: text)
            _ = ReplacesHeader(referTo: "<sip:1@h?" + text + ">")
        }
    }

    func testTheReplacesInAReferToURIIsUnescaped() throws {
        let referTo = "\"Carol\" <sip:1003@127.0.0.1:5080;transport=udp?Replaces=c2%2F%2F%2F1-234%40127.0.0.1%3Bto-tag%3Dpar%2Bley%3Bfrom-tag%3Db2tag&Require=replaces>"
        let header = try XCTUnwrap(ReplacesHeader(referTo: referTo))
        XCTAssertEqual(header, ReplacesHeader(callID: "c2///1-234@127.0.0.1", toTag: "par+ley", fromTag: "b2tag"))
        XCTAssertTrue(ReplacesHeader.isPresent(inReferTo: referTo))
        XCTAssertFalse(ReplacesHeader.isPresent(inReferTo: "<sip:1003@127.0.0.1;replaces=x>"))
        XCTAssertNil(ReplacesHeader(referTo: "<sip:1003@127.0.0.1>"))
        XCTAssertNil(ReplacesHeader(referTo: "<sip:1003@127.0.0.1?Replaces=abc%3Bto-tag%3Dt>"), "no from-tag")
        XCTAssertNil(ReplacesHeader(referTo: "<sip:1003@127.0.0.1?Replaces=%ZZ>"))
    }

    func testRFC3891DecisionTable() {
        typealias D = ReplacesDecision
        XCTAssertEqual(D.decide(state: .confirmed, role: .uas, earlyOnly: false), .replace(ending: .bye))
        XCTAssertEqual(D.decide(state: .confirmed, role: .uac, earlyOnly: false), .replace(ending: .bye))
        XCTAssertEqual(D.decide(state: .confirmed, role: .uac, earlyOnly: true), .reject(status: 486))
        XCTAssertEqual(D.decide(state: .early, role: .uac, earlyOnly: false), .replace(ending: .cancel))
        XCTAssertEqual(D.decide(state: .early, role: .uac, earlyOnly: true), .replace(ending: .cancel))
        XCTAssertEqual(D.decide(state: .early, role: .uas, earlyOnly: false), .reject(status: 481))
        XCTAssertEqual(D.decide(state: .terminated, role: .uas, earlyOnly: false), .reject(status: 603))
        XCTAssertEqual(D.decide(state: .terminated, role: .uac, earlyOnly: true), .reject(status: 603))
    }

    func testGlareBackoffStaysInTheRFC3261Windows() {
        var random = SystemRandomNumberGenerator()
        var owner = Set<Int>()
        var other = Set<Int>()
        for _ in 0..<2000 {
            let a = GlareBackoff.delayMilliseconds(ownsCallID: true, using: &random)
            let b = GlareBackoff.delayMilliseconds(ownsCallID: false, using: &random)
            XCTAssertTrue((2100...4000).contains(a), "\(a)")
            XCTAssertTrue((0...2000).contains(b), "\(b)")
            XCTAssertEqual(a % 10, 0)
            XCTAssertEqual(b % 10, 0)
            owner.insert(a)
            other.insert(b)
        }
        XCTAssertGreaterThan(owner.count, 50, "the delay must be random")
        XCTAssertGreaterThan(other.count, 50, "the delay must be random")
    }

    func testAnAnswerWhileWeHoldNeverAgreesToReceive() throws {
        let local = LocalAudio(address: "127.0.0.1", port: 40000, codecs: [.pcmu], ptime: 20, sessionID: "1", sessionVersion: 2, srtp: .off)
        let expectations: [(offered: String, held: MediaDirection)] = [
            ("sendrecv", .sendonly), ("sendonly", .inactive), ("recvonly", .sendonly), ("inactive", .inactive),
        ]
        for (offered, held) in expectations {
            let offer = try SessionDescription(parsing: """
                v=0\r
                o=- 1 1 IN IP4 127.0.0.1\r
                s=-\r
                c=IN IP4 127.0.0.1\r
                t=0 0\r
                m=audio 41000 RTP/AVP 0\r
                a=rtpmap:0 PCMU/8000\r
                a=\(offered)\r

                """)
            let (answer, audio) = try AudioNegotiation.answer(to: offer, local: local)
            let (kept, keptAudio) = Switch.holding(answer, audio)
            XCTAssertEqual(keptAudio.direction, held, offered)
            let text = kept.serialized()
            XCTAssertTrue(text.contains("a=\(held.rawValue)\r\n"), text)
            let directions = MediaDirection.allCases.filter { text.contains("a=\($0.rawValue)\r\n") }
            XCTAssertEqual(directions, [held], "exactly one direction attribute\n\(text)")
        }
    }
}
