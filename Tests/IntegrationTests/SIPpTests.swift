import Foundation
import ParleyTesting
import XCTest

/// SIPp (Debian sip-tester) against a real parley: load and the delayed-offer flow.
final class SIPpTests: XCTestCase {
    func testBuiltInUACTwoHundredEchoCallsAtTwentyPerSecondAllSucceed() throws {
        let server = try ParleyServer(name: "sipp-uac")
        defer { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-uac")
        let localPort = try FreePorts.sipPort()
        let result = try SIPp.run(scenario: nil, arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "9196", "-p", "\(localPort)",
            "-r", "20", "-m", "200", "-d", "200",
        ], workingDirectory: work, timeout: 120)
        XCTAssertEqual(result.failedCalls, 0, result.output + "\n" + server.log.suffix(4000))
        XCTAssertEqual(result.successfulCalls, 200, result.output)
        XCTAssertEqual(result.exitStatus, 0, result.output)
        XCTAssertTrue(waitUntil { server.log.components(separatedBy: "call ended").count - 1 >= 200 },
                      "parley did not log 200 call ends")
    }

    func testDelayedOfferScenarioSucceeds() throws {
        let server = try ParleyServer(name: "sipp-delayed")
        defer { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-delayed")
        let localPort = try FreePorts.sipPort()
        let media = try FreePorts.udpRange(count: 4)
        let result = try SIPp.run(scenario: "uac_delayed_offer", arguments: [
            "127.0.0.1:\(server.sipPort)", "-s", "9196", "-p", "\(localPort)", "-mp", "\(media.lowerBound)",
            "-r", "5", "-m", "10", "-d", "300",
        ], workingDirectory: work, timeout: 60)
        XCTAssertEqual(result.failedCalls, 0, result.output + "\n" + server.log.suffix(4000))
        XCTAssertEqual(result.successfulCalls, 10, result.output)
        XCTAssertFalse(server.log.contains("no answer in ACK"), server.log)
    }

    func testTCPCallsSucceed() throws {
        let server = try ParleyServer(name: "sipp-tcp")
        defer { server.stop() }
        let work = try PeerFiles.scratchDirectory("sipp-tcp")
        let localPort = try FreePorts.sipPort()
        let result = try SIPp.run(scenario: nil, arguments: [
            "127.0.0.1:\(server.sipPort)", "-t", "t1", "-s", "9196", "-p", "\(localPort)",
            "-r", "10", "-m", "20", "-d", "100",
        ], workingDirectory: work, timeout: 60)
        XCTAssertEqual(result.failedCalls, 0, result.output + "\n" + server.log.suffix(4000))
        XCTAssertEqual(result.successfulCalls, 20, result.output)
    }

    private func waitUntil(_ seconds: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return condition()
    }
}
