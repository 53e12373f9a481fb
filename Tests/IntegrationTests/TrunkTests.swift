import Control
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
    /// `POST /calls` rings a number the dialplan sends out on the trunk: the INVITE goes to the
    /// provider from the trunk's account (answering its 407), presents the API's caller ID, and
    /// reaches the "PSTN gateway" without the dialplan's prefix; once it answers, the echo test
    /// (9196) is connected, and hanging it up over the API ends the gateway's call.
    func testTheAPIOriginatesACallToATrunkNumber() async throws {
        let server = try parley("trunk-originate")
        defer { server.stop() }
        let registered = try await ControlAPI.blocking { [kamailio] in kamailio?.waitForContacts(of: "pbx", timeout: 15) ?? [] }
        XCTAssertFalse(registered.isEmpty, server.log)
        let work = try PeerFiles.scratchDirectory("sipp-pstn-originate")
        let messages = work.appendingPathComponent("pstn-messages.log")
        let gateway = try SIPp.start(scenario: "uas", arguments: [
            "-p", "\(pstnPort)", "-m", "1", "-trace_msg", "-message_file", messages.path,
        ], workingDirectory: work, timeout: 30)
        let port = pstnPort
        let bound = try await ControlAPI.blocking { FreePorts.waitUntilBound(port, udp: true, timeout: 10) }
        XCTAssertTrue(bound)

        let api = try server.api()
        let result = try await api.post(OriginateResult.self, "/calls",
                                        body: OriginateRequest(to: "915551234567", connectTo: "9196", callerID: "+15550002222"))
        let answered = try await ControlAPI.eventually {
            try await ControlAPI.calls(api).first { $0.id == result.callID && $0.answeredAt != nil }
        }
        let call = try XCTUnwrap(answered, "the originated call was never answered\n\(server.log)\n\(kamailio.log.suffix(2000))")
        XCTAssertEqual(call.direction, .outbound)
        XCTAssertEqual(call.trunk, "provider", "\(call)")
        try await api.post("/calls/\(ControlClient.segment(result.callID.rawValue))/hangup", body: HangUpRequest())
        let finished = try await ControlAPI.blocking { try gateway.finish(timeout: 20) }
        XCTAssertEqual(finished.successfulCalls, 1)
        let seen = (try? String(contentsOf: messages, encoding: .utf8)) ?? ""
        XCTAssertTrue(seen.contains("INVITE sip:15551234567@"), "the prefix 9 must be stripped:\n\(seen.prefix(2000))")
        XCTAssertTrue(seen.contains("<sip:+15550002222@"), "the API's caller ID is not presented:\n\(seen.prefix(2000))")
        XCTAssertTrue(server.log.contains("originated call answered"), server.log)
        let record = try await ControlAPI.record(api, callID: result.callID.rawValue)
        XCTAssertEqual(record?.disposition, .answered, "\(String(describing: record))")
        XCTAssertEqual(record?.trunk, "provider", "\(String(describing: record))")
    }
}
