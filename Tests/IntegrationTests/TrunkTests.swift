import Foundation
import ParleyTesting
import XCTest

/// Parley against a real SIP trunk provider: Kamailio on loopback (Tests/Peers/kamailio/trunk.cfg)
/// challenges REGISTER with 401 and calls with 407, delivers unregistered numbers to the
/// registered `pbx` account, and routes what `pbx` dials to a "PSTN gateway" (a SIPp UAS).
final class TrunkTests: XCTestCase {
    private var kamailio: KamailioTrunk!
    private var pstnPort: UInt16 = 0

    override func setUpWithError() throws {
        pstnPort = try FreePorts.sipPort()
        kamailio = try KamailioTrunk(sipPort: try FreePorts.sipPort(), pstnPort: pstnPort)
        try kamailio.start()
    }

    override func tearDown() {
        kamailio?.stop()
        kamailio = nil
    }

    private func parley(_ name: String, expires: Int = 120) throws -> ParleyServer {
        try ParleyServer(name: name, extraDialplan: """
              - prefix: "9"
                action: trunk
                trunk: provider
                strip: 1
            """, extraTop: """
            users:
              - extension: "1001"
                password: alice-secret-1001
                caller_id_name: Alice
            security:
              digest_algorithms: [MD5]
            trunks:
              - name: provider
                registrar: sip:127.0.0.1:\(kamailio.sipPort)
                username: pbx
                password: pbxsecret
                expires: \(expires)
                caller_id: "+15550001111"
            inbound:
              - did: "15557654321"
                extension: "9196"
            """)
    }

    func testParleyRegistersAsTheTrunkAccount() throws {
        let server = try parley("trunk-register")
        defer { server.stop() }
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 15).isEmpty, "Kamailio never saw pbx register\n\(server.log)")
        XCTAssertTrue(server.log.contains("trunk registered"), server.log)
    }

    func testWhenThePrimaryRegistrarIsDownParleyFailsOverToTheSecondary() throws {
        let deadPort = try FreePorts.sipPort()  // nothing listens here: every REGISTER fails at once
        let server = try ParleyServer(name: "trunk-failover", extraTop: """
            trunks:
              - name: provider
                registrar: sip:127.0.0.1:\(deadPort)
                secondary_registrar: sip:127.0.0.1:\(kamailio.sipPort)
                username: pbx
                password: pbxsecret
                expires: 120
            """)
        defer { server.stop() }
        // Two failures on the primary (30 s backoff between them), then the secondary at once.
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 90).isEmpty, "no failover to the secondary\n\(server.log)")
        XCTAssertTrue(server.log.contains("trunk registration failed"), server.log)
        XCTAssertTrue(server.log.contains("registrar=sip:127.0.0.1:\(kamailio.sipPort)") && server.log.contains("trunk registered"), server.log)
    }

    func testAfterTheProviderRestartsParleyRegistersAgain() throws {
        let server = try parley("trunk-restart", expires: 60)
        defer { server.stop() }
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 15).isEmpty, server.log)
        try kamailio.restart()
        XCTAssertTrue(kamailio.registeredContacts(of: "pbx").isEmpty, "a restarted Kamailio starts with no registrations")
        // The registration is refreshed before its 60 s expire, which re-creates the binding.
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 90).isEmpty, "pbx did not register again\n\(server.log)")
    }

    func testADIDFromTheProviderReachesTheExtensionTheInboundRuleNames() throws {
        let server = try parley("trunk-inbound")
        defer { server.stop() }
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 15).isEmpty, server.log)
        // A caller at the provider (subscriber 1002) dials the DID; Kamailio delivers it to pbx.
        let result = try SIPp.run(scenario: "uac_auth", arguments: [
            "127.0.0.1:\(kamailio.sipPort)", "-s", "15557654321", "-au", "1002", "-ap", "pw1002", "-key", "from_user", "1002",
            "-p", "\(try FreePorts.sipPort())", "-m", "1", "-d", "500",
        ], workingDirectory: try PeerFiles.scratchDirectory("sipp-did"), timeout: 30)
        XCTAssertEqual(result.successfulCalls, 1, result.output + "\n" + server.log)
        XCTAssertTrue(server.log.contains("did=15557654321"), server.log)
        XCTAssertTrue(server.log.contains("action=echo"), "the DID should reach the echo test (9196)\n\(server.log)")
    }

    func testAPhoneDialsOutThroughTheTrunkWithTheConfiguredCallerID() throws {
        let server = try parley("trunk-outbound")
        defer { server.stop() }
        XCTAssertFalse(kamailio.waitForContacts(of: "pbx", timeout: 15).isEmpty, server.log)
        let work = try PeerFiles.scratchDirectory("sipp-pstn")
        let messages = work.appendingPathComponent("pstn-messages.log")
        let gateway = try SIPp.start(scenario: "uas", arguments: [
            "-p", "\(pstnPort)", "-m", "1", "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 30)
        XCTAssertTrue(FreePorts.waitUntilBound(pstnPort, udp: true, timeout: 10))
        let probe = try SIPProbe(serverPort: server.sipPort)
        probe.target = "915551234567"
        probe.user = "1001"
        let answer = try XCTUnwrap(probe.authenticatedInvite(body: SIPProbe.offer(rtpPort: 40400), username: "1001",
                                                             password: "alice-secret-1001", timeout: 15), server.log)
        XCTAssertEqual(answer.status, 200, "\(answer)\n\(server.log)\n\(kamailio.log.suffix(2000))")
        probe.toTag = answer.toTag
        probe.ackSuccess()
        Thread.sleep(forTimeInterval: 0.5)
        probe.send("BYE")
        XCTAssertEqual(probe.finalResponse(to: "BYE")?.status, 200)
        XCTAssertEqual(try gateway.finish(timeout: 20).successfulCalls, 1)
        let seen = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("INVITE sip:15551234567@"), "the prefix 9 must be stripped:\n\(seen.prefix(2000))")
        XCTAssertTrue(seen.contains("P-Asserted-Identity: \"Alice\" <sip:+15550001111@"), "caller ID not presented:\n\(seen.prefix(2000))")
    }
}
