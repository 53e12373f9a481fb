import Foundation
import ParleyTesting
import XCTest

/// The PBX edge cases with SIPp phones: offline, busy, no answer, caller cancels, a brute-force
/// block, and registrations that survive a restart.
final class PBXEdgeTests: XCTestCase {
    private static func users(ringTimeout: Int = 30) -> String {
        """
        users:
          - extension: "1001"
            password: alice-secret-1001
          - extension: "1002"
            password: bob-secret-1002
        security:
          digest_algorithms: [MD5]
          auth_failures_before_block: 20
        """
    }

    private func ringTimeoutDialplan(_ seconds: Int) -> String {
        "  - extension: \"1002\"\n    action: user\n    ring_timeout_s: \(seconds)"
    }

    /// Registers `user` with contact port `contactPort` through SIPp's digest REGISTER scenario,
    /// sending from `sourcePort` (a free one by default).
    private func registerWithSIPp(_ user: String, password: String, contactPort: UInt16, server: ParleyServer,
                                  calls: Int = 1, sourcePort: UInt16? = nil, natContactIP: String? = nil) throws -> SIPpResult {
        var arguments = [
            "127.0.0.1:\(server.sipPort)", "-s", user, "-au", user, "-ap", password, "-p", "\(try sourcePort ?? FreePorts.sipPort())",
            "-key", "contact_port", "\(contactPort)", "-key", "expires", "600", "-m", "\(calls)",
        ]
        if let natContactIP { arguments += ["-key", "contact_ip", natContactIP] }
        return try SIPp.run(scenario: natContactIP == nil ? "reg_auth" : "reg_auth_nat", arguments: arguments,
                            workingDirectory: try PeerFiles.scratchDirectory("sipp-reg"), timeout: 60)
    }

    private func caller(_ server: ParleyServer, to target: String = "1002") throws -> SIPProbe {
        let probe = try SIPProbe(serverPort: server.sipPort)
        probe.target = target
        probe.user = "1001"
        return probe
    }

    func testOfflineUserGets480() throws {
        let server = try ParleyServer(name: "pbx-offline", extraTop: Self.users())
        defer { server.stop() }
        let probe = try caller(server)
        let r = try XCTUnwrap(probe.authenticatedInvite(body: SIPProbe.offer(rtpPort: 40300), username: "1001", password: "alice-secret-1001"))
        XCTAssertEqual(r.status, 480, server.log)
        probe.ackFailure()
    }

    func testBusyPhoneGives486() throws {
        let server = try ParleyServer(name: "pbx-busy", extraTop: Self.users())
        defer { server.stop() }
        let phonePort = try FreePorts.sipPort()
        let phone = try SIPp.start(scenario: "uas_busy", arguments: ["-p", "\(phonePort)", "-m", "1"],
                                   workingDirectory: try PeerFiles.scratchDirectory("sipp-busy"), timeout: 30)
        XCTAssertEqual(try registerWithSIPp("1002", password: "bob-secret-1002", contactPort: phonePort, server: server).successfulCalls, 1)
        let probe = try caller(server)
        let r = try XCTUnwrap(probe.authenticatedInvite(body: SIPProbe.offer(rtpPort: 40302), username: "1001", password: "alice-secret-1001"))
        XCTAssertEqual(r.status, 486, server.log)
        probe.ackFailure()
        XCTAssertEqual(try phone.finish(timeout: 20).successfulCalls, 1)
    }

    func testNoAnswerTimesOutWith480AndCancelsThePhone() throws {
        let server = try ParleyServer(name: "pbx-noanswer", extraDialplan: ringTimeoutDialplan(2), extraTop: Self.users())
        defer { server.stop() }
        let phonePort = try FreePorts.sipPort()
        let phone = try SIPp.start(scenario: "uas_ring", arguments: ["-p", "\(phonePort)", "-m", "1"],
                                   workingDirectory: try PeerFiles.scratchDirectory("sipp-ring"), timeout: 30)
        XCTAssertEqual(try registerWithSIPp("1002", password: "bob-secret-1002", contactPort: phonePort, server: server).successfulCalls, 1)
        let probe = try caller(server)
        let started = Date()
        let r = try XCTUnwrap(probe.authenticatedInvite(body: SIPProbe.offer(rtpPort: 40304), username: "1001", password: "alice-secret-1001"))
        XCTAssertEqual(r.status, 480, server.log)
        XCTAssertGreaterThan(Date().timeIntervalSince(started), 1.5, "answered before the ring timeout")
        probe.ackFailure()
        XCTAssertEqual(try phone.finish(timeout: 20).successfulCalls, 1, "the ringing phone must get a CANCEL")
    }

    func testCallerCancelReachesTheRingingPhone() throws {
        let server = try ParleyServer(name: "pbx-cancel", extraTop: Self.users())
        defer { server.stop() }
        let phonePort = try FreePorts.sipPort()
        let phone = try SIPp.start(scenario: "uas_ring", arguments: ["-p", "\(phonePort)", "-m", "1"],
                                   workingDirectory: try PeerFiles.scratchDirectory("sipp-ring2"), timeout: 30)
        XCTAssertEqual(try registerWithSIPp("1002", password: "bob-secret-1002", contactPort: phonePort, server: server).successfulCalls, 1)
        let probe = try caller(server)
        let uri = "sip:1002@127.0.0.1:\(server.sipPort)"
        probe.send("INVITE", uri: uri, body: SIPProbe.offer(rtpPort: 40306))
        let challenge = try XCTUnwrap(probe.finalResponse(to: "INVITE"))
        probe.ackFailure()
        let auth = try XCTUnwrap(probe.credentials(answering: challenge, method: "INVITE", uri: uri, username: "1001", password: "alice-secret-1001"))
        probe.send("INVITE", uri: uri, body: SIPProbe.offer(rtpPort: 40306), extraHeaders: [auth])
        XCTAssertNotNil(probe.response(180, to: "INVITE"), "ringing was not relayed\n\(server.log)")
        probe.cancel()
        XCTAssertEqual(probe.finalResponse(to: "CANCEL")?.status, 200)
        XCTAssertEqual(probe.finalResponse(to: "INVITE")?.status, 487)
        probe.ackFailure()
        XCTAssertEqual(try phone.finish(timeout: 20).successfulCalls, 1, "the CANCEL did not reach the phone")
    }

    func testTwentyBadPasswordsBlockTheSource() throws {
        let server = try ParleyServer(name: "pbx-block", extraTop: Self.users())
        defer { server.stop() }
        let bad = try registerWithSIPp("1001", password: "guess", contactPort: 40999, server: server, calls: 22)
        XCTAssertEqual(bad.successfulCalls, 0)
        // Now even the right password is refused from this source, for the block time.
        let good = try registerWithSIPp("1001", password: "alice-secret-1001", contactPort: 40999, server: server)
        XCTAssertEqual(good.successfulCalls, 0, "a blocked source registered")
        XCTAssertTrue(server.log.contains("blocked"), server.log.suffix(3000).description)
    }

    func testAPhoneBehindNATIsCalledWhereItsRegisterCameFrom() throws {
        let server = try ParleyServer(name: "pbx-nat", extraTop: Self.users())
        defer { server.stop() }
        // The phone's REGISTER comes from 127.0.0.1:P but its Contact names a "private" address
        // (127.0.0.2, still loopback, where nothing listens): it can only be reached where it came from.
        let publicPort = try FreePorts.sipPort()
        XCTAssertEqual(try registerWithSIPp("1002", password: "bob-secret-1002", contactPort: publicPort, server: server,
                                            sourcePort: publicPort, natContactIP: "127.0.0.2").successfulCalls, 1)
        let phone = try SIPp.start(scenario: "uas", arguments: ["-p", "\(publicPort)", "-m", "1"],
                                   workingDirectory: try PeerFiles.scratchDirectory("sipp-nat"), timeout: 30)
        XCTAssertTrue(FreePorts.waitUntilBound(publicPort, udp: true, timeout: 10))
        let probe = try caller(server)
        let r = try XCTUnwrap(probe.authenticatedInvite(body: SIPProbe.offer(rtpPort: 40310), username: "1001",
                                                        password: "alice-secret-1001", timeout: 10), server.log)
        XCTAssertEqual(r.status, 200, "the phone was not reached at its received address\n\(server.log)")
        probe.toTag = r.toTag
        probe.ackSuccess()
        probe.send("BYE")
        XCTAssertEqual(probe.finalResponse(to: "BYE")?.status, 200)
        XCTAssertEqual(try phone.finish(timeout: 20).successfulCalls, 1)
    }

    func testRegistrationsSurviveARestart() throws {
        let first = try ParleyServer(name: "pbx-restart-1", extraTop: Self.users())
        let phonePort = try FreePorts.sipPort()
        XCTAssertEqual(try registerWithSIPp("1002", password: "bob-secret-1002", contactPort: phonePort, server: first).successfulCalls, 1)
        XCTAssertEqual(first.stop(), 0)
        let second = try ParleyServer(name: "pbx-restart-2", extraTop: Self.users(), dataDirectory: first.dataDirectory)
        defer { second.stop() }
        let phone = try SIPp.start(scenario: "uas", arguments: ["-p", "\(phonePort)", "-m", "1"],
                                   workingDirectory: try PeerFiles.scratchDirectory("sipp-uas-restart"), timeout: 30)
        let probe = try caller(second)
        let r = try XCTUnwrap(probe.authenticatedInvite(body: SIPProbe.offer(rtpPort: 40308), username: "1001", password: "alice-secret-1001"))
        XCTAssertEqual(r.status, 200, "the binding from before the restart was not used\n\(second.log)")
        probe.toTag = r.toTag
        probe.ackSuccess()
        probe.send("BYE")
        XCTAssertEqual(probe.finalResponse(to: "BYE")?.status, 200)
        XCTAssertEqual(try phone.finish(timeout: 20).successfulCalls, 1)
    }
}
