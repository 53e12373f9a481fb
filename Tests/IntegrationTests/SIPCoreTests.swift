import Foundation
import ParleyTesting
import XCTest

/// The SIP core against a hand-driven UDP user agent: exact statuses, headers and SDP.
final class SIPCoreTests: XCTestCase {
    private var server: ParleyServer!

    override func setUpWithError() throws {
        server = try ParleyServer(name: name.filter { $0.isLetter || $0.isNumber })
    }

    override func tearDown() {
        if let server {
            let status = server.stop()
            if status != 0 { print("parley exit status \(String(describing: status)); log:\n\(server.log)") }
        }
        server = nil
    }

    private func probe(_ target: String) throws -> SIPProbe {
        let p = try SIPProbe(serverPort: server.sipPort)
        p.target = target
        return p
    }

    func testOptionsAnswersWithCapabilitiesAndRport() throws {
        let p = try probe("9196")
        p.send("OPTIONS", uri: "sip:127.0.0.1:\(server.sipPort)")
        let r = try XCTUnwrap(p.finalResponse(to: "OPTIONS"), server.log)
        XCTAssertEqual(r.status, 200)
        let allow = try XCTUnwrap(r.header("Allow"))
        for method in ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "UPDATE"] {
            XCTAssertTrue(allow.contains(method), "Allow: \(allow) lacks \(method)")
        }
        XCTAssertTrue(r.header("Accept")?.contains("application/sdp") ?? false, "Accept: \(r.header("Accept") ?? "none")")
        XCTAssertNotNil(r.header("Supported"))
        // RFC 3581: the response's Via carries the port the request came from.
        let via = try XCTUnwrap(r.header("Via"))
        XCTAssertEqual(WireMessage.param("rport", in: via), String(p.localPort), via)
        XCTAssertEqual(WireMessage.param("received", in: via) ?? "127.0.0.1", "127.0.0.1")
    }

    func testUnknownExtensionGets404() throws {
        let p = try probe("123456")
        p.send("INVITE", body: SIPProbe.offer(rtpPort: 40000))
        let r = try XCTUnwrap(p.finalResponse(to: "INVITE"), server.log)
        XCTAssertEqual(r.status, 404)
        p.ackFailure()
    }

    func testDialplanRejectRulesAnswerWithTheirCode() throws {
        let server2 = try ParleyServer(name: "reject", extraDialplan: """
              - prefix: "900"
                action: reject
              - extension: "666"
                action: reject
                code: 486
            """)
        defer { server2.stop() }
        for (number, status) in [("9005551234", 403), ("666", 486)] {
            let p = try SIPProbe(serverPort: server2.sipPort)
            p.target = number
            p.send("INVITE", body: SIPProbe.offer(rtpPort: 40020))
            XCTAssertEqual(p.finalResponse(to: "INVITE")?.status, status, "\(number)\n\(server2.log)")
            p.ackFailure()
        }
    }

    func testMalformedSDPGets488() throws {
        let p = try probe("9196")
        p.send("INVITE", body: "v=0\r\no=broken\r\nm=audio notaport RTP/AVP 0\r\n")
        let r = try XCTUnwrap(p.finalResponse(to: "INVITE"), server.log)
        XCTAssertEqual(r.status, 488)
        XCTAssertTrue(r.header("Warning")?.contains("SDP") ?? false, "Warning: \(r.header("Warning") ?? "none")")
        p.ackFailure()
    }

    func testOfferWithNoCommonCodecGets488() throws {
        let p = try probe("9196")
        let offer = "v=0\r\no=p 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"
        p.send("INVITE", body: offer)
        let r = try XCTUnwrap(p.finalResponse(to: "INVITE"), server.log)
        XCTAssertEqual(r.status, 488)
        p.ackFailure()
    }

    func testNonSDPBodyGets415WithAccept() throws {
        let p = try probe("9196")
        p.send("INVITE", body: "<xml/>", contentType: "application/xml")
        let r = try XCTUnwrap(p.finalResponse(to: "INVITE"), server.log)
        XCTAssertEqual(r.status, 415)
        XCTAssertEqual(r.header("Accept"), "application/sdp")
        p.ackFailure()
    }

    func testEchoCallRingsAnswersRenegotiatesAndHangsUp() throws {
        let p = try probe("9196")
        p.send("INVITE", body: SIPProbe.offer(rtpPort: 40002, formats: "8 0 96", eventPT: 96))
        XCTAssertNotNil(p.response(180, to: "INVITE"), "no 180 Ringing\n\(server.log)")
        let ok = try XCTUnwrap(p.response(200, to: "INVITE"), server.log)
        XCTAssertEqual(ok.header("Content-Type"), "application/sdp")
        // The answer keeps the offerer's first codec (PCMA) and its telephone-event payload type 96.
        let m = try XCTUnwrap(ok.body.components(separatedBy: "\r\n").first { $0.hasPrefix("m=audio ") })
        XCTAssertTrue(m.hasSuffix("RTP/AVP 8 96"), m)
        XCTAssertTrue(ok.body.contains("a=rtpmap:96 telephone-event/8000"), ok.body)
        XCTAssertTrue(ok.body.contains("a=sendrecv"), ok.body)
        let port = Int(m.split(separator: " ")[1]) ?? -1
        XCTAssertTrue(server.rtpRange.contains(UInt16(clamping: port)), "RTP port \(port) outside \(server.rtpRange)")
        XCTAssertEqual(port % 2, 0, "RTP port must be even")
        p.toTag = ok.toTag
        p.ackSuccess()

        // Hold: a re-INVITE with sendonly is answered recvonly, the call stays up.
        p.send("INVITE", body: SIPProbe.offer(rtpPort: 40002, formats: "8 96", direction: "sendonly"))
        let hold = try XCTUnwrap(p.response(200, to: "INVITE"), server.log)
        XCTAssertTrue(hold.body.contains("a=recvonly"), hold.body)
        p.ackSuccess()
        // A re-INVITE without SDP: we offer in the 200, the answer comes in the ACK.
        p.send("INVITE")
        let reoffer = try XCTUnwrap(p.response(200, to: "INVITE"), server.log)
        XCTAssertTrue(reoffer.body.contains("m=audio \(port) RTP/AVP"), reoffer.body)
        p.ackSuccess(body: SIPProbe.offer(rtpPort: 40002, formats: "0 101", eventPT: 101))
        // UPDATE with an offer (RFC 3311).
        p.send("UPDATE", body: SIPProbe.offer(rtpPort: 40004, formats: "0 96", direction: "inactive"))
        let update = try XCTUnwrap(p.finalResponse(to: "UPDATE"), server.log)
        XCTAssertEqual(update.status, 200)
        XCTAssertTrue(update.body.contains("a=inactive"), update.body)
        // A re-INVITE with broken SDP is refused but the call survives.
        p.send("INVITE", body: "v=0\r\nbroken")
        XCTAssertEqual(p.finalResponse(to: "INVITE")?.status, 488)
        p.ackFailure()

        p.send("BYE")
        XCTAssertEqual(p.finalResponse(to: "BYE")?.status, 200, server.log)
    }

    func testDelayedOfferGetsOurOfferAndTakesTheAnswerFromACK() throws {
        let p = try probe("9196")
        p.send("INVITE")
        let ok = try XCTUnwrap(p.response(200, to: "INVITE"), server.log)
        XCTAssertTrue(ok.body.contains("a=rtpmap:0 PCMU/8000"), ok.body)
        XCTAssertTrue(ok.body.contains("telephone-event/8000"), ok.body)
        p.toTag = ok.toTag
        p.ackSuccess(body: SIPProbe.offer(rtpPort: 40006, formats: "0 101", eventPT: 101))
        Thread.sleep(forTimeInterval: 0.3)
        p.send("BYE")
        XCTAssertEqual(p.finalResponse(to: "BYE")?.status, 200, server.log)
        XCTAssertFalse(server.log.contains("hanging up"), server.log)
    }

    func testCancelBeforeAnswerGets487() throws {
        let p = try probe("9100")
        p.send("INVITE", body: SIPProbe.offer(rtpPort: 40008))
        let early = try XCTUnwrap(p.response(183, to: "INVITE"), server.log)
        XCTAssertTrue(early.body.contains("m=audio"), "183 must carry the answer for early media")
        p.cancel()
        XCTAssertEqual(p.finalResponse(to: "CANCEL")?.status, 200)
        XCTAssertEqual(p.finalResponse(to: "INVITE")?.status, 487)
        p.ackFailure()
        XCTAssertTrue(waitFor { self.server.log.contains("cancelled by caller") }, server.log)
    }

    func testParleyHangsUpWithByeHonouringRecordRoute() throws {
        let p = try probe("9101")
        p.recordRoute = "<sip:127.0.0.1:\(p.localPort);lr>"
        p.send("INVITE", body: SIPProbe.offer(rtpPort: 40010))
        let ok = try XCTUnwrap(p.response(200, to: "INVITE"), server.log)
        XCTAssertEqual(ok.header("Record-Route"), p.recordRoute)
        p.toTag = ok.toTag
        p.ackSuccess()
        // The goodbye prompt is about a second long; then parley sends BYE through the route set.
        let bye = try XCTUnwrap(p.receive(timeout: 15) { $0.method == "BYE" }, server.log)
        XCTAssertEqual(bye.header("Route"), p.recordRoute)
        p.reply(to: bye)
        XCTAssertTrue(waitFor { self.server.log.contains("playback finished") }, server.log)
    }

    func testShutdownSendsByeToLiveCalls() throws {
        let p = try probe("9664")
        p.send("INVITE", body: SIPProbe.offer(rtpPort: 40012))
        let ok = try XCTUnwrap(p.response(200, to: "INVITE"), server.log)
        p.toTag = ok.toTag
        p.ackSuccess()
        // SIGTERM without waiting (ChildProcess.terminate blocks until exit): parley must BYE first.
        XCTAssertEqual(kill(server.process.pid, SIGTERM), 0)
        let bye = try XCTUnwrap(p.receive(timeout: 10) { $0.method == "BYE" }, server.log)
        p.reply(to: bye)
        XCTAssertEqual(server.process.waitForExit(timeout: 15), 0, server.log)
        XCTAssertTrue(server.log.contains("reason=shutdown"), server.log)
    }

    private func waitFor(_ seconds: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
