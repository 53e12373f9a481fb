@testable import Switch
import XCTest

/// How a finished call reads in its record, and the addresses the control plane shows.
final class CallOutcomeTests: XCTestCase {
    func testAnsweredCallsAreAnsweredWhateverEndedThem() {
        XCTAssertEqual(CallOutcome.disposition(answered: true, reason: "caller hung up", bestFailure: 480), .answered)
        XCTAssertEqual(CallOutcome.disposition(answered: true, reason: "media timeout", bestFailure: 486), .answered)
    }

    func testUnansweredCallsAreToldApartByHowTheyEnded() {
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "cancelled by caller", bestFailure: 480), .cancelled)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "no answer", bestFailure: 480), .noAnswer)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "callee offline", bestFailure: 480), .failed)
        // The caller gets the best fork status, whichever fork answered last.
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "callee refused (480)", bestFailure: 486), .busy)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "callee refused (603)", bestFailure: 603), .rejected)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "callee refused (480)", bestFailure: 480), .noAnswer)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "connect target refused (486)", bestFailure: 480), .busy)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "agent unavailable", bestFailure: 480), .failed)
        XCTAssertEqual(CallOutcome.disposition(answered: false, reason: "unknown", bestFailure: 480), .failed)
    }

    func testStatusesMapToDispositions() {
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 486), .busy)
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 600), .busy)
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 403), .rejected)
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 603), .rejected)
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 408), .noAnswer)
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 487), .noAnswer)
        XCTAssertEqual(CallEndReport.Disposition.unanswered(status: 503), .failed)
        XCTAssertEqual(CallEndReport.Disposition.noAnswer.rawValue, "no_answer")
    }

    func testStatusInParenthesesReadsOnlyANumber() {
        XCTAssertEqual(CallOutcome.statusInParentheses("callee refused (486)"), 486)
        XCTAssertNil(CallOutcome.statusInParentheses("callee refused (busy)"))
        XCTAssertNil(CallOutcome.statusInParentheses(")("))
        XCTAssertNil(CallOutcome.statusInParentheses("no parentheses"))
    }

    func testAddressesLoseDisplayNamesAndTags() {
        XCTAssertEqual(Switch.addressURI("\"Demo 1001\" <sip:1001@127.0.0.1>;tag=abc"), "sip:1001@127.0.0.1")
        XCTAssertEqual(Switch.addressURI("sip:sipp@127.0.0.1:5099;tag=1"), "sip:sipp@127.0.0.1:5099")
        XCTAssertEqual(Switch.addressURI("<sip:x@h"), "<sip:x@h")
        XCTAssertEqual(Switch.addressURI(""), "")
    }

    func testMediaQualityLossIsAShareOfWhatWasExpected() {
        let quality = MediaQualitySnapshot(packetsReceived: 90, packetsSent: 100, packetsLost: 10, jitterMilliseconds: 2,
                                           roundTripMilliseconds: nil)
        XCTAssertEqual(quality.lossPercent, 10, accuracy: 0.001)
        XCTAssertEqual(MediaQualitySnapshot(packetsReceived: 0, packetsSent: 0, packetsLost: 0, jitterMilliseconds: 0,
                                            roundTripMilliseconds: nil).lossPercent, 0)
    }
}
