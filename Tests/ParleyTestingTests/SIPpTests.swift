import Foundation
import XCTest

@testable import ParleyTesting

/// SIPp against SIPp on loopback: proves the runner, the statistics and the checked-in scenarios.
final class SIPpTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try PeerFiles.scratchDirectory("sipp")
    }

    /// A built-in UAS answering `calls` calls, optionally echoing RTP, stopped at teardown.
    private func startUAS(calls: Int, echo: Bool = false) throws -> (SIPpInstance, UInt16) {
        let port = try FreePorts.sipPort()
        var arguments = ["-p", String(port), "-m", String(calls)]
        if echo { arguments.append("-rtp_echo") }
        let uas = try SIPp.start(scenario: "uas", arguments: arguments, workingDirectory: directory, timeout: 180)
        addTeardownBlock { uas.stop() }
        XCTAssertTrue(FreePorts.waitUntilBound(port, timeout: 60), "sipp UAS listening on \(port)\n\(uas.process.output())")
        return (uas, port)
    }

    func testBuiltInUACPlacesTenCallsToBuiltInUAS() throws {
        let (uas, uasPort) = try startUAS(calls: 10)
        let result = try SIPp.run(scenario: nil,
                                  arguments: ["127.0.0.1:\(uasPort)", "-p", String(try FreePorts.sipPort()),
                                              "-m", "10", "-r", "5", "-d", "200"],
                                  workingDirectory: directory, timeout: 120)
        XCTAssertEqual(result.exitStatus, 0, result.output)
        XCTAssertEqual(result.successfulCalls, 10, result.output)
        XCTAssertEqual(result.failedCalls, 0, result.output)
        let server = try uas.finish(timeout: 60)
        XCTAssertEqual(server.successfulCalls, 10, server.output)
        XCTAssertEqual(server.failedCalls, 0, server.output)
    }

    func testFailedCallsAreCountedWhenNobodyAnswers() throws {
        let silentPort = try FreePorts.sipPort()  // free, so nothing listens there
        let result = try SIPp.run(scenario: "uac",
                                  arguments: ["127.0.0.1:\(silentPort)", "-p", String(try FreePorts.sipPort()),
                                              "-m", "2", "-r", "10", "-recv_timeout", "1000"],
                                  workingDirectory: directory, timeout: 120)
        XCTAssertNotEqual(result.exitStatus, 0, result.output)
        XCTAssertEqual(result.successfulCalls, 0, result.output)
        XCTAssertEqual(result.failedCalls, 2, result.output)
    }

    func testDelayedOfferScenarioCompletesAgainstUAS() throws {
        // The built-in UAS puts an offer in its 200 OK, as the scenario requires, and ignores the
        // answer in the ACK.
        let (_, uasPort) = try startUAS(calls: 1)
        let result = try SIPp.run(scenario: "uac_delayed_offer",
                                  arguments: ["127.0.0.1:\(uasPort)", "-s", "1000", "-p", String(try FreePorts.sipPort()),
                                              "-m", "1", "-d", "500"],
                                  workingDirectory: directory, timeout: 120)
        XCTAssertEqual(result.exitStatus, 0, result.output)
        XCTAssertEqual(result.successfulCalls, 1, result.output)
    }

    func testDelayedOfferScenarioFailsWhenThe200HasNoOffer() throws {
        // A UAS that answers with a bodiless 200 OK: the scenario's check must fail the call.
        let scenario = directory.appendingPathComponent("uas_200_without_sdp.xml")
        try """
        <?xml version="1.0" encoding="ISO-8859-1" ?>
        <scenario name="UAS answering without SDP">
          <recv request="INVITE"/>
          <send><![CDATA[
        SIP/2.0 200 OK
        [last_Via:]
        [last_From:]
        [last_To:];tag=[pid]nosdp[call_number]
        [last_Call-ID:]
        [last_CSeq:]
        Contact: <sip:[local_ip]:[local_port]>
        Content-Length: 0

        ]]></send>
          <recv request="ACK" optional="true"/>
          <recv request="BYE"/>
          <send><![CDATA[
        SIP/2.0 200 OK
        [last_Via:]
        [last_From:]
        [last_To:]
        [last_Call-ID:]
        [last_CSeq:]
        Content-Length: 0

        ]]></send>
        </scenario>
        """.write(to: scenario, atomically: true, encoding: .utf8)
        let port = try FreePorts.sipPort()
        let uas = try SIPp.start(scenario: scenario.path, arguments: ["-p", String(port), "-m", "1"],
                                 workingDirectory: directory, timeout: 60)
        addTeardownBlock { uas.stop() }
        XCTAssertTrue(FreePorts.waitUntilBound(port, timeout: 60), uas.process.output())
        let result = try SIPp.run(scenario: "uac_delayed_offer",
                                  arguments: ["127.0.0.1:\(port)", "-s", "1000", "-p", String(try FreePorts.sipPort()),
                                              "-m", "1", "-d", "200"],
                                  workingDirectory: directory, timeout: 60)
        XCTAssertNotEqual(result.exitStatus, 0, result.output)
        XCTAssertEqual(result.successfulCalls, 0, result.output)
        XCTAssertEqual(result.failedCalls, 1, result.output)
    }

    func testMediaScenariosCompleteAgainstEchoingUAS() throws {
        for scenario in ["uac_rtp_echo.xml", "uac_pcap"] {
            let (_, uasPort) = try startUAS(calls: 1, echo: true)
            let result = try SIPp.run(scenario: scenario,
                                      arguments: ["127.0.0.1:\(uasPort)", "-s", "echo", "-p", String(try FreePorts.sipPort()),
                                                  "-m", "1", "-d", "1000"],
                                      workingDirectory: directory, timeout: 120)
            XCTAssertEqual(result.exitStatus, 0, "\(scenario)\n\(result.output)")
            XCTAssertEqual(result.successfulCalls, 1, "\(scenario)\n\(result.output)")
        }
        let linked = directory.appendingPathComponent("tone440-ulaw.wav")
        XCTAssertTrue(FileManager.default.fileExists(atPath: linked.path), "rtp_stream file linked into the working directory")
    }

    func testScenarioResolution() throws {
        XCTAssertEqual(try SIPp.scenarioArguments(nil, workingDirectory: directory), ["-sn", "uac"])
        XCTAssertEqual(try SIPp.scenarioArguments("uas", workingDirectory: directory), ["-sn", "uas"])
        let file = try SIPp.scenarioArguments("uac_pcap", workingDirectory: directory)
        XCTAssertEqual(file.first, "-sf")
        XCTAssertEqual(file.last, PeerFiles.file("sipp/uac_pcap.xml").path)
        XCTAssertThrowsError(try SIPp.scenarioArguments("no_such_scenario", workingDirectory: directory)) { error in
            guard case .scenarioNotFound(let name, let searched)? = error as? HarnessError else { return XCTFail("\(error)") }
            XCTAssertEqual(name, "no_such_scenario")
            XCTAssertFalse(searched.isEmpty)
        }
    }
}
