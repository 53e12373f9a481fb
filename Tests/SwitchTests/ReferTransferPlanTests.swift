import ParleyConfig
@testable import Switch
import XCTest

/// When Parley hands a trunk caller to its provider by REFER instead of ringing the target
/// itself, and how the REFER's answers decide success or the fall-back to a bridged transfer.
final class ReferTransferPlanTests: XCTestCase {
    private let allow = ["INVITE, ACK, BYE, CANCEL, OPTIONS, REFER, NOTIFY"]

    private func carrier(_ method: ParleyConfiguration.Trunk.TransferMethod = .refer,
                         registrar: ParleyConfiguration.Trunk.Server? = .init(host: "192.0.2.10", port: 5070)) -> ParleyConfiguration.Trunk {
        var trunk = ParleyConfiguration.Trunk(name: "carrier", registrar: registrar, register: false)
        trunk.transfer = method
        return trunk
    }

    func testAnOptedInTrunkWhoseDialogAllowsREFERIsAskedToConnectANumberAtItsServer() {
        let decision = ReferTransferPlan.decide(trunk: carrier(), allow: allow,
                                                destination: .trunk(name: "carrier", number: "+15551234"))
        XCTAssertEqual(decision, .refer(ReferTransferPlan(trunk: "carrier", number: "+15551234",
                                                          referTo: "<sip:+15551234@192.0.2.10:5070>")))
        let v6 = ReferTransferPlan.decide(trunk: carrier(registrar: .init(host: "2001:db8::7")), allow: allow,
                                          destination: .trunk(name: "carrier", number: "4711"))
        XCTAssertEqual(v6, .refer(ReferTransferPlan(trunk: "carrier", number: "4711", referTo: "<sip:4711@[2001:db8::7]>")))
    }

    func testEachMissingConditionKeepsTheTransferInsideParley() {
        let target = TransferDestination.trunk(name: "carrier", number: "4711")
        func bridges(_ decision: ReferTransferPlan.Decision, _ fragment: String, line: UInt = #line) {
            guard case .bridge(let why) = decision else { return XCTFail("expected a bridged transfer, got \(decision)", line: line) }
            XCTAssertTrue(why.contains(fragment), why, line: line)
        }
        bridges(ReferTransferPlan.decide(trunk: nil, allow: allow, destination: target), "did not come through a trunk")
        bridges(ReferTransferPlan.decide(trunk: carrier(.bridge), allow: allow, destination: target), "transfers by bridging")
        bridges(ReferTransferPlan.decide(trunk: carrier(), allow: ["INVITE, ACK, BYE, NOTIFY"], destination: target), "does not allow REFER")
        bridges(ReferTransferPlan.decide(trunk: carrier(), allow: [], destination: target), "does not allow REFER")
        bridges(ReferTransferPlan.decide(trunk: carrier(), allow: allow, destination: .user("1003", ringSeconds: 20)), "not a number on trunk")
        bridges(ReferTransferPlan.decide(trunk: carrier(), allow: allow, destination: .trunk(name: "other", number: "4711")),
                "not a number on trunk")
        bridges(ReferTransferPlan.decide(trunk: carrier(registrar: nil), allow: allow, destination: target), "no SIP URI")
        bridges(ReferTransferPlan.decide(trunk: carrier(), allow: allow, destination: .trunk(name: "carrier", number: "47 11>")),
                "no SIP URI")
    }

    func testReferredByIsParleysAccountOnTheTrunkOrItsOwnAddress() {
        var account = carrier()
        account.username = "pbx"
        XCTAssertEqual(ReferTransferPlan.referredBy(trunk: account, listen: "127.0.0.1", port: 5080), "<sip:pbx@192.0.2.10:5070>")
        XCTAssertEqual(ReferTransferPlan.referredBy(trunk: carrier(), listen: "127.0.0.1", port: 5080), "<sip:parley@127.0.0.1:5080>")
        XCTAssertEqual(ReferTransferPlan.referredBy(trunk: carrier(), listen: "2001:db8::1", port: 5080), "<sip:parley@[2001:db8::1]:5080>")
        XCTAssertNil(ReferTransferPlan.referredBy(trunk: carrier(), listen: "0.0.0.0", port: 5080))
        XCTAssertNil(ReferTransferPlan.referredBy(trunk: carrier(), listen: "::", port: 5080))
    }

    func testAllowIsReadAsCaseInsensitiveTokensAcrossHeaderLines() {
        XCTAssertTrue(ReferTransferPlan.allows(["INVITE, ACK", " refer ,BYE"], method: "REFER"))
        XCTAssertTrue(ReferTransferPlan.allows(["REFER"], method: "REFER"))
        XCTAssertFalse(ReferTransferPlan.allows(["INVITE, REFERX, PREFER"], method: "REFER"))
    }

    func testA202ThenA2xxSipfragSucceeds() {
        var progress = ReferProgress()
        XCTAssertEqual(progress.handle(.referAnswered(status: 202)), .pending)
        XCTAssertTrue(progress.accepted)
        XCTAssertEqual(progress.handle(.notified(sipfrag: "SIP/2.0 100 Trying\r\n", subscriptionState: "active;expires=60")), .pending)
        XCTAssertEqual(progress.handle(.notified(sipfrag: "SIP/2.0 180 Ringing\r\n", subscriptionState: "active")), .pending)
        XCTAssertEqual(progress.handle(.notified(sipfrag: "SIP/2.0 200 OK\r\n", subscriptionState: "terminated;reason=noresource")),
                       .succeeded)
        // Once settled, nothing later changes the outcome.
        XCTAssertEqual(progress.handle(.timedOut), .succeeded)
    }

    func testRefusalsFailureSipfragsSilenceAndAnEmptyEndingFail() {
        var refused = ReferProgress()
        XCTAssertEqual(refused.handle(.referAnswered(status: 405)), .failed(status: 405))
        XCTAssertFalse(refused.accepted)
        var busy = ReferProgress()
        busy.handle(.referAnswered(status: 202))
        XCTAssertEqual(busy.handle(.notified(sipfrag: "SIP/2.0 503 Service Unavailable", subscriptionState: "terminated")),
                       .failed(status: 503))
        var silent = ReferProgress()
        silent.handle(.referAnswered(status: 202))
        XCTAssertEqual(silent.handle(.timedOut), .failed(status: 408))
        var empty = ReferProgress()
        XCTAssertEqual(empty.handle(.notified(sipfrag: "garbage", subscriptionState: "active")), .pending)
        XCTAssertEqual(empty.handle(.notified(sipfrag: nil, subscriptionState: "terminated;reason=timeout")), .failed(status: 500))
    }

    func testSipfragStatusLines() {
        XCTAssertEqual(ReferProgress.sipfragStatus("SIP/2.0 200 OK\r\n"), 200)
        XCTAssertEqual(ReferProgress.sipfragStatus("SIP/2.0 603 Declined\nContent-Length: 0"), 603)
        XCTAssertNil(ReferProgress.sipfragStatus(""))
        XCTAssertNil(ReferProgress.sipfragStatus("HTTP/1.1 200 OK"))
        XCTAssertNil(ReferProgress.sipfragStatus("SIP/2.0 2000 OK"))
        XCTAssertNil(ReferProgress.sipfragStatus("SIP/2.0 099 Low"))
    }
}
