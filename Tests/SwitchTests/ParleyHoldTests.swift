import Foundation
import Logging
import ParleyConfig
import ParleyTesting
import Switch
import XCTest

/// Parley-initiated hold through the public API, in-process against SIPp on loopback: 1001 (a
/// sipp UAC) calls 1002 (a sipp UAS that checks the SDP of every re-INVITE Parley sends it).
final class ParleyHoldTests: XCTestCase {
    private static var repoRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    func testHoldSendsSendonlyRetriesAfterGlareAndResumeSendsSendrecv() async throws {
        let ports = try FreePorts.udpRange(count: 16)
        let sipPort = try FreePorts.sipPort()
        let dir = try PeerFiles.scratchDirectory("switch-parley-hold")
        let yaml = """
            sip:
              listen: 127.0.0.1
              port: \(sipPort)
            rtp:
              address: 127.0.0.1
              port_min: \(ports.lowerBound)
              port_max: \(ports.upperBound)
            storage:
              data_dir: \(dir.path)
            sounds: \(Self.repoRoot.appendingPathComponent("sounds").path)
            users:
              - extension: "1001"
                password: alice-secret
              - extension: "1002"
                password: bob-secret
            security:
              digest_algorithms: [MD5]
            """
        let config = try ParleyConfiguration.parse(yaml, file: "test.yaml", baseDirectory: dir, checkFiles: false)
        let parley = try Switch(configuration: config, logger: Logger(label: "parley-hold-test"))
        try parley.start()
        defer { parley.shutdown(timeout: .seconds(2)) }

        do {
            try await parley.hold(callID: "no-such-call")
            XCTFail("holding an unknown call must throw")
        } catch {
            XCTAssertEqual(error, .unknownCall("no-such-call"))
        }

        // 1002 registers at the UAS's port; the UAS is held, refuses the first hold with 491.
        let calleePort = try FreePorts.sipPort()
        let work = try PeerFiles.scratchDirectory("sipp-parley-hold")
        let registration = try SIPp.run(scenario: "reg_auth", arguments: [
            "127.0.0.1:\(sipPort)", "-s", "1002", "-au", "1002", "-ap", "bob-secret", "-p", "\(try FreePorts.sipPort())",
            "-key", "contact_port", "\(calleePort)", "-key", "expires", "600", "-m", "1",
        ], workingDirectory: work, timeout: 20)
        XCTAssertEqual(registration.successfulCalls, 1, registration.output)
        let callee = try SIPp.start(scenario: "uas_held_by_parley", arguments: [
            "127.0.0.1:\(sipPort)", "-p", "\(calleePort)", "-m", "1",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { callee.stop() }
        let callID = "parley-hold-test-\(UUID().uuidString.prefix(8))"
        let caller = try SIPp.start(scenario: "uac_auth_until_bye", arguments: [
            "127.0.0.1:\(sipPort)", "-s", "1002", "-p", "\(try FreePorts.sipPort())", "-m", "1",
            "-au", "1001", "-ap", "alice-secret", "-key", "from_user", "1001", "-cid_str", callID,
            // sipp's digest uri is host:port unless told; Parley checks it against the request URI.
            "-auth_uri", "1002@127.0.0.1:\(sipPort)",
        ], workingDirectory: work, timeout: 60)
        addTeardownBlock { caller.stop() }

        // Wait (liveness only) until the call is up: until then hold answers "unknown call",
        // "no such leg" (ringing) or "not answered".
        let deadline = Date().addingTimeInterval(20)
        var held = false
        while !held, Date() < deadline {
            do {
                try await parley.hold(callID: callID, leg: .callee)
                held = true
            } catch .unknownCall, .noSuchLeg, .wrongState {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        XCTAssertTrue(held, "the hold never succeeded")
        do {
            try await parley.hold(callID: callID, leg: .callee)
            XCTFail("holding a held leg must throw")
        } catch {
            XCTAssertEqual(error, .wrongState("the leg is already on hold"))
        }
        try await parley.resume(callID: callID, leg: .callee)

        // The UAS checked sendonly twice (the 491 and the retry) and sendrecv, then hung up;
        // Parley passed the BYE on to the caller.
        let calleeResult = try callee.finish(timeout: 30)
        XCTAssertEqual(calleeResult.successfulCalls, 1, calleeResult.output)
        let callerResult = try caller.finish(timeout: 30)
        XCTAssertEqual(callerResult.successfulCalls, 1, callerResult.output)
        do {
            try await parley.resume(callID: callID, leg: .callee)
            XCTFail("the call is over")
        } catch {
            XCTAssertEqual(error, .unknownCall(callID))
        }
    }
}
