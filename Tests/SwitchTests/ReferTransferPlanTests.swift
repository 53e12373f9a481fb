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

    private let parley = ReferTransferPlan.Requester.parley(listen: "127.0.0.1", port: 5080)

    private func party(_ trunk: ParleyConfiguration.Trunk?, allow: [String]? = nil,
                       dialog: ReferTransferPlan.Dialog = .call) -> ReferTransferPlan.Party {
        ReferTransferPlan.Party(trunk: trunk, allow: allow ?? self.allow, dialog: dialog)
    }

    func testAnOptedInTrunkWhoseDialogAllowsREFERIsAskedToConnectANumberAtItsServer() {
        let decision = ReferTransferPlan.decide(party: party(carrier()), destination: .trunk(name: "carrier", number: "+15551234"),
                                                requester: parley)
        XCTAssertEqual(decision, .refer(ReferTransferPlan(trunk: "carrier", number: "+15551234",
                                                          referTo: "<sip:+15551234@192.0.2.10:5070>", dialog: .call,
                                                          referredBy: "<sip:parley@127.0.0.1:5080>", timeoutSeconds: 40)))
        let v6 = ReferTransferPlan.decide(party: party(carrier(registrar: .init(host: "2001:db8::7"))),
                                          destination: .trunk(name: "carrier", number: "4711"), requester: parley)
        XCTAssertEqual(v6, .refer(ReferTransferPlan(trunk: "carrier", number: "4711", referTo: "<sip:4711@[2001:db8::7]>",
                                                    dialog: .call, referredBy: "<sip:parley@127.0.0.1:5080>", timeoutSeconds: 40)))
    }

    /// The far end of a user's call out (the trunk leg) is REFERred on that leg, with the phone's
    /// own Referred-By when it sent a usable one, and the provider gets the trunk's own time limit.
    func testAPhonesTransferOfItsTrunkPartyGoesOnTheTrunkLegWithThePhonesReferredBy() {
        var trunk = carrier()
        trunk.referTimeoutSeconds = 7
        let target = TransferDestination.trunk(name: "carrier", number: "4712")
        let byPhone = ReferTransferPlan.decide(party: party(trunk, dialog: .leg), destination: target,
                                               requester: .phone(referredBy: "<sip:1001@pbx.example>", listen: "127.0.0.1", port: 5080))
        XCTAssertEqual(byPhone, .refer(ReferTransferPlan(trunk: "carrier", number: "4712", referTo: "<sip:4712@192.0.2.10:5070>",
                                                         dialog: .leg, referredBy: "<sip:1001@pbx.example>", timeoutSeconds: 7)))
        // No Referred-By, or one that is not a URI on one line: Parley's own identity instead.
        for unusable in [nil, "", "anonymous", "<sip:1001@x>\r\nX-Evil: 1", String(repeating: "a", count: 600) + "sip:"] as [String?] {
            guard case .refer(let plan) = ReferTransferPlan.decide(
                party: party(trunk, dialog: .leg), destination: target,
                requester: .phone(referredBy: unusable, listen: "127.0.0.1", port: 5080)) else {
                return XCTFail("expected REFER for \(String(describing: unusable))")
            }
            XCTAssertEqual(plan.referredBy, "<sip:parley@127.0.0.1:5080>", "\(String(describing: unusable))")
        }
        // The leg's 200 must have listed REFER, as a caller's INVITE must.
        guard case .bridge(let why) = ReferTransferPlan.decide(party: party(trunk, allow: ["INVITE, BYE"], dialog: .leg),
                                                               destination: target, requester: parley) else {
            return XCTFail("a leg whose 200 did not allow REFER is transferred inside Parley")
        }
        XCTAssertTrue(why.contains("does not allow REFER"), why)
    }

    func testEachMissingConditionKeepsTheTransferInsideParley() {
        let target = TransferDestination.trunk(name: "carrier", number: "4711")
        func bridges(_ party: ReferTransferPlan.Party, to destination: TransferDestination = target, _ fragment: String, line: UInt = #line) {
            let decision = ReferTransferPlan.decide(party: party, destination: destination, requester: parley)
            guard case .bridge(let why) = decision else { return XCTFail("expected a bridged transfer, got \(decision)", line: line) }
            XCTAssertTrue(why.contains(fragment), why, line: line)
        }
        bridges(party(nil), "not reached through a trunk")
        bridges(party(carrier(.bridge)), "transfers by bridging")
        bridges(party(carrier(), allow: ["INVITE, ACK, BYE, NOTIFY"]), "does not allow REFER")
        bridges(party(carrier(), allow: []), "does not allow REFER")
        bridges(party(carrier()), to: .user("1003", ringSeconds: 20), "not a number on trunk")
        bridges(party(carrier()), to: .trunk(name: "other", number: "4711"), "not a number on trunk")
        bridges(party(carrier(registrar: nil)), "no SIP URI")
        bridges(party(carrier()), to: .trunk(name: "carrier", number: "47 11>"), "no SIP URI")
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
