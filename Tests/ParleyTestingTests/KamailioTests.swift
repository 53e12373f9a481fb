import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

@testable import ParleyTesting

/// The Kamailio trunk harness proven with SIPp alone (no Parley): digest registration, a wrong
/// password, a call from the trunk account through Kamailio to the PSTN gateway, and restart.
final class KamailioTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try PeerFiles.scratchDirectory("kamailio-sipp")
    }

    private func startKamailio(defines: [String] = []) throws -> KamailioTrunk {
        let kamailio = try KamailioTrunk(sipPort: try FreePorts.sipPort(), pstnPort: try FreePorts.sipPort(),
                                         extraDefines: defines)
        addTeardownBlock { kamailio.stop() }
        try kamailio.start()
        return kamailio
    }

    /// REGISTER with digest through `reg_auth.xml`; the contact is `sip:USER@127.0.0.1:contactPort`.
    private func register(_ user: String, password: String, at kamailio: KamailioTrunk,
                          contactPort: UInt16, expires: Int = 600) throws -> SIPpResult {
        try SIPp.run(scenario: "reg_auth",
                     arguments: ["127.0.0.1:\(kamailio.sipPort)", "-p", String(try FreePorts.sipPort()),
                                 "-s", user, "-au", user, "-ap", password,
                                 "-key", "contact_port", String(contactPort), "-key", "expires", String(expires),
                                 "-m", "1"],
                     workingDirectory: directory, timeout: 30)
    }

    func testDigestRegistrationShowsTheContact() throws {
        let kamailio = try startKamailio()
        XCTAssertEqual(kamailio.registeredContacts(of: "pbx"), [], "nothing registered yet")
        let contactPort = try FreePorts.sipPort()
        let result = try register("pbx", password: "pbxsecret", at: kamailio, contactPort: contactPort)
        XCTAssertEqual(result.exitStatus, 0, result.output + kamailio.log)
        XCTAssertEqual(result.successfulCalls, 1, result.output)
        let contacts = kamailio.waitForContacts(of: "pbx", timeout: 10)
        XCTAssertEqual(contacts, ["sip:pbx@127.0.0.1:\(contactPort)"], kamailio.log)
        XCTAssertEqual(kamailio.registeredContacts(of: "alice"), [], "only pbx registered")
    }

    func testWrongPasswordIsRefused() throws {
        let kamailio = try startKamailio()
        let result = try register("pbx", password: "not-the-secret", at: kamailio, contactPort: try FreePorts.sipPort())
        XCTAssertNotEqual(result.exitStatus, 0, result.output)
        XCTAssertEqual(result.successfulCalls, 0, result.output)
        XCTAssertEqual(result.failedCalls, 1, result.output)
        XCTAssertEqual(kamailio.registeredContacts(of: "pbx"), [])
    }

    func testCallFromTrunkAccountReachesThePSTNGatewayThroughKamailio() throws {
        let kamailio = try startKamailio(defines: ["WITH_DEBUG"])
        let gateway = try SIPp.start(scenario: "uas_rr", arguments: ["-p", String(kamailio.pstnPort), "-m", "1"],
                                     workingDirectory: directory, timeout: 60)
        addTeardownBlock { gateway.stop() }
        XCTAssertTrue(FreePorts.waitUntilBound(kamailio.pstnPort, timeout: 30), gateway.process.output())

        let callerPort = try FreePorts.sipPort()
        let caller = try SIPp.run(scenario: "uac_auth",
                                  arguments: ["127.0.0.1:\(kamailio.sipPort)", "-p", String(callerPort),
                                              "-s", "15551234567", "-key", "from_user", "pbx",
                                              "-au", "pbx", "-ap", "pbxsecret", "-m", "1", "-d", "500"],
                                  workingDirectory: directory, timeout: 60)
        XCTAssertEqual(caller.exitStatus, 0, caller.output + kamailio.log)
        XCTAssertEqual(caller.successfulCalls, 1, caller.output)
        let answered = try gateway.finish(timeout: 60)
        XCTAssertEqual(answered.successfulCalls, 1, answered.output)

        // The ACK and BYE followed the Record-Route through Kamailio to the gateway's contact.
        let log = kamailio.log
        for method in ["INVITE sip:15551234567@127.0.0.1:\(kamailio.sipPort)", "ACK sip:127.0.0.1:\(kamailio.pstnPort)",
                       "BYE sip:127.0.0.1:\(kamailio.pstnPort)"] {
            XCTAssertTrue(log.contains("REQ \(method)") && log.contains("from 127.0.0.1:\(callerPort)"),
                          "Kamailio saw \(method) from the caller\n\(log)")
        }
    }

    func testCallWithWrongPasswordNeverReachesTheGateway() throws {
        let kamailio = try startKamailio()
        let gateway = try SIPp.start(scenario: "uas_rr", arguments: ["-p", String(kamailio.pstnPort), "-m", "1"],
                                     workingDirectory: directory, timeout: 60)
        addTeardownBlock { gateway.stop() }
        XCTAssertTrue(FreePorts.waitUntilBound(kamailio.pstnPort, timeout: 30), gateway.process.output())
        let caller = try SIPp.run(scenario: "uac_auth",
                                  arguments: ["127.0.0.1:\(kamailio.sipPort)", "-p", String(try FreePorts.sipPort()),
                                              "-s", "15551234567", "-key", "from_user", "pbx",
                                              "-au", "pbx", "-ap", "wrong", "-m", "1", "-recv_timeout", "5000"],
                                  workingDirectory: directory, timeout: 30)
        XCTAssertEqual(caller.successfulCalls, 0, caller.output)
        XCTAssertEqual(caller.failedCalls, 1, caller.output)
        let gatewayResult = gateway.stop()
        XCTAssertEqual(gatewayResult.successfulCalls + gatewayResult.failedCalls, 0, "the gateway saw no call\n\(gatewayResult.output)")
    }

    func testRestartForgetsRegistrationsAndServesAgain() throws {
        let kamailio = try startKamailio()
        let contactPort = try FreePorts.sipPort()
        XCTAssertEqual(try register("1001", password: "pw1001", at: kamailio, contactPort: contactPort).exitStatus, 0)
        XCTAssertEqual(kamailio.waitForContacts(of: "1001", timeout: 10).count, 1)
        let firstPID = try XCTUnwrap(kamailio.pid)

        try kamailio.restart()
        let secondPID = try XCTUnwrap(kamailio.pid)
        XCTAssertNotEqual(firstPID, secondPID)
        XCTAssertEqual(kill(firstPID, 0), -1, "the first main process is gone")
        XCTAssertEqual(kamailio.registeredContacts(of: "1001"), [], "registrations live in memory only")
        XCTAssertEqual(try register("1001", password: "pw1001", at: kamailio, contactPort: contactPort).exitStatus, 0)
        XCTAssertEqual(kamailio.waitForContacts(of: "1001", timeout: 10), ["sip:1001@127.0.0.1:\(contactPort)"])
        XCTAssertTrue(kamailio.log.contains("signal 15"), "the first run's log is kept and shows the SIGTERM")
    }

    func testStopEndsEveryKamailioProcessAndReleasesThePort() throws {
        let kamailio = try startKamailio()
        let main = try XCTUnwrap(kamailio.pid)
        let workers = KamailioProcesses.children(of: main)
        XCTAssertGreaterThanOrEqual(workers.count, 2, "kamailio forks workers")
        kamailio.stop()
        XCTAssertFalse(kamailio.isRunning)
        for pid in [main] + workers {
            XCTAssertFalse(KamailioProcesses.isOurs(pid, marker: kamailio.directory.path), "process \(pid) still runs")
        }
        XCTAssertTrue(FreePorts.isFree(kamailio.sipPort, udp: true, tcp: false))
        XCTAssertEqual(kamailio.registeredContacts(of: "pbx"), [], "no answers when stopped")
        kamailio.stop()  // twice is harmless
    }

    func testStartTwiceAndForbiddenPortsAreRefused() throws {
        let kamailio = try startKamailio()
        XCTAssertThrowsError(try kamailio.start())
        XCTAssertThrowsError(try KamailioTrunk(sipPort: 5060, pstnPort: 40000))
        XCTAssertThrowsError(try KamailioTrunk(sipPort: 40000, pstnPort: 40000))
        // A second instance on a port in use fails at once instead of waiting.
        let clash = try KamailioTrunk(sipPort: kamailio.sipPort, pstnPort: try FreePorts.sipPort())
        XCTAssertThrowsError(try clash.start())
    }

    func testBrokenStartFailsAtOnceWithKamailiosOutput() throws {
        let broken = try KamailioTrunk(sipPort: try FreePorts.sipPort(), pstnPort: try FreePorts.sipPort(),
                                       extraDefines: ["SIP_PORT=1"])  // a second definition is an error
        addTeardownBlock { broken.stop() }
        XCTAssertThrowsError(try broken.start()) { error in
            guard case .launchFailed(_, _, let output)? = error as? HarnessError else { return XCTFail("\(error)") }
            XCTAssertTrue(output.contains("already defined: SIP_PORT"), output)
        }
        XCTAssertFalse(broken.isRunning)
        XCTAssertTrue(broken.log.contains("already defined"), "the failed run's output stays readable")
    }

    func testContactAddressesAreReadFromKamcmdAnswers() {
        let answer = """
        {
        \tAoR: pbx
        \tContacts: {
        \t\tContact: {
        \t\t\tAddress: sip:pbx@127.0.0.1:41070
        \t\t\tExpires: 600
        \t\t}
        \t\tContact: {
        \t\t\tAddress: sip:pbx@127.0.0.1:41072;transport=tcp
        \t\t}
        \t}
        }
        """
        XCTAssertEqual(KamailioControl.contactAddresses(in: answer),
                       ["sip:pbx@127.0.0.1:41070", "sip:pbx@127.0.0.1:41072;transport=tcp"])
        XCTAssertEqual(KamailioControl.contactAddresses(in: "error: 500 - AOR not found in location table"), [])
    }
}
