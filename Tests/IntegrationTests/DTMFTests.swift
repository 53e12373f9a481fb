import Codecs
import Foundation
import Glibc
import ParleyTesting
import RTP
import XCTest

/// Key presses reach parley every way a phone sends them: RFC 4733 (SIPp's captures, with and
/// without loss), SIP INFO, and in-band tones when telephone-event is not negotiated.
final class DTMFTests: XCTestCase {
    private var server: ParleyServer!

    override func tearDown() {
        server?.stop()
        server = nil
    }

    /// The digits parley logged, in order.
    private func loggedDigits(via: String? = nil) -> String {
        var digits = ""
        for line in server.log.split(separator: "\n") where line.hasSuffix("[Switch] dtmf") {
            if let via, !line.contains("via=\(via)") { continue }
            guard let range = line.range(of: "digit=") else { continue }
            digits.append(line[range.upperBound])
        }
        return digits
    }

    private func waitForDigits(_ expected: String, via: String? = nil, timeout: TimeInterval = 10) -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, loggedDigits(via: via).count < expected.count { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.3)  // a duplicate would show up right after
        return loggedDigits(via: via)
    }

    /// Places a call to 9196 from a probe with an RTP socket; returns the probe, the socket and parley's RTP port.
    private func call(offer formats: String, eventPT: Int = 101) throws -> (SIPProbe, RTPSocket, UInt16) {
        let rtp = try RTPSocket()
        let probe = try SIPProbe(serverPort: server.sipPort)
        probe.target = "9196"
        var sdp = SIPProbe.offer(rtpPort: Int(rtp.port), formats: formats, eventPT: eventPT)
        if !formats.split(separator: " ").contains(Substring(String(eventPT))) {
            sdp = sdp.components(separatedBy: "\r\n").filter { !$0.contains("telephone-event") && !$0.contains("a=fmtp:\(eventPT)") }
                .joined(separator: "\r\n")
        }
        probe.send("INVITE", body: sdp)
        let ok = try XCTUnwrap(probe.response(200, to: "INVITE"), server.log)
        probe.toTag = ok.toTag
        probe.ackSuccess()
        let m = try XCTUnwrap(ok.body.components(separatedBy: "\r\n").first { $0.hasPrefix("m=audio ") })
        let port = try XCTUnwrap(UInt16(m.split(separator: " ")[1]))
        return (probe, rtp, port)
    }

    private func capture(_ digit: String) throws -> [[UInt8]] {
        let fixtures = ParleyServer.repoRoot.appendingPathComponent("Tests/RTPTests/Any.swift").path
        return try PcapFile(fixture: "dtmf_2833_\(digit).pcap", file: fixtures).datagrams.map(\.payload)
    }

    private let captureNames = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "star", "pound"]

    func testSIPpPlaysEveryShippedDigitCaptureAndEachIsReportedOnce() throws {
        server = try ParleyServer(name: "dtmf-sipp")
        let work = try PeerFiles.scratchDirectory("sipp-dtmf")
        let result = try SIPp.run(scenario: "uac_dtmf", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "9196", "-p", "\(try FreePorts.sipPort())",
            "-mp", "\(try FreePorts.udpRange(count: 4).lowerBound)", "-m", "1", "-d", "500",
        ], workingDirectory: work, timeout: 60)
        XCTAssertEqual(result.successfulCalls, 1, result.output)
        XCTAssertEqual(waitForDigits("0123456789*#", via: "rfc4733"), "0123456789*#", server.log.suffix(4000).description)
        XCTAssertTrue(server.log.contains("dtmf-digits=12"), server.log.suffix(2000).description)
    }

    func testEveryDigitSurvivesTenPercentPacketLoss() throws {
        server = try ParleyServer(name: "dtmf-loss")
        let (probe, rtp, port) = try call(offer: "8 101")
        var random = SeededRandom(seed: 4733)
        var dropped = 0
        var sent = 0
        for name in captureNames {
            for packet in try capture(name) {
                if Double.random(in: 0..<1, using: &random) < 0.10 {
                    dropped += 1
                } else {
                    rtp.send(packet, to: port)
                    sent += 1
                }
                Thread.sleep(forTimeInterval: 0.02)
            }
            Thread.sleep(forTimeInterval: 0.3)
        }
        XCTAssertGreaterThan(dropped, 5, "the harness must really drop packets")
        XCTAssertEqual(waitForDigits("0123456789*#"), "0123456789*#", "dropped \(dropped) of \(dropped + sent)\n\(server.log.suffix(3000))")
        probe.send("BYE")
        XCTAssertEqual(probe.finalResponse(to: "BYE")?.status, 200)
    }

    func testSIPInfoDigitsAreReportedAndBadBodiesRefused() throws {
        server = try ParleyServer(name: "dtmf-info")
        let (probe, _, _) = try call(offer: "0 101")
        probe.send("INFO", body: "Signal=7\r\nDuration=160\r\n", contentType: "application/dtmf-relay")
        XCTAssertEqual(probe.finalResponse(to: "INFO")?.status, 200)
        probe.send("INFO", body: "#", contentType: "application/dtmf")
        XCTAssertEqual(probe.finalResponse(to: "INFO")?.status, 200)
        probe.send("INFO", body: "Signal=Q\r\n", contentType: "application/dtmf-relay")
        XCTAssertEqual(probe.finalResponse(to: "INFO")?.status, 400)
        probe.send("INFO", body: "<x/>", contentType: "application/media_control+xml")
        XCTAssertEqual(probe.finalResponse(to: "INFO")?.status, 200, "other INFO packages are acknowledged")
        XCTAssertEqual(waitForDigits("7#", via: "sipInfo"), "7#")
        probe.send("BYE")
        XCTAssertEqual(probe.finalResponse(to: "BYE")?.status, 200, "the call survives a bad INFO")
    }

    func testInbandTonesAreDetectedWhenTelephoneEventIsNotNegotiated() throws {
        server = try ParleyServer(name: "dtmf-inband")
        let (probe, rtp, port) = try call(offer: "0")
        var audio: [Int16] = [Int16](repeating: 0, count: 1600)
        for digit in "42" {
            audio += try DTMFToneGenerator.tone(digit, durationMs: 120)
            audio += [Int16](repeating: 0, count: 1600)
        }
        let ssrc = UInt32.random(in: 1...UInt32.max)
        for (i, start) in stride(from: 0, to: audio.count - 159, by: 160).enumerated() {
            let payload = audio[start..<(start + 160)].map(G711.encodeMuLaw)
            let packet = RTPPacket(payloadType: 0, sequenceNumber: UInt16(truncatingIfNeeded: 100 + i),
                                   timestamp: UInt32(i * 160), ssrc: ssrc, marker: i == 0, payload: payload)
            rtp.send(packet.serialized(), to: port)
            Thread.sleep(forTimeInterval: 0.02)
        }
        XCTAssertEqual(waitForDigits("42", via: "inband"), "42", server.log.suffix(3000).description)
        probe.send("BYE")
        XCTAssertEqual(probe.finalResponse(to: "BYE")?.status, 200)
    }

    func testNoRTPHangsUpAfterTheMediaTimeoutButNotOnHold() throws {
        server = try ParleyServer(name: "media-timeout", extraRTP: ["media_timeout_s: 2"])
        let (held, _, _) = try call(offer: "0 101")
        held.send("INVITE", body: SIPProbe.offer(rtpPort: 40100, formats: "0 101", direction: "sendonly"))
        XCTAssertEqual(held.response(200, to: "INVITE")?.status, 200)
        held.ackSuccess()
        let (silent, _, _) = try call(offer: "0 101")
        let bye = try XCTUnwrap(silent.receive(timeout: 15) { $0.method == "BYE" }, "no BYE after the media timeout\n\(server.log)")
        silent.reply(to: bye)
        let deadline = Date().addingTimeInterval(5)
        while !server.log.contains("reason=media timeout"), Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertTrue(server.log.contains("reason=media timeout"), server.log)
        XCTAssertNil(held.receive(timeout: 1) { $0.method == "BYE" }, "a held call must not time out")
        held.send("BYE")
        XCTAssertEqual(held.finalResponse(to: "BYE")?.status, 200)
    }
}

/// A phone's RTP port in these tests.
typealias RTPSocket = UDPTestSocket
