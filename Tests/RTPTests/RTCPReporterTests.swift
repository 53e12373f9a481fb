import RTP
import XCTest

/// The reporter end to end: what it sends, what it learns from the peer, and RTT.
final class RTCPReporterTests: XCTestCase {
    /// RFC 3550 §6.4.1, the worked example of Figure 2: A = 0xB710:8000 (46864.500 s),
    /// LSR = 0xB705:2000 (46853.125 s), DLSR = 0x0005:4000 (5.250 s) → RTT = 0x0006:2000 = 6.125 s.
    func testRoundTripTimeWorkedExampleFromRFC3550() throws {
        let block = RTCPReportBlock(ssrc: 1, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0005_4000)
        let arrival = NTPTimestamp(seconds: 0xB710, fraction: 0x8000_0000)
        XCTAssertEqual(arrival.shortFormat, 0xB710_8000)
        XCTAssertEqual(RTCPReporter.roundTripTime(block, arrival: arrival), .milliseconds(6125))

        XCTAssertNil(RTCPReporter.roundTripTime(RTCPReportBlock(ssrc: 1), arrival: arrival), "no SR seen yet")
        let overstated = RTCPReportBlock(ssrc: 1, lastSenderReport: 0xB705_2000, delaySinceLastSenderReport: 0x0010_0000)
        XCTAssertNil(RTCPReporter.roundTripTime(overstated, arrival: arrival), "negative result")
    }

    func testTwoReportersMeasureLossJitterAndRoundTrip() throws {
        let start = NTPTimestamp(sinceUnixEpoch: .seconds(1_700_000_000))
        var alice = RTCPReporter(ssrc: 0xA11C_E000, cname: "alice@parley", minimumSequential: 1)
        var bob = RTCPReporter(ssrc: 0xB0B0_0000, cname: "bob@parley", minimumSequential: 1)

        // Alice sends 50 packets of 160 bytes; Bob gets all but sequence 10 and 20.
        for sequence in UInt16(0)..<50 {
            alice.didSend(payloadOctets: 160)
            guard sequence != 10, sequence != 20 else { continue }
            let timestamp = UInt32(sequence) * 160
            XCTAssertTrue(bob.didReceive(ssrc: alice.ssrc, sequence: sequence, timestamp: timestamp, arrival: timestamp + 800))
        }

        // t = 1 s: Alice's SR. It reaches Bob 20 ms later.
        let srTime = start.advanced(by: .seconds(1))
        let aliceReport = alice.makeReport(at: srTime, rtpTimestamp: 8000)
        let sr = try XCTUnwrap(aliceReport.senderReport)
        XCTAssertEqual(sr.packetCount, 50)
        XCTAssertEqual(sr.octetCount, 8000)
        XCTAssertEqual(sr.ntpTimestamp, srTime)
        XCTAssertEqual(sr.rtpTimestamp, 8000)
        XCTAssertEqual(aliceReport.cname(for: alice.ssrc), "alice@parley")
        let wire = aliceReport.serialized()
        XCTAssertNil(bob.didReceive(try RTCPCompoundPacket(parsing: wire).packets, at: srTime.advanced(by: .milliseconds(20))))

        // t = 1.5 s: Bob's RR about Alice (Bob sent nothing). It reaches Alice 20 ms later.
        let rrTime = srTime.advanced(by: .milliseconds(500))
        let bobReport = bob.makeReport(at: rrTime, rtpTimestamp: 0)
        guard case .receiverReport(let rr)? = bobReport.packets.first else { return XCTFail("\(bobReport)") }
        let block = try XCTUnwrap(rr.reports.first)
        XCTAssertEqual(block.ssrc, alice.ssrc)
        XCTAssertEqual(block.extendedHighestSequence, 49)
        XCTAssertEqual(block.cumulativeLost, 2)
        XCTAssertEqual(block.fractionLost, 10, "(2 << 8) / 50 = 10")
        XCTAssertEqual(block.jitter, 0)
        XCTAssertEqual(block.lastSenderReport, srTime.shortFormat)
        // DLSR = 480 ms = 31457.28 units, truncated.
        XCTAssertEqual(block.delaySinceLastSenderReport, 31457)

        let rtt = try XCTUnwrap(alice.didReceive(try RTCPCompoundPacket(parsing: bobReport.serialized()).packets,
                                                 at: rrTime.advanced(by: .milliseconds(20))))
        // 40 ms of flight, to within the 1/65536 s resolution of the short format.
        XCTAssertGreaterThan(rtt, .microseconds(39_960), "\(rtt)")
        XCTAssertLessThan(rtt, .microseconds(40_040), "\(rtt)")
        XCTAssertEqual(alice.roundTripTime, rtt)
        XCTAssertEqual(alice.remoteReport, block)
    }

    func testSenderReportOnlyWhileSending() {
        var reporter = RTCPReporter(ssrc: 1, cname: "c")
        let now = NTPTimestamp(seconds: 10, fraction: 0)
        XCTAssertNil(reporter.makeReport(at: now, rtpTimestamp: 0).senderReport, "nothing sent: RR")
        reporter.didSend(payloadOctets: 160)
        XCTAssertNotNil(reporter.makeReport(at: now, rtpTimestamp: 0).senderReport)
        // Still a sender for the report after (RFC 3550 §6.4: sent since the report before last).
        XCTAssertNotNil(reporter.makeReport(at: now, rtpTimestamp: 0).senderReport)
        XCTAssertNil(reporter.makeReport(at: now, rtpTimestamp: 0).senderReport)
    }

    func testReportsEveryValidSourceAndBoundsTheTable() {
        var reporter = RTCPReporter(ssrc: 1, cname: "c")
        for source in UInt32(100)..<(100 + UInt32(RTCPReporter.maximumSources) + 4) {
            for sequence in UInt16(0)..<3 {
                reporter.didReceive(ssrc: source, sequence: sequence, timestamp: UInt32(sequence) * 160, arrival: 0)
            }
        }
        XCTAssertEqual(reporter.sources.count, RTCPReporter.maximumSources)
        let report = reporter.makeReport(at: NTPTimestamp(rawValue: 0), rtpTimestamp: 0)
        XCTAssertEqual(report.reportBlocks.map(\.ssrc), Array(UInt32(100)..<(100 + UInt32(RTCPReporter.maximumSources))))
        XCTAssertTrue(report.reportBlocks.allSatisfy { $0.extendedHighestSequence == 2 })
    }

    func testGoodbyeEndsTheCompound() throws {
        var reporter = RTCPReporter(ssrc: 42, cname: "c")
        let compound = reporter.makeGoodbye(at: NTPTimestamp(rawValue: 0), rtpTimestamp: 0, reason: "hangup")
        XCTAssertEqual(compound.packets.map(\.packetType), [201, 202, 203])
        XCTAssertTrue(try RTCPCompoundPacket(parsing: compound.serialized()).containsGoodbye(from: 42))
    }

    func testNTPConversions() {
        // 1970-01-01 is 2208988800 s after 1900-01-01.
        XCTAssertEqual(NTPTimestamp(sinceUnixEpoch: .zero).seconds, 2_208_988_800)
        let half = NTPTimestamp(sinceUnixEpoch: .milliseconds(1500))
        XCTAssertEqual(half.seconds, 2_208_988_801)
        XCTAssertEqual(half.fraction, 0x8000_0000)
        XCTAssertEqual(half.advanced(by: .milliseconds(250)).fraction, 0xC000_0000)
        XCTAssertEqual(NTPShortTime.units(.milliseconds(5250)), 0x0005_4000)
        XCTAssertEqual(NTPShortTime.duration(0x0006_2000), .milliseconds(6125))
        XCTAssertEqual(NTPShortTime.units(.seconds(-1)), 0)
    }
}
