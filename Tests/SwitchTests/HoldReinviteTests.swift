import SDP
@testable import Switch
import XCTest

/// The hold/resume re-INVITE machine, driven without sockets.
final class HoldReinviteTests: XCTestCase {
    private var random = SystemRandomNumberGenerator()

    func testHoldOffersSendonlyOrInactiveAndResumeOffersSendrecv() {
        var hold = HoldReinvite(hold: true, farEndLetsUsSend: true, ownsCallID: false)
        XCTAssertEqual(hold.start(), [.sendOffer(.sendonly)])
        XCTAssertEqual(hold.start(), [], "one start only")
        var alreadyHeld = HoldReinvite(hold: true, farEndLetsUsSend: false, ownsCallID: false)
        XCTAssertEqual(alreadyHeld.start(), [.sendOffer(.inactive)], "RFC 6337: both holding is inactive")
        var resume = HoldReinvite(hold: false, farEndLetsUsSend: false, ownsCallID: true)
        XCTAssertEqual(resume.start(), [.sendOffer(.sendrecv)])
    }

    func testProvisionalResponsesWaitAndA2xxAppliesTheAnswer() {
        var machine = HoldReinvite(hold: true, farEndLetsUsSend: true, ownsCallID: true)
        _ = machine.start()
        XCTAssertEqual(machine.handle(.response(status: 100), random: &random), [])
        XCTAssertEqual(machine.handle(.response(status: 180), random: &random), [])
        XCTAssertEqual(machine.handle(.response(status: 200), random: &random), [.applyAnswer])
        XCTAssertEqual(machine.state, .finished)
        XCTAssertEqual(machine.handle(.response(status: 200), random: &random), [], "a retransmitted 200 does nothing")
        XCTAssertEqual(machine.handle(.legEnded, random: &random), [])
    }

    func testGlareIsRetriedAfterTheRFC3261WaitAndGivesUpAfterFourINVITEs() {
        for owns in [true, false] {
            var machine = HoldReinvite(hold: true, farEndLetsUsSend: true, ownsCallID: owns)
            XCTAssertEqual(machine.start(), [.sendOffer(.sendonly)])
            for attempt in 1..<HoldReinvite.maximumAttempts {
                let actions = machine.handle(.response(status: 491), random: &random)
                guard case .scheduleRetry(let delay)? = actions.first, actions.count == 1 else {
                    return XCTFail("expected one retry, got \(actions)")
                }
                XCTAssertTrue(owns ? (2100...4000).contains(delay) : (0...2000).contains(delay), "\(delay)")
                XCTAssertEqual(machine.state, .awaitingRetry)
                XCTAssertEqual(machine.handle(.response(status: 200), random: &random), [], "no INVITE is in flight")
                XCTAssertEqual(machine.handle(.retryTimerFired, random: &random), [.sendOffer(.sendonly)])
                XCTAssertEqual(machine.attempts, attempt + 1)
            }
            XCTAssertEqual(machine.handle(.response(status: 491), random: &random), [.fail(.rejected(status: 491))])
            XCTAssertEqual(machine.attempts, HoldReinvite.maximumAttempts)
        }
    }

    func testRefusalsFailAndAGoneDialogIsEnded() {
        var refused = HoldReinvite(hold: true, farEndLetsUsSend: true, ownsCallID: false)
        _ = refused.start()
        XCTAssertEqual(refused.handle(.response(status: 488), random: &random), [.fail(.rejected(status: 488))])
        for status in [481, 408] {
            var gone = HoldReinvite(hold: false, farEndLetsUsSend: true, ownsCallID: false)
            _ = gone.start()
            XCTAssertEqual(gone.handle(.response(status: status), random: &random),
                           [.fail(.rejected(status: status)), .endDialog(status: status)])
        }
        var ended = HoldReinvite(hold: true, farEndLetsUsSend: true, ownsCallID: false)
        _ = ended.start()
        _ = ended.handle(.response(status: 491), random: &random)
        XCTAssertEqual(ended.handle(.legEnded, random: &random), [.fail(.callEnded)])
        XCTAssertEqual(ended.handle(.retryTimerFired, random: &random), [], "a late timer does nothing")
    }
}
